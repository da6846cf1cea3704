import type { IncomingHttpHeaders } from 'node:http';

/**
 * One payment service provider (PSP) behind the interface every adapter implements. The
 * shop never sees card data: the client hands the provider's own token (`paymentToken`)
 * to createPayment, and the provider answers with its id for the payment (`providerRef`).
 * Amounts are integer minor units (BigInt).
 */
export interface PaymentProvider {
  /** Stable name, stored with each payment (`simulator`, `stripe`, ...). */
  readonly name: string;
  /** Starts collecting `amount`; the outcome usually arrives later by webhook. Same `idempotencyKey` → same intent. */
  createIntent(request: CreateIntentRequest): Promise<ProviderIntent>;
  /** Returns part or all of what was captured. Same `idempotencyKey` → the same refund, never a second one. */
  refund(request: RefundRequest): Promise<ProviderRefund>;
  /** The provider's current truth about a payment (for verifyPayment). */
  retrieve(providerRef: string): Promise<ProviderPaymentState>;
  /**
   * Verifies a webhook delivery (signature over the raw body, timestamp within the replay
   * window) and returns the events it carries; throws {@link WebhookRejected} otherwise.
   */
  parseWebhook(rawBody: Buffer, headers: IncomingHttpHeaders, nowMs?: number): ProviderEvent[];
}

export type PaymentMethodName = 'CARD' | 'BANK_TRANSFER' | 'E_WALLET';

export interface CreateIntentRequest {
  paymentId: string;
  amount: bigint;
  currency: string;
  method: PaymentMethodName;
  /** The provider's token for the customer's payment details, from its client library; null lets the provider decide. */
  paymentToken: string | null;
  idempotencyKey: string;
}

/** Where a payment is at the provider. */
export type ProviderPaymentStatus = 'PENDING' | 'AUTHORIZED' | 'CAPTURED' | 'FAILED' | 'CANCELLED';

export interface ProviderIntent {
  providerRef: string;
  status: ProviderPaymentStatus;
}

export interface RefundRequest {
  providerRef: string;
  amount: bigint;
  idempotencyKey: string;
}

export interface ProviderRefund {
  refundRef: string;
  amount: bigint;
}

export interface ProviderPaymentState {
  providerRef: string;
  status: ProviderPaymentStatus;
  capturedAmount: bigint;
  refundedAmount: bigint;
  failureReason: string | null;
}

/** One thing the provider tells us happened to a payment. */
export interface ProviderEvent {
  /** The provider's unique id of the event: each is applied at most once. */
  eventId: string;
  providerRef: string;
  type: 'AUTHORIZED' | 'CAPTURED' | 'FAILED' | 'CANCELLED' | 'REFUNDED';
  /** CAPTURED: the amount captured; REFUNDED: the amount of this refund. */
  amount: bigint | null;
  /** REFUNDED: the provider's id of the refund. */
  refundRef: string | null;
  failureReason: string | null;
  occurredAt: Date;
  /** The event as received, for the transaction log. */
  raw: unknown;
}

/** A webhook delivery that must be refused (unsigned, forged, stale, malformed), with the HTTP status to answer. */
export class WebhookRejected extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * The provider refused the request itself (an unknown token, an amount it will not
 * refund): asking again the same way fails the same way. Anything else a provider call
 * throws counts as the provider being unreachable, and may be retried.
 */
export class ProviderRefused extends Error {}
