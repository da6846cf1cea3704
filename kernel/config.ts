import { z } from 'zod';

/** The five domains of the supergraph; each is one subgraph with its own database. */
export const DOMAINS = ['auth', 'users', 'products', 'orders', 'payments'] as const;
export type Domain = (typeof DOMAINS)[number];

/** Default port of each service; `<NAME>_PORT` overrides it. */
export const DEFAULT_PORTS: Record<Domain | 'gateway', number> = {
  gateway: 4000,
  auth: 4001,
  users: 4002,
  products: 4003,
  orders: 4004,
  payments: 4005,
};

/** Thrown when the environment is invalid; `main` prints its one-line message and exits 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = z.coerce.number().int().min(0).max(65535);
const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with scheme ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`);

/** Settings every process shares. Each field names its environment variable and default. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Interface to listen on; containers set 0.0.0.0. */
  BIND_HOST: z.string().min(1).default('127.0.0.1'),
};

/** Settings of a subgraph process: its database, Redis and NATS. */
export const subgraphEnv = {
  ...commonEnv,
  /** MySQL/MariaDB server; each domain's database is `<DATABASE_PREFIX>_<domain>` on it. */
  DATABASE_URL: url(['mysql:', 'mariadb:']).default('mysql://root@127.0.0.1:3306'),
  /** Prefix of database names; tests use a per-run prefix so runs never collide. */
  DATABASE_PREFIX: z.string().regex(/^[A-Za-z0-9_]{1,40}$/, 'must be 1-40 letters, digits or _').default('shop'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key (cache, rate limits, deny-list). */
  REDIS_KEY_PREFIX: z.string().min(1).default('shop:'),
  NATS_URL: url(['nats:', 'tls:']).default('nats://127.0.0.1:4222'),
  /** Prefix of NATS subjects and JetStream stream names, so runs never share a stream. */
  EVENTS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -').default('shop'),
};

type Shape = Record<string, z.ZodType>;
export type Config<S extends Shape> = { [K in keyof S]: z.output<S[K]> };

/**
 * Validates `env` against `shape` and returns typed settings. On the first invalid or
 * missing variable it throws a {@link ConfigError} naming it, e.g.
 * `USERS_PORT: expected a number, got "abc"`.
 */
export function loadConfig<S extends Shape>(shape: S, env: NodeJS.ProcessEnv = process.env): Config<S> {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return parsed.data as Config<S>;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0]);
  const got = env[name] === undefined ? 'it is not set' : `got ${JSON.stringify(env[name])}`;
  const reason = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  throw new ConfigError(`invalid environment: ${name} ${reason} (${got})`);
}

/** The port a service listens on: `<NAME>_PORT` (e.g. `USERS_PORT`), else its default. */
export function servicePort(service: Domain | 'gateway', env: NodeJS.ProcessEnv = process.env): number {
  const name = `${service.toUpperCase()}_PORT`;
  return loadConfig({ [name]: port.default(DEFAULT_PORTS[service]) }, env)[name] as number;
}

/** Database URL of one domain: `<DOMAIN>_DATABASE_URL` if set, else derived from the shared server URL. */
export function databaseUrlFor(
  domain: Domain,
  settings: { DATABASE_URL: string; DATABASE_PREFIX: string },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const override = env[`${domain.toUpperCase()}_DATABASE_URL`];
  if (override) return override;
  const server = new URL(settings.DATABASE_URL);
  server.pathname = `/${settings.DATABASE_PREFIX}_${domain}`;
  return server.toString();
}
