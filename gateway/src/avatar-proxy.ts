import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BodyTooLargeError,
  CodedError,
  GATEWAY_SIGNATURE_HEADER,
  newSpanId,
  readBody,
  sendJson,
  signGatewayRequest,
  toTraceparent,
  type Logger,
  type RouteHandler,
} from '#kernel';
import type { Authenticator } from './authenticator';
import { clientIpOf } from './client-ip';

/** Room for the multipart boundaries and part headers around the image. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

/** Options of {@link avatarProxyRoutes}. */
export interface AvatarProxyOptions {
  /** Origin of the users subgraph (its GraphQL URL's origin). */
  usersOrigin: string;
  authenticator: Authenticator;
  gatewaySecret: string;
  /** Largest avatar accepted (AVATAR_MAX_BYTES); bodies beyond it plus multipart overhead get 413 here. */
  maxBytes: number;
  trustProxy: boolean;
  timeoutMs: number;
  log: Logger;
}

/**
 * The avatar routes of the users subgraph, on the gateway's origin so browsers need one
 * origin only: `POST /users/me/avatar` and `GET /avatars/<key>`.
 *
 * The upload is authenticated here like GraphQL (bearer token, deny-list), bounded in
 * size, then forwarded with the `x-shop-gateway` signature over the exact body bytes:
 * the same scheme as GraphQL fetches, so the users subgraph trusts the identity only
 * together with those bytes. The body is buffered (at most a few MiB) to compute that
 * signature; a streamed variant would need the hash in a trailer, which fetch cannot send.
 */
export function avatarProxyRoutes(options: AvatarProxyOptions): Record<string, RouteHandler> {
  const { usersOrigin, authenticator, gatewaySecret, log } = options;
  const forward = async (res: ServerResponse, path: string, init: RequestInit) => {
    let upstream: Response;
    try {
      upstream = await fetch(new URL(path, usersOrigin), { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      log.warn({ error: (error as Error).message }, 'users subgraph unreachable for an avatar request');
      return sendJson(res, 503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'The users service is unavailable; try again shortly.' } });
    }
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'cache-control', 'x-content-type-options', 'content-security-policy']) {
      const value = upstream.headers.get(name);
      if (value) headers[name] = value;
    }
    const body = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(upstream.status, { ...headers, 'content-length': body.length });
    res.end(body);
  };

  return {
    'POST /users/me/avatar': async (req, res, trace) => {
      const requestLog = log.child({ traceId: trace.traceId, spanId: trace.spanId });
      let identity;
      try {
        identity = await authenticator.identify(req.headers.authorization, requestLog);
      } catch (error) {
        if (!(error instanceof CodedError)) throw error;
        const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 401;
        return refuse(req, res, status, String(error.extensions.code), error.message);
      }
      if (!identity) return refuse(req, res, 401, 'UNAUTHENTICATED', 'You must be signed in to do this.');
      let body: Buffer;
      try {
        body = await readBody(req, options.maxBytes + MULTIPART_OVERHEAD_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return refuse(req, res, 413, 'PAYLOAD_TOO_LARGE', `The avatar must be at most ${options.maxBytes} bytes.`);
        }
        throw error;
      }
      const signature = signGatewayRequest({ identity, clientIp: clientIpOf(req, options.trustProxy) }, body, gatewaySecret);
      const headers: Record<string, string> = {
        [GATEWAY_SIGNATURE_HEADER]: signature,
        traceparent: toTraceparent({ traceId: trace.traceId, spanId: newSpanId() }),
      };
      if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
      await forward(res, '/users/me/avatar', { method: 'POST', headers, body });
    },
    'GET /avatars/*': async (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      // Public images the storefront shows with <img> from its own origin on the same site.
      res.setHeader('cross-origin-resource-policy', 'same-site');
      await forward(res, path, { method: 'GET' });
    },
  };
}

/** Longest wait for the rest of a refused upload to arrive before the connection is closed instead. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Answers an upload early. The rest of the body is read and dropped first, so the client,
 * still sending, sees the answer rather than a reset connection; a client that keeps
 * sending past the drain timeout gets the answer with the connection closed.
 */
async function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): Promise<void> {
  if (!req.complete && !req.destroyed) {
    req.resume();
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      req.once('end', done);
      req.once('close', done);
    });
    if (!drained) res.setHeader('connection', 'close');
  }
  sendJson(res, status, { error: { code, message } });
}
