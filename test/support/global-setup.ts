import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { DOMAINS, poolConfigFromUrl } from '#kernel';
import { createConnection } from 'mariadb';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { SERVICES, startStack, type ServiceName } from '../../scripts/start';
import { repoRoot } from '../../scripts/repo-root';
import { isolatedEnv } from './test-env';

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

async function dropRunData(env: Record<string, string>) {
  for (const folder of [env.MAIL_DIR, env.AVATAR_DIR]) if (folder) rmSync(folder, { recursive: true, force: true });
  const connection = await createConnection(poolConfigFromUrl(env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306'));
  try {
    for (const domain of DOMAINS) await connection.query(`DROP DATABASE IF EXISTS \`${env.DATABASE_PREFIX}_${domain}\``);
  } finally {
    await connection.end();
  }
  // The run's JetStream streams (and with them their consumers).
  const nats = await connect({ servers: env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  try {
    const jsm = await nats.jetstreamManager();
    for await (const stream of jsm.streams.list()) {
      if (stream.config.name.startsWith(`${env.EVENTS_PREFIX}_`.toUpperCase())) await jsm.streams.delete(stream.config.name);
    }
  } finally {
    await nats.drain();
  }
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
