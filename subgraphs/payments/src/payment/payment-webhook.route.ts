import { readBody, sendJson, type RouteHandler } from '#kernel';
import type { PaymentSettlementService } from './payment-settlement.service';

/** Largest webhook body accepted; providers send a few KiB. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

/**
 * `POST /payments/webhook`: the provider's deliveries, reached through the gateway's
 * origin. No gateway signature (the provider calls it): the provider's own signature over
 * the raw body is the check, so the body is read raw and verified before it is parsed.
 * 2xx acknowledges; 4xx refuses a bad delivery; 409/5xx make the provider retry.
 */
export function paymentWebhookRoutes(settlement: PaymentSettlementService): Record<string, RouteHandler> {
  return {
    'POST /payments/webhook': async (req, res) => {
      // Beyond the limit readBody throws, and the HTTP server answers 413.
      const body = await readBody(req, MAX_WEBHOOK_BYTES);
      const answer = await settlement.receiveWebhook(body, req.headers);
      sendJson(res, answer.status, answer.body);
    },
  };
}
