import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DocumentNode, GraphQLSchema } from 'graphql';
// graphql's CommonJS build, the one graphql-ws, Apollo and type-graphql load: under vitest a
// bare 'graphql' would be its ESM build, and graphql refuses schemas and errors "from another
// module or realm". In the compiled CommonJS kernel both name the same module.
import { getOperationAST, GraphQLError, parse, validate } from 'graphql/index.js';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatGraphQLError } from './error-format';
import { GATEWAY_SIGNATURE_HEADER, verifyGatewayConnection, type ForwardedCaller } from './gateway-signature';
import type { Logger } from './logger';
import { traceFromHeader, type TraceContext } from './trace';

/** Options of {@link attachSubscriptionServer}. */
export interface SubscriptionServerOptions<TContext extends { log: Logger }> {
  /** The HTTP server whose `upgrade` requests on `path` become graphql-ws connections. */
  server: Server;
  schema: GraphQLSchema;
  log: Logger;
  /** Key of the gateway's signature, which the `connection_init` payload must carry. */
  gatewaySecret: string;
  /**
   * Builds one operation's context, exactly as for an HTTP request: `request` is the
   * upgrade request, `trace` a fresh one, `caller` what the gateway vouched for at connect.
   */
  context: (request: IncomingMessage, trace: TraceContext, caller: ForwardedCaller) => Promise<TContext>;
  /** Default `/graphql`; upgrades on any other path have their socket destroyed. */
  path?: string;
  /** How long a socket may stay open without `connection_init`; default 5 s, then closed 4408. */
  connectionInitWaitTimeoutMs?: number;
  /** How long `stop` waits for sockets to finish their closing handshake before cutting them; default 1 s. */
  closeGraceMs?: number;
  /** Largest message accepted, in bytes; default 1 MiB, like an HTTP body. */
  maxPayloadBytes?: number;
}

/** A graphql-ws endpoint attached to a subgraph's HTTP server. */
export interface SubscriptionServer {
  /** Subscriptions whose event stream is open right now, over every connection. */
  activeSubscriptions(): number;
  /** Connections that passed the gateway check and are still open. */
  openConnections(): number;
  /**
   * Refuses new upgrades and closes every socket with 1001 (Going away), cutting those
   * that do not finish the handshake in time. Must run before the HTTP server's `close`,
   * which otherwise waits for the upgraded sockets forever.
   */
  stop(): Promise<void>;
}

/** What one connection keeps between graphql-ws callbacks. */
type ConnectionState = {
  caller?: ForwardedCaller;
  /** Each operation's logger (it carries the operation's trace id), for errors reported without its context. */
  operationLogs?: Map<string, Logger>;
};

type ConnectionContext = Context<Record<string, unknown> | undefined, Extra & Partial<ConnectionState>>;

/**
 * Serves GraphQL over WebSocket (the graphql-transport-ws protocol of `graphql-ws`) on
 * the subgraph's own port and path, to the gateway only. Like `/graphql` over HTTP,
 * trust comes from the gateway's signature: the `connection_init` payload must carry
 * `{ "x-shop-gateway": signGatewayConnection(caller, secret) }`, or the connection is
 * closed with 4403 Forbidden. The caller it vouches for holds for the connection's whole
 * life, so the gateway closes its upstream connection when the client's session ends.
 * Each operation gets a context of the same shape as an HTTP request's (fresh trace,
 * fresh DataLoaders), and its errors are formatted like HTTP ones: coded client errors
 * pass, anything else is logged and masked as INTERNAL_SERVER_ERROR.
 *
 * Keep-alive is the client's job (graphql-ws client pings); the server sends no pings.
 */
export function attachSubscriptionServer<TContext extends { log: Logger }>(options: SubscriptionServerOptions<TContext>): SubscriptionServer {
  const { server, schema, log, gatewaySecret } = options;
  const path = options.path ?? '/graphql';
  const closeGraceMs = options.closeGraceMs ?? 1_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 1024 * 1024 });
  const connections = new Set<ConnectionContext>();
  let stopping = false;
  let stopped: Promise<void> | undefined;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const queryAt = request.url?.indexOf('?') ?? -1;
    const requestPath = queryAt === -1 ? (request.url ?? '/') : request.url!.slice(0, queryAt);
    if (stopping || requestPath !== path) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      schema,
      // Internal failures close the socket with a generic reason, never the error's message.
      isProd: true,
      connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs ?? 5_000,
      onConnect: (ctx) => {
        const check = verifyGatewayConnection(ctx.connectionParams?.[GATEWAY_SIGNATURE_HEADER], gatewaySecret);
        if (!check.ok) {
          log.warn(
            { reason: check.reason, remoteAddress: ctx.extra.request.socket.remoteAddress },
            'refused a subscription connection that did not come through the gateway',
          );
          return false;
        }
        ctx.extra.caller = check.caller;
        ctx.extra.operationLogs = new Map();
        connections.add(ctx);
        return true;
      },
      onClose: (ctx) => {
        connections.delete(ctx);
      },
      // Parsing and validating here, rather than in graphql-ws, gives these errors the codes
      // Apollo Server gives them over HTTP (so formatting lets them through), and keeps a
      // syntax error from closing the whole socket, which graphql-ws would do.
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document);
        if (invalid.length) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return [new GraphQLError('Unable to identify the operation to run.', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
        }
        // Queries and mutations go over HTTP, where each request's signature covers its exact
        // body; a socket's one signature must not authorize arbitrary writes for its lifetime.
        if (operation.operation !== 'subscription') {
          return [new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.', { extensions: { code: 'BAD_REQUEST' } })];
        }
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: async (ctx, id) => {
        const contextValue = await options.context(ctx.extra.request, traceFromHeader(undefined), ctx.extra.caller!);
        ctx.extra.operationLogs?.set(id, contextValue.log);
        return contextValue;
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return;
        const operationLog = (args.contextValue as TContext | undefined)?.log ?? log;
        return { ...result, errors: result.errors.map((error) => formatGraphQLError(error.toJSON(), error, operationLog)) };
      },
      onError: (ctx, id, _payload, errors) => {
        const operationLog = ctx.extra.operationLogs?.get(id) ?? log;
        return errors.map((error) => formatGraphQLError(error.toJSON(), error, operationLog));
      },
      onComplete: (ctx, id) => {
        ctx.extra.operationLogs?.delete(id);
      },
    },
    wss,
    0, // no server pings: the gateway's graphql-ws client keeps the connection alive
  );

  return {
    activeSubscriptions: () => {
      let count = 0;
      // An entry is null while its operation is being prepared or is a single-result one.
      for (const ctx of connections) count += Object.values(ctx.subscriptions).filter((subscription) => subscription !== null).length;
      return count;
    },
    openConnections: () => connections.size,
    stop: () => (stopped ??= stop()),
  };

  async function stop() {
    stopping = true;
    server.off('upgrade', onUpgrade);
    const sockets = [...wss.clients];
    for (const socket of sockets) socket.close(1001, 'Going away');
    await Promise.race([Promise.all(sockets.map(closed)), new Promise((resolve) => setTimeout(resolve, closeGraceMs).unref())]);
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}

const closed = (socket: WebSocket) =>
  new Promise<void>((resolve) => (socket.readyState === socket.CLOSED ? resolve() : socket.once('close', () => resolve())));

/** `error` with `extensions.code` set, keeping its message and locations. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}
