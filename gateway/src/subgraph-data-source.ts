import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { ErrorCode, newSpanId, toTraceparent } from '#kernel';
import type { GatewayContext } from './gateway-context';

/**
 * How the gateway calls one subgraph: Node's fetch (undici, keep-alive connection
 * pool per origin) with a per-fetch timeout, the caller's trace continued in a
 * `traceparent` header, and transport failures turned into a coded error so the
 * client sees SERVICE_UNAVAILABLE on the affected fields instead of a socket message.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    timeoutMs: number,
  ) {
    super({
      url,
      fetcher: ((input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const trace = context?.trace;
    if (trace) request.http!.headers.set('traceparent', toTraceparent({ traceId: trace.traceId, spanId: newSpanId() }));
  }

  override didEncounterError(error: Error): never {
    if (error instanceof GraphQLError && error.extensions.code) throw error;
    const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
    throw new GraphQLError(`The ${this.name} service is ${timedOut ? 'not responding' : 'unavailable'}; try again shortly.`, {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, service: this.name },
      originalError: error,
    });
  }
}
