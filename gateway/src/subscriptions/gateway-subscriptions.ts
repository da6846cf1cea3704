import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServiceMap } from '@apollo/gateway';
import { getOperationAST, GraphQLError, validate, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { CodedError, ErrorCode, formatGraphQLError, newSpanId, newTraceId, type Identity, type Logger } from '#kernel';
import type { Authenticator } from '../authenticator';
import { clientIpOf } from '../client-ip';
import type { GatewayContext } from '../gateway-context';
import { RateLimitedError, type GatewayRateLimit } from '../security/gateway-rate-limit';
import { OperationLimitError } from '../security/operation-limit-error';
import { checkOperationCost, parseWithinLimits, type OperationLimits } from '../security/operation-limits';
import { subscribeFederated } from './federated-subscription';
import type { SubscriptionPlanner } from './subscription-planner';

/** Options of {@link attachGatewaySubscriptions}. */
export interface GatewaySubscriptionOptions {
  server: Server;
  planner: SubscriptionPlanner;
  serviceMap: ServiceMap;
  subgraphUrls: Record<string, string>;
  authenticator: Authenticator;
  gatewaySecret: string;
  trustProxy: boolean;
  log: Logger;
  initTimeoutMs: number;
  maxPerConnection: number;
  maxPayloadBytes: number;
  /** The limits HTTP operations are held to; each subscribe is checked the same way. */
  limits: OperationLimits;
  /** Counts each subscribe as 1 against the HTTP rate limit; absent, nothing is counted. */
  rateLimit?: GatewayRateLimit;
  /** Formats errors sent to clients; default the kernel's {@link formatGraphQLError}. */
  formatError?: (formatted: GraphQLFormattedError, error: unknown, log: Logger) => GraphQLFormattedError;
  path?: string;
}

/** The gateway's graphql-ws endpoint, with counts for /health. */
export interface GatewaySubscriptions {
  stats(): { connections: number; active: number; upstream: number };
  /** Closes every socket (1001), then the WebSocket server; before the HTTP server closes. */
  stop(): Promise<void>;
}

/** What one client connection keeps. */
type ConnectionState = {
  identity?: Identity | null;
  /** The connection's `Authorization` value, checked again at every subscribe (revocation). */
  authorization?: string;
  clientIp?: string | null;
  expiry?: NodeJS.Timeout;
};

/**
 * GraphQL subscriptions over WebSocket (the graphql-transport-ws protocol) on the same
 * `/graphql` as HTTP. `connection_init` may carry `{ authorization: "Bearer <token>" }`,
 * checked like an HTTP request's header once per connection: a bad, expired or revoked
 * token closes the socket with 4403 Forbidden, and the socket is closed the same way
 * when the token expires later, ending its subscriptions. Without a token the connection
 * is anonymous, and operations that need a user fail with UNAUTHENTICATED. Operations
 * are validated against the supergraph; each runs across the subgraphs (see
 * subscribeFederated). graphql-ws itself enforces the protocol's close codes (4400
 * invalid message, 4408 init timeout, 4409 duplicate id, 4429 repeated init).
 */
export function attachGatewaySubscriptions(options: GatewaySubscriptionOptions): GatewaySubscriptions {
  const { server, planner, log } = options;
  const formatError = options.formatError ?? formatGraphQLError;
  const path = options.path ?? '/graphql';
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const connections = new Set<unknown>();
  let active = 0;
  let upstream = 0;
  let stopping = false;

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const requestPath = (request.url ?? '/').split('?')[0];
    if (stopping || requestPath !== path) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      schema: planner.apiGraphQLSchema,
      // Internal failures close the socket with a generic reason, never the error's message.
      isProd: true,
      connectionInitWaitTimeout: options.initTimeoutMs,
      onConnect: async (ctx) => {
        const given = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof given === 'string' ? given : undefined;
        let identity: Identity | null;
        try {
          identity = await options.authenticator.identify(authorization, log);
        } catch (error) {
          if (!(error instanceof CodedError)) throw error;
          // Tokens cannot be checked right now: not the client's fault, so not 4403.
          if (error.extensions.code === ErrorCode.SERVICE_UNAVAILABLE) ctx.extra.socket.close(1013, 'Try again later');
          return false; // closes 4403 Forbidden
        }
        // The client may have gone while its token was checked.
        if (ctx.extra.socket.readyState !== WebSocket.OPEN) return false;
        ctx.extra.identity = identity;
        ctx.extra.authorization = authorization;
        ctx.extra.clientIp = clientIpOf(ctx.extra.request, options.trustProxy);
        const expiresAt = authorization ? tokenExpiry(authorization) : undefined;
        if (expiresAt) {
          // Clamped: setTimeout overflows past ~24.8 days.
          ctx.extra.expiry = setTimeout(() => ctx.extra.socket.close(4403, 'Forbidden: the access token expired'), Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1));
          ctx.extra.expiry.unref();
        }
        connections.add(ctx);
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiry);
        connections.delete(ctx);
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws has already registered this operation's id when it asks us.
        if (Object.keys(ctx.subscriptions).length > options.maxPerConnection) {
          return [coded(`At most ${options.maxPerConnection} operations may run on one connection.`, ErrorCode.TOO_MANY_REQUESTS)];
        }
        let document: DocumentNode;
        try {
          // The same limits as over HTTP: size and tokens while parsing, then depth, aliases, directives, root fields.
          document = parseWithinLimits(planner.apiGraphQLSchema, payload.query, options.limits);
        } catch (error) {
          if (error instanceof OperationLimitError) return [error];
          return [coded((error as Error).message, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(planner.apiGraphQLSchema, document);
        if (invalid.length) return invalid.map((error) => coded(error.message, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [coded('Unable to identify the operation to run.', 'OPERATION_RESOLUTION_FAILURE')];
        if (operation.operation !== 'subscription') {
          return [coded('Only subscriptions run over WebSocket; send queries and mutations over HTTP.', 'BAD_REQUEST')];
        }
        const coerced = getVariableValues(planner.apiGraphQLSchema, operation.variableDefinitions ?? [], payload.variables ?? {});
        if (coerced.errors) return coerced.errors.map((error) => coded(error.message, ErrorCode.BAD_USER_INPUT));
        try {
          checkOperationCost(planner.apiGraphQLSchema, document, operation, payload.variables, options.limits);
        } catch (error) {
          if (error instanceof OperationLimitError) return [error];
          throw error;
        }
        // The token may have been revoked since the connection opened (signed out elsewhere).
        if (ctx.extra.authorization) {
          try {
            await options.authenticator.identify(ctx.extra.authorization, log);
          } catch {
            ctx.extra.socket.close(4403, 'Forbidden: the access token is no longer valid');
            return [coded('The access token is no longer valid; sign in again.', ErrorCode.UNAUTHENTICATED)];
          }
        }
        try {
          await options.rateLimit?.consume({ identity: ctx.extra.identity ?? null, clientIp: ctx.extra.clientIp ?? null }, 1);
        } catch (error) {
          if (error instanceof RateLimitedError) return [error];
          throw error;
        }
        const traceId = newTraceId();
        const context: GatewayContext = {
          identity: ctx.extra.identity ?? null,
          clientIp: ctx.extra.clientIp ?? null,
          trace: { traceId, spanId: newSpanId() },
          log: log.child({ traceId }),
        };
        return {
          schema: planner.apiGraphQLSchema,
          document,
          operationName: payload.operationName,
          variableValues: coerced.coerced,
          contextValue: context,
        };
      },
      subscribe: async (args: ExecutionArgs) => {
        const context = args.contextValue as GatewayContext;
        try {
          const plan = planner.plan(args.document, args.operationName ?? undefined);
          const stream = subscribeFederated({
            plan,
            planner,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            context,
            serviceMap: options.serviceMap,
            subgraphUrls: options.subgraphUrls,
            gatewaySecret: options.gatewaySecret,
            countUpstream: (delta) => (upstream += delta),
          });
          return counted(stream, (delta) => (active += delta));
        } catch (error) {
          context.log.error({ err: error }, 'could not start a subscription');
          return { errors: [new GraphQLError('The subscription could not be started.')] } satisfies ExecutionResult;
        }
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return;
        const operationLog = (args.contextValue as GatewayContext).log;
        return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error, operationLog)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatError(error.toJSON(), error, log)),
    },
    wss,
  );

  return {
    stats: () => ({ connections: connections.size, active, upstream }),
    async stop() {
      stopping = true;
      for (const client of wss.clients) client.close(1001, 'Going away');
      const deadline = Date.now() + 1_000;
      while (wss.clients.size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

const coded = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/** The `exp` of an access token already verified by the authenticator, in ms. */
function tokenExpiry(authorization: string): number | undefined {
  const payload = authorization.replace(/^Bearer +/i, '').split('.')[1];
  try {
    const exp = (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** `stream`, counting itself in `count` while open. */
function counted(stream: AsyncIterableIterator<ExecutionResult>, count: (delta: 1 | -1) => void): AsyncIterableIterator<ExecutionResult> {
  count(1);
  let open = true;
  const close = () => {
    if (open) count(-1);
    open = false;
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: async () => {
      try {
        const result = await stream.next();
        if (result.done) close();
        return result;
      } catch (error) {
        close();
        throw error;
      }
    },
    return: async () => {
      close();
      try {
        await stream.return?.();
      } catch {
        // ending must not fail: graphql-ws calls this when the client goes away
      }
      return { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      close();
      return stream.throw ? stream.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
