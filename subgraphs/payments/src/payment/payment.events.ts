/**
 * Events the payments domain publishes (subjects `<EVENTS_PREFIX>.payments.<type>`),
 * recorded in the same transaction as the change. Money is integer minor units as a
 * decimal string. The orders domain moves orders on them.
 */
export const PaymentEventType = {
  succeeded: 'payment.succeeded',
  failed: 'payment.failed',
  refunded: 'payment.refunded',
} as const;

/** The provider captured the payment: the order is paid. */
export interface PaymentSucceeded {
  paymentId: string;
  orderId: string;
  amount: string;
  currency: string;
  /** When the provider captured it (not when we heard): what the order's payment window is checked against. */
  capturedAt: string;
}

/** The provider declined or cancelled the payment; nothing was collected. */
export interface PaymentFailed {
  paymentId: string;
  orderId: string;
  reason: string | null;
}

/** Money was returned; `fullyRefunded` once everything captured has been. */
export interface PaymentRefunded {
  paymentId: string;
  orderId: string;
  refundId: string;
  /** This refund's amount. */
  amount: string;
  currency: string;
  /** Everything refunded so far. */
  refundedTotal: string;
  fullyRefunded: boolean;
}
