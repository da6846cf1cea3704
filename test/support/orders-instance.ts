import type { ChildProcess } from 'node:child_process';
import { GATEWAY_SIGNATURE_HEADER, signGatewayRequest, type Identity } from '#kernel';
import type { SignedIn } from './accounts';
import { testEnvironment, type GraphQLResult } from './clients';
import { startUntilHealthy } from './processes';
import { freePort } from './test-env';

/** The identity the gateway would vouch for, read from the user's access token. */
export function identityOf(user: SignedIn): Identity {
  const claims = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; roles: Identity['roles']; sid: string };
  return { userId: claims.sub, roles: claims.roles, sessionId: claims.sid };
}

/** An orders subgraph process besides the run's own, on the same databases, Redis and NATS. */
export interface OrdersInstance {
  url: string;
  /** Calls it as the gateway would, signing the request for `identity`. */
  request<T = Record<string, any>>(query: string, variables: Record<string, unknown>, identity: Identity | null): Promise<GraphQLResult<T>>;
  /** SIGTERM (clean stop) or SIGKILL (a crash: nothing in flight finishes). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Starts another orders process, e.g. to prove that instances share subscribers, or with its relay off. */
export async function startOrdersInstance(env: Record<string, string> = {}): Promise<OrdersInstance> {
  const port = await freePort();
  const runEnv = testEnvironment().env;
  const child: ChildProcess = await startUntilHealthy(
    'subgraphs/orders/src/main.js',
    [],
    { ...process.env, ...runEnv, ORDERS_PORT: String(port), LOG_LEVEL: 'warn', ...env },
    `http://127.0.0.1:${port}/health`,
  );
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    async request(query, variables, identity) {
      const body = JSON.stringify({ query, variables });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GATEWAY_SIGNATURE_HEADER]: signGatewayRequest({ identity, clientIp: null }, body, runEnv.GATEWAY_SECRET!) },
        body,
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
