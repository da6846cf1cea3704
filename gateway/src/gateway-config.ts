import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { commonEnv, ConfigError, DEFAULT_PORTS, loadConfig } from '#kernel';

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
}

const gatewayEnv = {
  ...commonEnv,
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.gateway),
  SUPERGRAPH_PATH: z.string().min(1).default('supergraph.graphql'),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

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
      .filter(([name, value]) => /^[A-Z0-9_]+_URL$/.test(name) && value && !/^(DATABASE|REDIS|NATS|MONGO)_URL$/.test(name))
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
  };
}
