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

/** A URL setting whose scheme must be one of `protocols` (e.g. `['redis:', 'rediss:']`). */
export const urlWithScheme = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with scheme ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`);

/**
 * GATEWAY_SECRET outside production. It is in the source code, so it protects nothing:
 * production refuses to start with it (see {@link loadConfig}).
 */
export const DEVELOPMENT_GATEWAY_SECRET = 'insecure-development-gateway-secret-do-not-use-in-production';

/** An empty variable (e.g. compose's `${VAR:-}`) counts as unset, so its default applies. */
const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

/** Settings every process shares. Each field names its environment variable and default. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Interface to listen on; containers set 0.0.0.0. */
  BIND_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * HMAC key the gateway signs every subgraph request with, and subgraphs check it with
   * (see gateway-signature.ts); the same value in all six processes. At least 32
   * characters; required in production, {@link DEVELOPMENT_GATEWAY_SECRET} otherwise.
   */
  GATEWAY_SECRET: z.preprocess(
    emptyAsUnset,
    z.string().min(32, 'must be at least 32 characters').default(DEVELOPMENT_GATEWAY_SECRET),
  ),
};

/** The Redis server and key prefix; the gateway reads the token deny-list under the same prefix auth writes it. */
export const redisEnv = {
  REDIS_URL: urlWithScheme(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key (cache, rate limits, deny-list). */
  REDIS_KEY_PREFIX: z.string().min(1).default('shop:'),
};

/** Settings of a subgraph process: its database, Redis and NATS. */
export const subgraphEnv = {
  ...commonEnv,
  /** MySQL/MariaDB server; each domain's database is `<DATABASE_PREFIX>_<domain>` on it. */
  DATABASE_URL: urlWithScheme(['mysql:', 'mariadb:']).default('mysql://root@127.0.0.1:3306'),
  /** Prefix of database names; tests use a per-run prefix so runs never collide. */
  DATABASE_PREFIX: z.string().regex(/^[A-Za-z0-9_]{1,40}$/, 'must be 1-40 letters, digits or _').default('shop'),
  ...redisEnv,
  NATS_URL: urlWithScheme(['nats:', 'tls:']).default('nats://127.0.0.1:4222'),
  /** Prefix of NATS subjects and JetStream stream names, so runs never share a stream. */
  EVENTS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -').default('shop'),
  /**
   * Whether this process runs its domain's outbox relay. `off` suits processes that only
   * serve requests while others (or a dedicated one) publish: every relay of a domain
   * shares the same outbox table, so any one of them publishes every event.
   */
  OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
  /**
   * Most `_entities` representations one request may carry (see entity-limit.ts); more is
   * refused with OPERATION_LIMIT_EXCEEDED before anything runs. The gateway's largest
   * legitimate fetch is a full page of orders with every line's product: 100 orders
   * (largest page) × 50 lines (most an order may have) = 5000, so the default is exactly that.
   */
  MAX_ENTITY_REPRESENTATIONS: z.coerce.number().int().min(1).default(5000),
};

type Shape = Record<string, z.ZodType>;
export type Config<S extends Shape> = { [K in keyof S]: z.output<S[K]> };

/** Variables whose values never appear in an error message. */
const SECRET_NAME = /SECRET|PASSWORD|PRIVATE|SIGNING_KEY/;

/** Rules across settings: production refuses the development defaults of secrets. */
function productionRules(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (config.NODE_ENV === 'production' && config.GATEWAY_SECRET === DEVELOPMENT_GATEWAY_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['GATEWAY_SECRET'],
      message: 'must be set to a random secret of at least 32 characters in production, the same in every service',
    });
  }
}

/**
 * Validates `env` against `shape` and returns typed settings. On the first invalid or
 * missing variable it throws a {@link ConfigError} naming it, e.g.
 * `USERS_PORT: expected a number, got "abc"`. Secrets are named but never printed.
 */
export function loadConfig<S extends Shape>(shape: S, env: NodeJS.ProcessEnv = process.env): Config<S> {
  const parsed = z.object(shape).superRefine(productionRules).safeParse(env);
  if (parsed.success) return parsed.data as Config<S>;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0]);
  const value = env[name];
  const secret = SECRET_NAME.test(name);
  const got =
    value === undefined || (secret && value === '')
      ? 'it is not set'
      : secret
        ? `got ${value.length} characters`
        : `got ${JSON.stringify(value)}`;
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
