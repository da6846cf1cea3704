import { inject } from 'vitest';
import { createConnection, type Connection } from 'mariadb';
import { poolConfigFromUrl, type Domain } from '#kernel';
import type { TestEnvironment } from './test-env';

export const testEnvironment = (): TestEnvironment => inject('testEnvironment');

/** A GraphQL response as the gateway sent it, with the HTTP status. */
export interface GraphQLResult<TData = Record<string, any>> {
  status: number;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** Options of {@link graphqlRequest}. */
export interface RequestOptions {
  variables?: Record<string, unknown>;
  /** Bearer token of the caller; anonymous when absent. */
  token?: string;
  headers?: Record<string, string>;
  /** Defaults to the run's gateway. */
  url?: string;
}

/** POSTs one operation to the gateway over real HTTP, the way a browser client would. */
export async function graphqlRequest<TData = Record<string, any>>(query: string, options: RequestOptions = {}): Promise<GraphQLResult<TData>> {
  const response = await fetch(options.url ?? testEnvironment().gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResult<TData>, 'status'>;
  return { status: response.status, ...body };
}

/** Error codes of a response, in order. */
export const errorCodes = (result: GraphQLResult) => (result.errors ?? []).map((error) => error.extensions?.code);

/** Stops or starts one service of the running supergraph (through the global setup). */
export async function controlService(name: string, action: 'stop' | 'start'): Promise<void> {
  const response = await fetch(`${testEnvironment().controlUrl}/services/${name}/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`could not ${action} ${name}: ${await response.text()}`);
}

/** A direct connection to one domain's database of this run, for arranging test data. */
export async function domainDatabase(domain: Domain): Promise<Connection> {
  const { env } = testEnvironment();
  const server = poolConfigFromUrl(env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
  return createConnection({ ...server, database: `${env.DATABASE_PREFIX}_${domain}` });
}
