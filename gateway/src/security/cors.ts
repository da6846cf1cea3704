import type { IncomingMessage, ServerResponse } from 'node:http';

/** Methods and request headers a browser may use cross-origin. */
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, traceparent';
/** Response headers a cross-origin script may read. */
const EXPOSED_HEADERS = 'retry-after, www-authenticate';
/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600';

/**
 * CORS for the gateway's HTTP server (its `onRequest` hook): browsers on one of
 * `origins` (CORS_ORIGINS; `*` any, outside production) may call it; every other origin
 * gets no `access-control-allow-origin`, so browsers keep it same-origin. With no origins
 * configured no CORS header is ever sent. A preflight (`OPTIONS` with
 * `access-control-request-method`) is answered 204 here, on every path, allowed or not.
 */
export function corsHandler(origins: string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res) => {
    const origin = req.headers.origin;
    const allow = origin !== undefined && (any || allowed.has(origin));
    if (origins.length) res.setHeader('vary', 'origin');
    if (allow) {
      res.setHeader('access-control-allow-origin', any ? '*' : origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
    if (allow) {
      res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      res.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE);
    }
    res.writeHead(204, { 'content-length': 0 });
    res.end();
    return true;
  };
}
