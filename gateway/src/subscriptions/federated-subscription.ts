import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, type ExecutionResult, type FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ErrorCode, GATEWAY_SIGNATURE_HEADER, signGatewayConnection } from '#kernel';
import type { GatewayContext } from '../gateway-context';
import type { SubscriptionPlan, SubscriptionPlanner } from './subscription-planner';

/** The fetch that "receives" each event: a service name no subgraph can have. */
const EVENT_SOURCE = '__subscription_event__';

/** What one client subscription needs to run. */
export interface FederatedSubscriptionOptions {
  plan: SubscriptionPlan;
  planner: SubscriptionPlanner;
  variables: Record<string, unknown>;
  context: GatewayContext;
  /** The subgraphs' data sources (signing, timeouts), for the fetches that complete each event. */
  serviceMap: ServiceMap;
  /** GraphQL URL of each subgraph, by name. */
  subgraphUrls: Record<string, string>;
  gatewaySecret: string;
  /** Called with +1 when the upstream subscription opens and -1 when it ends (for /health). */
  countUpstream?: (delta: 1 | -1) => void;
}

/** Events waiting for a slow client (or slow subgraphs) before the oldest are dropped. */
const MAX_PENDING_EVENTS = 100;
/** Pings to the owner every so often; a pong missing this long means the socket is dead. */
const UPSTREAM_PING_MS = 15_000;
const UPSTREAM_PONG_TIMEOUT_MS = 5_000;
/** Longest wait for the owner to accept the socket and acknowledge connection_init (generous: a burst of subscribers queues there). */
const UPSTREAM_CONNECT_TIMEOUT_MS = 15_000;

/**
 * `ws` with a handshake timeout, so an owner that accepts TCP but never answers fails
 * fast. Socket errors are also reported as a close, which graphql-ws handles; the
 * listener keeps one raised after graphql-ws let go (a socket terminated while still
 * connecting) from becoming an uncaught 'error' that would end the gateway.
 */
class TimedWebSocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols, { handshakeTimeout: UPSTREAM_CONNECT_TIMEOUT_MS });
    this.on('error', () => {});
  }
}

/**
 * Runs one client subscription across the supergraph. The root field's owner gets the
 * subscription over graphql-ws, signed for the subscriber exactly like HTTP fetches; for
 * each event it sends, the fields other subgraphs own are fetched through the rest of
 * the query plan, as the subscriber, and the whole payload is shaped to the client's
 * selection by Apollo's own executor. Ending it (client complete or disconnect) closes
 * the upstream subscription at once; the upstream ending ends it, an upstream failure
 * (including a dead socket: pings unanswered) ends it with an error. At most
 * {@link MAX_PENDING_EVENTS} events wait for a slow client; older ones are dropped.
 */
