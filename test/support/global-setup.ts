import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { SERVICES, startStack, type ServiceName } from '../../scripts/start';
import { repoRoot } from '../../scripts/repo-root';
import { dropRunData, isolatedEnv } from './test-env';

/**
 * Starts the whole supergraph once per test run, exactly as `npm start` does, against
 * the machine's MariaDB, Redis and NATS with per-run names; tears it down and drops the
 * run's databases, keys, streams, mail and avatar folders afterwards. Service logs go to a file to keep output readable.
 */
export default async function setup(project: TestProject) {
  const { runId, env } = await isolatedEnv();
  const processEnv = { ...process.env, ...env };
  const logDir = join(repoRoot(), 'dist', 'test-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `e2e-${runId}.log`);
  const log = createWriteStream(logFile);
  process.stdout.write(`e2e run ${runId}: service logs in ${logFile}\n`);

  const stack = await startStack({ env: processEnv, output: (line) => log.write(`${line}\n`) });

  // Specs run in workers; they stop and start services through this small control server.
  const control = createServer((req, res) => {
    const match = /^\/services\/([a-z]+)\/(stop|start)$/.exec(req.url ?? '');
    const name = match?.[1] as ServiceName | undefined;
    if (req.method !== 'POST' || !match || !SERVICES.includes(name!)) {
      res.writeHead(404).end();
      return;
    }
    const action = match[2] === 'stop' ? stack.stopService(name!) : stack.startService(name!);
    action.then(
      () => res.writeHead(204).end(),
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const controlUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}`;

  project.provide('testEnvironment', { runId, gatewayUrl: stack.gatewayUrl, controlUrl, env });

  return async () => {
    control.close();
    await stack.stop();
    log.end();
    await dropRunData(env);
  };
}
