import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { commonEnv, ConfigError, DEFAULT_PORTS, loadConfig, redisEnv, urlWithScheme } from '#kernel';
import type { OperationLimits } from './security/operation-limits';

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
  /** Limits every operation must stay within, over HTTP and WebSocket (MAX_QUERY_DEPTH, ...). */
  operationLimits: OperationLimits;
  /** CORS_ORIGINS: origins whose browsers may call the gateway; empty, no CORS headers at all; `*` any (not in production). */
  corsOrigins: string[];
  /** Operations (weighted) one user and one client IP may run per window, counted in Redis. */
  rateLimit: { points: number; windowSeconds: number };
  /** GATEWAY_REQUEST_TIMEOUT_MS: longest an HTTP GraphQL request may take before 504 GATEWAY_TIMEOUT. */
  requestTimeoutMs: number;
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
  /** Deepest field nesting of an operation (fragments do not add a level). */
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).max(1000).default(12),
  /** Aliases in one operation, its fragments included. */
  MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(15),
  /** Directives in one operation. */
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(10_000).default(10),
  /** Lexical tokens of the query document, counted before it is parsed. */
  MAX_TOKENS: z.coerce.number().int().min(10).max(1_000_000).default(2000),
  /** Estimated fields an operation resolves, lists weighted by their page size (see operation-cost.ts). */
  MAX_COST: z.coerce.number().int().min(1).max(100_000_000).default(5000),
  /** Root field selections of one operation, each alias separately. */
  MAX_ROOT_FIELDS: z.coerce.number().int().min(1).max(10_000).default(10),
  /** UTF-8 bytes of the query string. */
  MAX_DOCUMENT_BYTES: z.coerce.number().int().min(256).max(1024 * 1024).default(20_000),
  /** Comma-separated origins (`https://shop.example`) allowed to call the gateway from a browser. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .refine((origins) => origins.every((origin) => origin === '*' || isOrigin(origin)), 'must be comma-separated origins like https://shop.example, or *'),
  /** Weighted operations per window, per user and per client IP. */
  GATEWAY_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).max(10_000_000).default(600),
  GATEWAY_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Longest an HTTP GraphQL request may run at the gateway, in ms. */
  GATEWAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
};

/** `scheme://host[:port]` and nothing else, the way browsers send `Origin`. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

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
  if (config.NODE_ENV === 'production' && config.CORS_ORIGINS.includes('*')) {
    throw new ConfigError(`invalid environment: CORS_ORIGINS must list the origins of your web clients, not *, in production (got ${JSON.stringify(env.CORS_ORIGINS)})`);
  }
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
    operationLimits: {
      depth: config.MAX_QUERY_DEPTH,
      aliases: config.MAX_ALIASES,
      directives: config.MAX_DIRECTIVES,
      tokens: config.MAX_TOKENS,
      cost: config.MAX_COST,
      rootFields: config.MAX_ROOT_FIELDS,
      documentSize: config.MAX_DOCUMENT_BYTES,
    },
    corsOrigins: config.CORS_ORIGINS,
    rateLimit: { points: config.GATEWAY_RATE_LIMIT_POINTS, windowSeconds: config.GATEWAY_RATE_LIMIT_WINDOW_SECONDS },
    requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
  };
}
