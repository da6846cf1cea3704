import { WebhookRejected } from './payment-provider';
import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, isRecord, parseWebhookJson, verifyWebhookSignature } from './webhook-signature';

/** The envelope of a Stripe webhook event; `data.object` is the resource it is about (a PaymentIntent, a Refund...). */
export interface StripeEvent {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  data: { object: Record<string, unknown> };
  [field: string]: unknown;
}

/**
 * Verifies a delivery's `Stripe-Signature` header over the raw body (Stripe's documented
 * scheme, see webhook-signature.ts) and returns the event it carries. Throws
 * {@link WebhookRejected}: 401 for a missing, malformed, forged or stale signature, 400
 * for a signed body that is not an event.
 *
 * Unlike stripe-node, which only refuses stamps older than the tolerance, a stamp too far
 * in the future is refused too.
 */
export function verifyStripeSignature(
  rawBody: Buffer | string,
  header: string | undefined,
  secret: string,
  toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  nowMs = Date.now(),
): StripeEvent {
  verifyWebhookSignature(rawBody, header, secret, toleranceSeconds, nowMs);
  const event = parseWebhookJson(rawBody);
  if (
    !isRecord(event) ||
    typeof event.id !== 'string' ||
    typeof event.type !== 'string' ||
    !Number.isInteger(event.created) ||
    !isRecord(event.data) ||
    !isRecord(event.data.object)
  ) {
    throw new WebhookRejected(400, 'body is not a Stripe event');
  }
  return event as StripeEvent;
}