export function subscribeFederated(options: FederatedSubscriptionOptions): AsyncIterableIterator<ExecutionResult> {
  const { primary } = options.plan;
  const url = options.subgraphUrls[primary.serviceName];
  if (!url) throw new Error(`no URL for subgraph ${primary.serviceName}`);
  const log = options.context.log;
  let pongTimer: NodeJS.Timeout | undefined;
  let opened = false;
  let closeEvent: { code?: number; reason?: string } | undefined;
  const client: Client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: TimedWebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionAckWaitTimeout: UPSTREAM_CONNECT_TIMEOUT_MS,
    keepAlive: UPSTREAM_PING_MS,
    connectionParams: () => ({
      [GATEWAY_SIGNATURE_HEADER]: signGatewayConnection({ identity: options.context.identity, clientIp: options.context.clientIp }, options.gatewaySecret),
    }),
    on: {
      ping: (received) => {
        if (!received) pongTimer = setTimeout(() => client.terminate(), UPSTREAM_PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      connected: () => {
        opened = true;
        options.countUpstream?.(1);
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        if (opened) options.countUpstream?.(-1);
        const { code, reason } = event as { code?: number; reason?: string };
        closeEvent = { code, reason };
      },
    },
    onNonLazyError: () => {},
  });

  // Upstream events wait here for the client; a bounded queue, unlike graphql-ws's iterate().
  const queue: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  let failure: unknown;
  let finished = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const unsubscribe = client.subscribe<Record<string, unknown>>(
    { query: primary.operation, variables: pick(options.variables, primary.variableUsages), ...(primary.operationName && { operationName: primary.operationName }) },
    {
      next: (value) => {
        if (queue.length >= MAX_PENDING_EVENTS) {
          queue.shift();
          log.warn({ service: primary.serviceName }, 'a subscriber fell behind; dropped its oldest event');
        }
        queue.push(value);
        notify();
      },
      error: (error) => {
        failure = error;
        notify();
      },
      complete: () => {
        finished = true;
        notify();
      },
    },
  );

  let ended = false;
  // Never throws: it runs from a client's disconnect, where a rejection would be unhandled.
  const end = () => {
    if (ended) return;
    ended = true;
    notify();
    try {
      unsubscribe();
    } catch {
      // already gone
    }
    client.terminate();
  };

  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      while (!ended && !queue.length && failure === undefined && !finished) await new Promise<void>((resolve) => (wake = resolve));
      if (ended) return { value: undefined, done: true };
      const event = queue.shift();
      if (event) {
        let value: ExecutionResult;
        try {
          value = await complete(options, event);
        } catch (error) {
          end();
          throw error;
        }
        // The client may have completed while the event's plan ran: send nothing more.
        return ended ? { value: undefined, done: true } : { value, done: false };
      }
      end();
      if (failure !== undefined) {
        log.warn({ service: primary.serviceName, close: closeEvent, error: describe(failure) }, 'upstream subscription failed');
        throw upstreamFailure(primary.serviceName, failure);
      }
      return { value: undefined, done: true };
    },
    async return() {
      end();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      end();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

const describe = (error: unknown) =>
  error instanceof Error ? error.message : Array.isArray(error) ? JSON.stringify(error) : `closed ${(error as { code?: number })?.code ?? 'abnormally'}`;

/**
 * One event, completed and shaped: the upstream payload is fed to Apollo's executor as
 * the result of the primary fetch, then the rest of the plan runs on it.
 */
async function complete(options: FederatedSubscriptionOptions, event: FormattedExecutionResult<Record<string, unknown>, unknown>): Promise<ExecutionResult> {
  // An event that is only errors (a refusal, the session ended) has nothing to complete.
  if (!event.data) return { errors: (event.errors ?? []).map(toGraphQLError) };
  const eventSource: GraphQLDataSource<GatewayContext> = { process: async () => ({ data: event.data, errors: event.errors as never }) };
  const primary: FetchNode = { ...options.plan.primary, serviceName: EVENT_SOURCE };
  const queryPlan: QueryPlan = {
    kind: 'QueryPlan',
    node: options.plan.rest ? { kind: 'Sequence', nodes: [primary, options.plan.rest] } : primary,
  };
  const requestContext = {
    request: { variables: options.variables },
    context: options.context,
    metrics: {},
    logger: options.context.log,
  };
  const result = (await executeQueryPlan(
    queryPlan,
    { ...options.serviceMap, [EVENT_SOURCE]: eventSource },
    requestContext as never,
    options.plan.operationContext,
    options.planner.supergraphSchema,
    options.planner.apiSchema,
  )) as ExecutionResult;
  if (!result.errors?.length) return result;
  // Errors of the event itself name the owner, not the internal event source; plain Errors become GraphQL errors.
  const errors = result.errors.map((error) => {
    const graphQLError = error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error });
    if (graphQLError.extensions.serviceName === EVENT_SOURCE) graphQLError.extensions.serviceName = options.plan.primary.serviceName;
    return graphQLError;
  });
  return { ...result, errors };
}

const toGraphQLError = (error: { message: string; extensions?: Record<string, unknown>; path?: readonly (string | number)[] }) =>
  new GraphQLError(error.message, { extensions: error.extensions, path: error.path });

function pick(variables: Record<string, unknown>, names: string[] | undefined): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names ?? []) if (name in variables) picked[name] = variables[name];
  return picked;
}

/** The client's error when the owner's stream fails: its own errors as they are, else SERVICE_UNAVAILABLE. */
function upstreamFailure(service: string, error: unknown): GraphQLError {
  if (Array.isArray(error) && error.every((entry) => typeof entry?.message === 'string')) {
    const [first] = error as { message: string; extensions?: Record<string, unknown> }[];
    return new GraphQLError(first!.message, { extensions: first!.extensions });
  }
  return new GraphQLError(`The ${service} service ended the subscription; subscribe again shortly.`, {
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, service },
  });
}
