import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import { GATEWAY_SIGNATURE_HEADER, verifyGatewaySignature, type ForwardedCaller } from './gateway-signature';
import { ErrorCode } from './errors';
import type { Logger } from './logger';
import { traceFromHeader, type TraceContext } from './trace';

/** A plain HTTP route next to GraphQL (health checks, webhooks, uploads). */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, trace: TraceContext) => Promise<void> | void;

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions<TContext extends BaseContext> {
  log: Logger;
  /** Serves GraphQL on `path` (default `/graphql`) through this started Apollo Server. */
  graphql: {
    server: ApolloServer<TContext>;
    /** Builds the request context; `forwarded` is what the gateway vouched for (with `gatewaySecret`). */
    context: (req: IncomingMessage, trace: TraceContext, forwarded?: ForwardedCaller) => Promise<TContext>;
    path?: string;
    /**
     * When set (subgraphs), every GraphQL request must carry the gateway's signature over
     * its exact body, made with this secret; any other gets 401 before Apollo Server sees it.
     */
    gatewaySecret?: string;
    /**
     * Longest wait for Apollo Server's answer, in ms; then 504 GATEWAY_TIMEOUT. The
     * operation itself is not cancelled (a mutation may still complete). Default: none.
     */
    timeoutMs?: number;
    /**
     * The gateway's in-flight sharing: a key under which concurrent requests get one
     * execution's answer (identical queries of one caller), or undefined to run alone.
     */
    shareKey?: (req: IncomingMessage, body: Buffer) => string | undefined;
  };
  /**
   * Extra routes keyed `"GET /health"`, `"POST /payments/webhook"`, ...; never on the GraphQL
   * path. A key ending in `/*` (`"GET /avatars/*"`) serves every path under that prefix;
   * exact keys win over prefixes.
   */
  routes?: Record<string, RouteHandler>;
  /** Largest request body accepted, in bytes; default 1 MiB. Larger bodies get 413. */
  maxBodyBytes?: number;
  /**
   * Runs first for every request, after the security headers are set (CORS, say);
   * returns true when it answered the request itself.
   */
  onRequest?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
  /**
   * Sends `strict-transport-security` on every response; default: when NODE_ENV is
   * `production`. Only meaningful behind TLS, which browsers then insist on for a year.
   */
  strictTransportSecurity?: boolean;
}

/**
 * Headers every response carries. No content-security-policy: the only HTML served is
 * Apollo Sandbox (outside production), which a CSP would break. A route may override
 * one with `res.setHeader` before it answers (public images relax the resource policy).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/** `strict-transport-security` in production: one year, subdomains included. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** What a GraphQL request that outlived `graphql.timeoutMs` is answered (HTTP 504). */
export const gatewayTimeoutBody = (timeoutMs: number) => ({
  errors: [
    {
      message: `The operation did not finish within ${timeoutMs} ms; it may still complete, so check before retrying a mutation.`,
      extensions: { code: ErrorCode.GATEWAY_TIMEOUT },
    },
  ],
});

/** Thrown by {@link readBody} when a body exceeds its limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

/** Reads a whole request body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** What a subgraph answers to a GraphQL request that does not carry a valid gateway signature. */
export const NOT_THROUGH_GATEWAY = {
  errors: [{ message: 'Requests must come through the gateway.', extensions: { code: 'UNAUTHENTICATED' } }],
};

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/**
 * One node:http server for a process: GraphQL through Apollo Server's
 * `executeHTTPGraphQLRequest` (no Express: fewer layers on the hot path), plain routes
 * beside it, and one JSON access-log line per request with its trace id.
 */
