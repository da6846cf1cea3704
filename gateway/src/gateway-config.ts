import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { commonEnv, ConfigError, DEFAULT_PORTS, loadConfig, redisEnv, urlWithScheme } from '#kernel';

/** Settings of the gateway process: flags win over environment variables. */
export interface GatewayConfig {
  port: number;
  /** Path of the composed supergraph SDL to serve. */
  supergraphPath: string;
  production: boolean;
  logLevel: string;
  bindHost: string;
  /** Longest wait for one subgraph fetch, in ms. */
  subgraphTimeoutMs: number;
  /** Subgraph URL overrides by subgraph name (`AUTH_URL=...`); otherwise the supergraph's routing URLs. */
  subgraphUrls: Record<string, string>;
  /** Key the gateway signs subgraph requests with (GATEWAY_SECRET). */
  gatewaySecret: string;
  /** Redis holding the access-token deny-list (the auth subgraph's REDIS_URL and REDIS_KEY_PREFIX). */
  redisUrl: string;
  redisKeyPrefix: string;
  /** AUTH_JWKS_URL; unset, the keys are fetched from the auth subgraph's origin + `/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** TRUST_PROXY=true: the client IP is the first `x-forwarded-for` hop, not the socket's peer. */
  trustProxy: boolean;
  /** AVATAR_MAX_BYTES: largest avatar upload forwarded to the users subgraph (which applies the same limit). */
  avatarMaxBytes: number;
  /** Limits of GraphQL subscriptions over WebSocket (graphql-ws) on `/graphql`. */
  subscriptions: {
    /** How long a socket may stay open before `connection_init`, in ms (then closed 4408). */
    initTimeoutMs: number;
    /** Operations one connection may run at once. */
    maxPerConnection: number;
    /** Largest message a client may send, in bytes. */
    maxPayloadBytes: number;
  };
}

const gatewayEnv = {
  ...commonEnv,
  ...redisEnv,
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.gateway),
  SUPERGRAPH_PATH: z.string().min(1).default('supergraph.graphql'),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  AUTH_JWKS_URL: urlWithScheme(['http:', 'https:']).optional(),
  /** Only behind a proxy that sets X-Forwarded-For itself; otherwise clients could pick their own IP. */
  TRUST_PROXY: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  /** Largest avatar upload, in bytes; the users subgraph reads the same variable. */
  AVATAR_MAX_BYTES: z.coerce.number().int().min(1024).max(20 * 1024 * 1024).default(2 * 1024 * 1024),
  /** Wait for a WebSocket's connection_init, in ms. */
  SUBSCRIPTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Subscriptions one WebSocket connection may hold at once. */
  SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(1000).default(25),
  /** Largest WebSocket message a client may send, in bytes. */
  SUBSCRIPTION_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
};

/** `*_URL` variables that name something other than a subgraph. */
const NOT_SUBGRAPH_URLS = /^(DATABASE|REDIS|NATS|MONGO|AUTH_JWKS|PAYMENT_WEBHOOK)_URL$/;

/** Reads `--supergraph FILE` and `--port N` (or SUPERGRAPH_PATH / GATEWAY_PORT) and the rest of the environment. */
export function loadGatewayConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let flags: { supergraph?: string; port?: string };
  try {
    flags = parseArgs({ args: argv, options: { supergraph: { type: 'string' }, port: { type: 'string' } } }).values;
  } catch (error) {
    throw new ConfigError(`invalid arguments: ${(error as Error).message} (usage: gateway [--supergraph FILE] [--port N])`);
  }
  const config = loadConfig(gatewayEnv, {
    ...env,
    ...(flags.port !== undefined && { GATEWAY_PORT: flags.port }),
    ...(flags.supergraph !== undefined && { SUPERGRAPH_PATH: flags.supergraph }),
  });
  const subgraphUrls = Object.fromEntries(
    Object.entries(env)
      .filter(([name, value]) => /^[A-Z0-9_]+_URL$/.test(name) && value && !NOT_SUBGRAPH_URLS.test(name))
      .map(([name, value]) => [name.slice(0, -'_URL'.length).toLowerCase(), value!]),
  );
  return {
    port: config.GATEWAY_PORT,
    supergraphPath: resolve(config.SUPERGRAPH_PATH),
    production: config.NODE_ENV === 'production',
    logLevel: config.LOG_LEVEL,
    bindHost: config.BIND_HOST,
    subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    subgraphUrls,
    gatewaySecret: config.GATEWAY_SECRET,
    redisUrl: config.REDIS_URL,
    redisKeyPrefix: config.REDIS_KEY_PREFIX,
    jwksUrl: config.AUTH_JWKS_URL,
    trustProxy: config.TRUST_PROXY === 'true',
    avatarMaxBytes: config.AVATAR_MAX_BYTES,
    subscriptions: {
      initTimeoutMs: config.SUBSCRIPTION_INIT_TIMEOUT_MS,
      maxPerConnection: config.SUBSCRIPTIONS_PER_CONNECTION,
      maxPayloadBytes: config.SUBSCRIPTION_MAX_PAYLOAD_BYTES,
    },
  };
}
