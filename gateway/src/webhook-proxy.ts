import { newSpanId, readBody, sendJson, toTraceparent, type Logger, type RouteHandler } from '#kernel';

/** Largest webhook body passed on; providers send a few KiB. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

/** Options of {@link webhookProxyRoutes}. */
export interface WebhookProxyOptions {
  /** Origin of the payments subgraph (its GraphQL URL's origin). */
  paymentsOrigin: string;
  timeoutMs: number;
  log: Logger;
}

/**
 * `POST /payments/webhook` on the gateway's origin, passed to the payments subgraph as it
 * came: the exact body bytes (the provider's signature covers them), the content type and
 * the provider's signature headers, nothing else (no caller identity: providers are not
 * users). The payments subgraph verifies the signature itself.
 */
export function webhookProxyRoutes({ paymentsOrigin, timeoutMs, log }: WebhookProxyOptions): Record<string, RouteHandler> {
  return {
    'POST /payments/webhook': async (req, res, trace) => {
      // Beyond the limit readBody throws, and the HTTP server answers 413.
      const body = await readBody(req, MAX_WEBHOOK_BYTES);
      const headers: Record<string, string> = { traceparent: toTraceparent({ traceId: trace.traceId, spanId: newSpanId() }) };
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && (name === 'content-type' || name.endsWith('-signature'))) headers[name] = value;
      }
      let upstream: Response;
      try {
        upstream = await fetch(new URL('/payments/webhook', paymentsOrigin), { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        log.warn({ error: (error as Error).message }, 'payments subgraph unreachable for a webhook; the provider will retry');
        return sendJson(res, 503, { error: 'unavailable; retry later' });
      }
      const answer = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'content-length': answer.length });
      res.end(answer);
    },
  };
}
