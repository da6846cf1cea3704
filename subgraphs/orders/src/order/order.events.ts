/**
 * Events the orders domain publishes (subjects `<EVENTS_PREFIX>.orders.<type>`), recorded
 * in the same transaction as the change. Money is integer minor units as a decimal
 * string (BigInt-safe JSON). Consumers validate the payloads themselves.
 */
export const OrderEventType = {
  placed: 'order.placed',
  statusChanged: 'order.status_changed',
  cancelled: 'order.cancelled',
  paymentRejected: 'order.payment_rejected',
} as const;

/** Statuses as they appear in events (the GraphQL enum's values). */
export type OrderStatusName = 'PENDING_PAYMENT' | 'PAID' | 'PROCESSING' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED' | 'REFUNDED';

/** Who made a change: the customer, staff (with their user id) or the system (a timeout, a payment event). */
export interface OrderActor {
  kind: 'CUSTOMER' | 'STAFF' | 'SYSTEM';
  userId: string | null;
}

/** A customer placed an order; its stock is held by `reservationId` until it is paid or cancelled. */
export interface OrderPlaced {
  orderId: string;
  userId: string;
  status: 'PENDING_PAYMENT';
  total: { amount: string; currency: string };
  lines: { productId: string; productName: string; unitPriceAmount: string; quantity: number }[];
  reservationId: string;
  paymentDueAt: string;
  placedAt: string;
}

/** Any status transition, cancellations included. */
export interface OrderStatusChanged {
  orderId: string;
  userId: string;
  from: OrderStatusName;
  to: OrderStatusName;
  reason: string | null;
  actor: OrderActor;
  reservationId: string;
  changedAt: string;
}

/**
 * An order was cancelled (also published as `order.status_changed`). `from` tells whether
 * it had been paid (PAID, PROCESSING): its stock then goes back on hand and its payment is
 * refunded; otherwise its reservation is released.
 */
export interface OrderCancelled {
  orderId: string;
  userId: string;
  from: OrderStatusName;
  reason: string | null;
  actor: OrderActor;
  reservationId: string;
  total: { amount: string; currency: string };
  cancelledAt: string;
}

/**
 * A payment succeeded but cannot pay its order: the payments domain must refund it.
 * `reason`: the order is no longer payable (cancelled, or paid by another payment), the
 * payment came after `paymentDueAt`, or its amount or currency differs from the order's.
 */
export interface OrderPaymentRejected {
  orderId: string;
  userId: string;
  paymentId: string;
  amount: string;
  currency: string;
  reason: 'ORDER_NOT_PAYABLE' | 'PAYMENT_LATE' | 'AMOUNT_MISMATCH';
  orderStatus: OrderStatusName;
  rejectedAt: string;
}
