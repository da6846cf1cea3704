import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookRejected } from './payment-provider';

/**
 * The webhook signature scheme Stripe documents (docs.stripe.com/webhooks, "Verify
 * manually"), shared by the Stripe adapter and the simulator, which deliberately signs
 * the same way. The header is `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, where each v1 is
 * HMAC-SHA256, keyed by the endpoint's secret, over `<t>.<raw body>`. Several v1 appear
 * while a secret is being rolled, and any one may match; other elements (Stripe's test-mode
 * `v0`, future schemes) are ignored. The timestamp is signed with the body, so a delivery
 * replayed outside the tolerance is refused.
 */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

const TIMESTAMP = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Hex HMAC-SHA256 of `payload` keyed by `secret`. */
export function hmacSha256Hex(secret: string, payload: string | Uint8Array): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** What is signed: `<t>.<raw body>`, built from the bytes so nothing is re-encoded. */
function signedPayload(timestamp: string, rawBody: string | Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`), typeof rawBody === 'string' ? Buffer.from(rawBody) : rawBody]);
}

/** The signature header value for `rawBody` sent at `nowMs`: `t=<seconds>,v1=<hex>`. */
export function signWebhookPayload(rawBody: string | Uint8Array, secret: string, nowMs = Date.now()): string {
  const timestamp = String(Math.floor(nowMs / 1000));
  return `t=${timestamp},v1=${hmacSha256Hex(secret, signedPayload(timestamp, rawBody))}`;
}

/**
 * Checks a signature header against the raw body: its format, then every v1 in constant
 * time, then the timestamp (either way from now, so a skewed future stamp cannot extend a
 * replay window). Throws {@link WebhookRejected} with 401 on any failure.
 */
export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  header: string | undefined,
  secret: string,
  toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  nowMs = Date.now(),
): void {
  if (!header) throw new WebhookRejected(401, 'missing signature header');
  const { timestamp, signatures } = parseSignatureHeader(header);

  const expected = Buffer.from(hmacSha256Hex(secret, signedPayload(timestamp, rawBody)), 'hex');
  // Every candidate is compared, so the time taken says nothing about which one failed.
  let matched = false;
  for (const signature of signatures) {
    if (HEX_SHA256.test(signature) && timingSafeEqual(Buffer.from(signature, 'hex'), expected)) matched = true;
  }
  if (!matched) throw new WebhookRejected(401, 'signature does not match');
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) throw new WebhookRejected(401, 'stale timestamp');
}

function parseSignatureHeader(header: string): { timestamp: string; signatures: string[] } {
  const timestamps: string[] = [];
  const signatures: string[] = [];
  for (const element of header.split(',')) {
    const at = element.indexOf('=');
    if (at < 0) continue;
    const key = element.slice(0, at).trim();
    const value = element.slice(at + 1).trim();
    if (key === 't') timestamps.push(value);
    else if (key === 'v1') signatures.push(value);
  }
  const [timestamp] = timestamps;
  if (timestamps.length !== 1 || !TIMESTAMP.test(timestamp!) || signatures.length === 0) {
    throw new WebhookRejected(401, 'malformed signature header');
  }
  return { timestamp: timestamp!, signatures };
}

/** The body as JSON, or {@link WebhookRejected} 400: call only after the signature is verified. */
export function parseWebhookJson(rawBody: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody));
  } catch {
    throw new WebhookRejected(400, 'body is not JSON');
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
