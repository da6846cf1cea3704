import type { ChildProcess } from 'node:child_process';
import { randomIp, shopClient, type SignedIn } from './accounts';
import { graphqlRequest, testEnvironment, type GraphQLResult, type RequestOptions } from './clients';
import { startUntilHealthy, stopProcess } from './processes';
import { freePort } from './test-env';

/** A second gateway of the run, started as production deploys it, in front of the run's subgraphs. */
export interface ProductionGateway {
  url: string;
  /** The settings it was started with on top of the run's (limits, CORS, rate limit). */
  settings: Record<string, string>;
  /** POSTs one operation from `ip` (it trusts X-Forwarded-For, as behind a proxy); a fresh address unless given. */
  call<T = Record<string, any>>(query: string, options?: RequestOptions & { ip?: string }): Promise<GraphQLResult<T>>;
  /** The typed client on this gateway, as `user` (from the user's own address). */
  client(user?: SignedIn | null): ReturnType<typeof shopClient>;
  stop(): Promise<void>;
}

/**
 * Starts `gateway/src/main.js` with NODE_ENV=production, TRUST_PROXY=true and `settings`,
 * on a free port, pointed at the run's subgraphs (their URLs and secrets come from the
 * run's environment). Stop it in afterAll.
 */
export async function startProductionGateway(settings: Record<string, string>): Promise<ProductionGateway> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = await startUntilHealthy(
    'gateway/src/main.js',
    [],
    { ...process.env, ...testEnvironment().env, NODE_ENV: 'production', LOG_LEVEL: 'warn', TRUST_PROXY: 'true', GATEWAY_PORT: String(port), ...settings },
    `${origin}/health`,
  );
  const url = `${origin}/graphql`;
  return {
    url,
    settings,
    call: (query, options = {}) =>
      graphqlRequest(query, { ...options, url, headers: { 'x-forwarded-for': options.ip ?? randomIp(), ...options.headers } }),
    client: (user) => shopClient(user ?? null, { url }),
    stop: () => stopProcess(child),
  };
}
