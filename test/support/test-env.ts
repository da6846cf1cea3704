import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { DOMAINS } from '#kernel';

/** Values every e2e spec gets from the global setup through `inject()`. */
export interface TestEnvironment {
  runId: string;
  gatewayUrl: string;
  /** Base URL of the setup's control server (stop/start a service). */
  controlUrl: string;
  /** Environment the supergraph processes run with (database prefix, ports, ...). */
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testEnvironment: TestEnvironment;
  }
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Settings isolating one test run: its own databases, Redis key prefix, NATS subjects
 * and ports, so concurrent runs on one machine never see each other's data.
 */
export async function isolatedEnv(): Promise<{ runId: string; env: Record<string, string> }> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_PREFIX: `shop_test_${runId}`,
    REDIS_KEY_PREFIX: `shop-test:${runId}:`,
    EVENTS_PREFIX: `shop_test_${runId}`,
  };
  for (const service of [...DOMAINS, 'gateway']) env[`${service.toUpperCase()}_PORT`] = String(await freePort());
  for (const domain of DOMAINS) env[`${domain.toUpperCase()}_URL`] = `http://127.0.0.1:${env[`${domain.toUpperCase()}_PORT`]}/graphql`;
  return { runId, env };
}
