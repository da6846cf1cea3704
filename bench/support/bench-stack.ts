import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/repo-root';
import { startStack, type Stack } from '../../scripts/start';
import { dropRunData, isolatedEnv } from '../../test/support/test-env';

/** A whole supergraph started for one benchmark, with its own databases, keys and streams. */
export interface BenchStack {
  stack: Stack;
  /** The run's environment (database prefix, ports, secrets, ...). */
  env: Record<string, string>;
  /** Stops every service and drops the run's data. */
  stop: () => Promise<void>;
}

/**
 * Starts the compiled stack (`npm run build` first) on an isolated environment with
 * `settings` on top, logging at `warn` into `dist/test-logs/bench-<name>-<id>.log` so the
 * services' output neither costs the benchmark nor clutters its figures.
 */
export async function startBenchStack(name: string, settings: Record<string, string> = {}): Promise<BenchStack> {
  const { env } = await isolatedEnv();
  Object.assign(env, { LOG_LEVEL: 'warn' }, settings);
  const logDir = join(repoRoot(), 'dist', 'test-logs');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `bench-${name}-${randomBytes(3).toString('hex')}.log`));
  let stack: Stack;
  try {
    stack = await startStack({ env: { ...process.env, ...env }, output: (line) => log.write(`${line}\n`) });
  } catch (error) {
    await dropRunData(env);
    throw error;
  }
  return {
    stack,
    env,
    stop: async () => {
      await stack.stop();
      await dropRunData(env);
      log.end();
    },
  };
}
