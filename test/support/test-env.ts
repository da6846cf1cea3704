import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createConnection } from 'mariadb';
import { connect } from 'nats';
import { DOMAINS, poolConfigFromUrl } from '#kernel';

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

/** One access-token signing key of the auth subgraph, as AUTH_SIGNING_KEYS lists them (the first signs). */
export interface SigningKey {
  kid: string;
  privateKeyPem: string;
}

/** A fresh EC P-256 key pair for the run's auth subgraph to sign access tokens with. */
export function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid: `test-${randomBytes(6).toString('hex')}`, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/**
 * Settings isolating one test run: its own databases, Redis key prefix, NATS subjects
 * and ports, so concurrent runs on one machine never see each other's data; and its own
 * secrets (the gateway signature key, the token signing key).
 */
export async function isolatedEnv(): Promise<{ runId: string; env: Record<string, string> }> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_PREFIX: `shop_test_${runId}`,
    REDIS_KEY_PREFIX: `shop-test:${runId}:`,
    EVENTS_PREFIX: `shop_test_${runId}`,
    GATEWAY_SECRET: randomBytes(32).toString('base64url'),
    AUTH_SIGNING_KEYS: JSON.stringify([newSigningKey()]),
    // Auth: mail lands in files the specs read; short rate-limit windows so specs can
    // watch a limit recover; each spec client sends its own X-Forwarded-For address.
    MAIL_DIR: join(tmpdir(), `shop-mail-${runId}`),
    AUTH_ADMIN_EMAILS: `admin@${runId}.test`,
    LOGIN_ATTEMPTS_PER_ACCOUNT: '5',
    RATE_LIMIT_WINDOW_SECONDS: '3',
    TRUST_PROXY: 'true',
    // Users: uploaded avatars go to a per-run directory, not the working tree.
    AVATAR_DIR: join(tmpdir(), `shop-avatars-${runId}`),
    // Orders: a fixed payment window specs can check; the unpaid-timeout spec moves an order's deadline instead of waiting.
    ORDER_PAYMENT_WINDOW_SECONDS: '600',
    ORDER_EXPIRY_SWEEP_MS: '200',
    // Payments: the simulator's webhooks are signed with a per-run secret.
    PAYMENT_SIMULATOR_SECRET: randomBytes(24).toString('base64url'),
    // Open payments are asked about after 3 s instead of 2 min, so the lost-webhook spec is quick.
    PAYMENT_RECONCILE_AFTER_MS: '3000',
    PAYMENT_RECONCILE_INTERVAL_MS: '1000',
    // Gateway subscriptions: a short connection_init wait, so the 4408 spec is quick.
    SUBSCRIPTION_INIT_TIMEOUT_MS: '1000',
    SUBSCRIPTIONS_PER_CONNECTION: '5',
    // Gateway rate limit: the whole suite sends thousands of operations from a few addresses
    // and users; it must never be what refuses one (the security spec starts its own gateway).
    GATEWAY_RATE_LIMIT_POINTS: '1000000',
    // The transaction log stays in this run's MySQL, where the specs read it, even when the machine has MongoDB.
    MONGO_URL: '',
  };
  for (const service of [...DOMAINS, 'gateway']) env[`${service.toUpperCase()}_PORT`] = String(await freePort());
  for (const domain of DOMAINS) env[`${domain.toUpperCase()}_URL`] = `http://127.0.0.1:${env[`${domain.toUpperCase()}_PORT`]}/graphql`;
  // The simulator calls back through the gateway, like a real provider would.
  env.PAYMENT_WEBHOOK_URL = `http://127.0.0.1:${env.GATEWAY_PORT}/payments/webhook`;
  return { runId, env };
}

/** Drops everything a run made: its databases, JetStream streams (with their consumers), Redis keys, mail and avatar folders. */
export async function dropRunData(env: Record<string, string>) {
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
