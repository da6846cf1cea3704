import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { ErrorCode, GATEWAY_SIGNATURE_HEADER, newSpanId, openGatewayEnvelope, sealGatewayEnvelope, toTraceparent } from '#kernel';
import type { GatewayContext } from './gateway-context';

/** Options of {@link SubgraphDataSource}. */
export interface SubgraphDataSourceOptions {
  /** Longest wait for one fetch, in ms. */
  timeoutMs: number;
  /** Key of the `x-shop-gateway` signature (GATEWAY_SECRET). */
  gatewaySecret: string;
}

/**
 * How the gateway calls one subgraph: Node's fetch (undici, keep-alive connection
 * pool per origin) with a per-fetch timeout, the caller's trace continued in a
 * `traceparent` header, the caller's identity in a signed `x-shop-gateway` header, and
 * transport failures turned into a coded error so the client sees SERVICE_UNAVAILABLE on
 * the affected fields instead of a socket message.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    options: SubgraphDataSourceOptions,
  ) {
    super({
      url,
      // RemoteGraphQLDataSource serialises the request itself (JSON of the request minus
      // `http`) and hands the string to the fetcher: sealing the signature here covers
      // exactly the bytes sent.
      fetcher: ((input: string, init: RequestInit & { headers: Record<string, string>; body: string }) => {
        const envelope = init.headers[GATEWAY_SIGNATURE_HEADER] ?? openGatewayEnvelope({ identity: null, clientIp: null });
        const headers = { ...init.headers, [GATEWAY_SIGNATURE_HEADER]: sealGatewayEnvelope(envelope, init.body, options.gatewaySecret) };
        return fetch(input, { ...init, headers, signal: AbortSignal.timeout(options.timeoutMs) });
      }) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http!.headers;
    const trace = context?.trace;
    if (trace) headers.set('traceparent', toTraceparent({ traceId: trace.traceId, spanId: newSpanId() }));
    // Who calls; the fetcher adds the MAC once the body is serialised.
    headers.set(GATEWAY_SIGNATURE_HEADER, openGatewayEnvelope({ identity: context?.identity ?? null, clientIp: context?.clientIp ?? null }));
  }

  override didEncounterError(error: Error, _request: unknown, response?: { status: number }, context?: GatewayContext): never {
    if (response?.status === 401) {
      // Our own signature was refused: GATEWAY_SECRET differs, or the clocks are > 60 s apart.
      context?.log.error({ service: this.name }, 'the subgraph refused the gateway signature; check GATEWAY_SECRET and clocks');
    } else if (error instanceof GraphQLError && error.extensions.code) {
      throw error;
    }
    const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
    throw new GraphQLError(`The ${this.name} service is ${timedOut ? 'not responding' : 'unavailable'}; try again shortly.`, {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, service: this.name },
      originalError: error,
    });
  }
}
