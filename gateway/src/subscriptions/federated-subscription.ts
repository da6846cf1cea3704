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

/**
 * Runs one client subscription across the supergraph. The root field's owner gets the
 * subscription over graphql-ws, signed for the subscriber exactly like HTTP fetches; for
 * each event it sends, the fields other subgraphs own are fetched through the rest of
 * the query plan, as the subscriber, and the whole payload is shaped to the client's
 * selection by Apollo's own executor. Ending it (client complete or disconnect) closes
 * the upstream subscription at once; the upstream ending ends it, an upstream failure
 * with an error.
 */
export function subscribeFederated(options: FederatedSubscriptionOptions): AsyncIterableIterator<ExecutionResult> {
  const { primary } = options.plan;
  const url = options.subgraphUrls[primary.serviceName];
  if (!url) throw new Error(`no URL for subgraph ${primary.serviceName}`);
  const client: Client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    // The subgraph sends no pings; ours keep idle upstream sockets alive and detect dead ones.
    keepAlive: 15_000,
    connectionParams: () => ({
      [GATEWAY_SIGNATURE_HEADER]: signGatewayConnection({ identity: options.context.identity, clientIp: options.context.clientIp }, options.gatewaySecret),
    }),
  });
  const variables = pick(options.variables, primary.variableUsages);
  const upstream = client.iterate<Record<string, unknown>>({ query: primary.operation, variables, ...(primary.operationName && { operationName: primary.operationName }) });
  options.countUpstream?.(1);
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    options.countUpstream?.(-1);
    await upstream.return?.();
    await client.dispose();
  };

  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (ended) return { value: undefined, done: true };
      let event: IteratorResult<FormattedExecutionResult<Record<string, unknown>, unknown>>;
      try {
        event = await upstream.next();
      } catch (error) {
        await end();
        throw upstreamFailure(primary.serviceName, error);
      }
      if (event.done) {
        await end();
        return { value: undefined, done: true };
      }
      return { value: await complete(options, event.value), done: false };
    },
    async return() {
      await end();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

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
  const result = await executeQueryPlan(
    queryPlan,
    { ...options.serviceMap, [EVENT_SOURCE]: eventSource },
    requestContext as never,
    options.plan.operationContext,
    options.planner.supergraphSchema,
    options.planner.apiSchema,
  );
  return result as ExecutionResult;
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