export function createHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>): Server {
  const { log, graphql, routes = {} } = options;
  const graphqlPath = graphql.path ?? '/graphql';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  // A plain route on the GraphQL path would bypass the gateway signature check.
  const shadowing = Object.keys(routes).find((key) => key.split(' ')[1] === graphqlPath);
  if (shadowing) throw new Error(`route "${shadowing}" would shadow GraphQL on ${graphqlPath}`);

  // Executions of shareable requests in flight, by share key.
  const inflight = new Map<string, Promise<SharedAnswer>>();

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, trace: TraceContext, search: string) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const signature = headers.get(GATEWAY_SIGNATURE_HEADER);
    const refuse = (reason: string) => {
      log.warn({ traceId: trace.traceId, reason, remoteAddress: req.socket.remoteAddress }, 'refused a request that did not come through the gateway');
      sendJson(res, 401, NOT_THROUGH_GATEWAY);
    };
    // Without a signature there is nothing to check the body against: refuse before reading it.
    if (graphql.gatewaySecret !== undefined && !signature) return refuse('missing');
    const raw = req.method === 'POST' ? await readBody(req, maxBodyBytes) : Buffer.alloc(0);
    let forwarded: ForwardedCaller | undefined;
    if (graphql.gatewaySecret !== undefined) {
      const check = verifyGatewaySignature(signature, raw, graphql.gatewaySecret);
      if (!check.ok) return refuse(check.reason);
      forwarded = check.caller;
    }
    let body: unknown;
    if (req.method === 'POST') {
      // Apollo Server decides what to do with non-JSON bodies (it refuses them).
      if (headers.get('content-type')?.startsWith('application/json')) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'Request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const execute = () =>
      graphql.server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body },
        context: () => graphql.context(req, trace, forwarded),
      });
    const shareKey = graphql.shareKey?.(req, raw);
    const execution: Promise<HTTPGraphQLResponse | SharedAnswer> = shareKey === undefined ? execute() : shareExecution(inflight, shareKey, execute);
    const answer = graphql.timeoutMs === undefined ? await execution : await withTimeout(execution, graphql.timeoutMs);
    if (answer === TIMED_OUT) {
      log.warn({ traceId: trace.traceId, timeoutMs: graphql.timeoutMs }, 'a GraphQL request timed out');
      execution.catch(() => undefined);
      return sendJson(res, 504, gatewayTimeoutBody(graphql.timeoutMs!));
    }
    const response = 'bytes' in answer ? answer.response : answer;
    for (const [name, value] of response.headers) {
      // Keep a `vary` set before (CORS varies on origin) beside Apollo's own.
      const earlier = name === 'vary' ? res.getHeader('vary') : undefined;
      res.setHeader(name, earlier ? `${String(earlier)}, ${value}` : value);
    }
    res.statusCode = response.status ?? 200;
    if ('bytes' in answer) {
      res.end(answer.bytes);
      return;
    }
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const strictTransportSecurity = options.strictTransportSecurity ?? process.env.NODE_ENV === 'production';

  return createServer((req, res) => {
    const started = process.hrtime.bigint();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (strictTransportSecurity) res.setHeader('strict-transport-security', STRICT_TRANSPORT_SECURITY);
    const trace = traceFromHeader(req.headers.traceparent as string | undefined);
    const queryAt = req.url?.indexOf('?') ?? -1;
    const path = queryAt === -1 ? (req.url ?? '/') : req.url!.slice(0, queryAt);
    const search = queryAt === -1 ? '' : req.url!.slice(queryAt);

    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      log.info(
        { traceId: trace.traceId, spanId: trace.spanId, method: req.method, path, status: res.statusCode, durationMs: Math.round(durationMs * 100) / 100 },
        'request',
      );
    });

    if (options.onRequest?.(req, res, path)) return;
    // GraphQL first: it is the hot path, and no route may sit on it.
    const route = path === graphqlPath ? null : (routes[`${req.method} ${path}`] ?? prefixRouteFor(routes, req.method, path));
    const work =
      route === null ? handleGraphQL(req, res, trace, search) : route ? route(req, res, trace) : sendJson(res, 404, { error: 'not found' });
    Promise.resolve(work).catch((error: unknown) => {
      // A route's own limit, or the server's for /graphql: either way the client learns it.
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: error.message });
      log.error({ traceId: trace.traceId, error }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal server error' });
      else res.destroy();
    });
  });
}

/** The answer of an execution shared by identical requests: status and headers, and the body encoded once for all. */
interface SharedAnswer {
  response: HTTPGraphQLResponse;
  bytes: Buffer;
}

/**
 * Joins the execution in flight under `key`, or starts it. Its answer is read to the end
 * and encoded once, so every request sharing it sends the same bytes (an 87 KB answer
 * shared by 50 requests is otherwise encoded 50 times).
 */
function shareExecution(inflight: Map<string, Promise<SharedAnswer>>, key: string, execute: () => Promise<HTTPGraphQLResponse>): Promise<SharedAnswer> {
  const running = inflight.get(key);
  if (running) return running;
  const execution = (async (): Promise<SharedAnswer> => {
    const response = await execute();
    let text = '';
    if (response.body.kind === 'complete') text = response.body.string;
    else for await (const chunk of response.body.asyncIterator) text += chunk;
    return { response, bytes: Buffer.from(text) };
  })();
  inflight.set(key, execution);
  const forget = () => inflight.delete(key);
  execution.then(forget, forget);
  return execution;
}

const TIMED_OUT = Symbol('timed out');

/** `promise`, or {@link TIMED_OUT} when it has not settled after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The `"METHOD /prefix/*"` route whose prefix `path` starts with (longest first), if any. */
function prefixRouteFor(routes: Record<string, RouteHandler>, method: string | undefined, path: string): RouteHandler | undefined {
  let best: { length: number; handler: RouteHandler } | undefined;
  for (const [key, handler] of Object.entries(routes)) {
    if (!key.endsWith('/*')) continue;
    const [routeMethod, pattern] = key.split(' ') as [string, string];
    const prefix = pattern.slice(0, -1);
    if (routeMethod === method && path.startsWith(prefix) && path.length > prefix.length && (!best || prefix.length > best.length)) {
      best = { length: prefix.length, handler };
    }
  }
  return best?.handler;
}

/** Starts listening and resolves with the bound port (useful with port 0 in tests). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
