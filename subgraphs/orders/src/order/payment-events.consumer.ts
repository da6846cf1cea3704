import { z } from 'zod';
import { consumeEvents, eventStream, type BackgroundWorker, type EventEnvelope, type Logger, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';
import { OrderActorKind, OrderStatus } from '../generated/prisma/enums';
import type { OrderLifecycleService } from './order-lifecycle.service';
import type { OrdersTransaction } from './order-rows';

const minorUnits = z.string().regex(/^\d{1,16}$/);

/** The parts of the payments domain's events that orders relies on; anything else is refused (dead-lettered). */
export const PaymentSucceeded = z.object({
  paymentId: z.string().min(1),
  orderId: z.string().length(36),
  amount: minorUnits,
  currency: z.string().length(3),
  /** When the provider captured it; the order's payment window is checked against this, not against when we heard. */
  capturedAt: z.iso.datetime().optional(),
});
export const PaymentFailed = z.object({ paymentId: z.string().min(1), orderId: z.string().length(36), reason: z.string().max(300).nullish() });
export const PaymentRefunded = z.object({
  paymentId: z.string().min(1),
  orderId: z.string().length(36),
  amount: minorUnits,
  currency: z.string().length(3),
  /** Whether everything captured has now been refunded. */
  fullyRefunded: z.boolean(),
});

/**
 * Moves orders when their payment settles: succeeded → PAID, failed → CANCELLED (its
 * stock released), fully refunded → REFUNDED. Durable and idempotent: each event's effect
 * commits together with its processed_events marker, so a redelivery changes nothing.
 * A successful payment that cannot pay its order (cancelled meanwhile, already paid by
 * another payment, after the payment window, or for another amount) is answered with
 * `order.payment_rejected` in the same transaction, for payments to refund; other events
 * the order's status no longer allows are logged and skipped.
 */
export async function consumePaymentEvents(deps: SubgraphDeps<PrismaClient>, lifecycle: OrderLifecycleService): Promise<BackgroundWorker> {
  const payments = eventStream(deps.config.EVENTS_PREFIX, 'payments');
  const log = deps.log.child({ component: 'payment-events' });
  const consumer = await consumeEvents({
    nats: deps.nats,
    log: deps.log,
    db: deps.db,
    stream: payments,
    durable: 'orders-on-payment-events',
    filterSubjects: [payments.subjects],
    handle: (event, { tx }) => applyPaymentEvent(tx, event, lifecycle, log),
  });
  return { name: 'payment events consumer', stop: () => consumer.stop() };
}

async function applyPaymentEvent(tx: OrdersTransaction, event: EventEnvelope, lifecycle: OrderLifecycleService, log: Logger): Promise<void> {
  switch (event.type) {
    case 'payment.succeeded': {
      const payment = PaymentSucceeded.parse(event.data);
      const order = await tx.order.findUnique({ where: { id: payment.orderId } });
      if (!order) return void log.error({ ...payment, type: event.type }, 'payment event for an unknown order; ignored');
      if (order.paymentId === payment.paymentId) return; // this payment already paid it
      if (order.totalAmount.toString() !== payment.amount || order.currency !== payment.currency) {
        return lifecycle.rejectPayment(tx, { ...rejectionOf(payment, order), reason: 'AMOUNT_MISMATCH' });
      }
      if (order.status !== OrderStatus.PENDING_PAYMENT) return lifecycle.rejectPayment(tx, { ...rejectionOf(payment, order), reason: 'ORDER_NOT_PAYABLE' });
      // Succeeded after the window: the sweep is about to cancel the order and its stock is no longer assured.
      if (order.paymentDueAt && new Date(payment.capturedAt ?? event.occurredAt) > order.paymentDueAt) {
        return lifecycle.rejectPayment(tx, { ...rejectionOf(payment, order), reason: 'PAYMENT_LATE' });
      }
      await lifecycle.transition(tx, order.id, OrderStatus.PAID, { kind: OrderActorKind.SYSTEM, userId: null }, `payment ${payment.paymentId} succeeded`, {
        paymentId: payment.paymentId,
      });
      return;
    }
    case 'payment.failed': {
      const payment = PaymentFailed.parse(event.data);
      const reason = `payment ${payment.paymentId} failed${payment.reason ? `: ${payment.reason}` : ''}`;
      return report(log, payment, 'payment.failed', await lifecycle.transitionIfAllowed(tx, payment.orderId, OrderStatus.CANCELLED, reason));
    }
    case 'payment.refunded': {
      const payment = PaymentRefunded.parse(event.data);
      if (!payment.fullyRefunded) return; // a partial refund leaves the order as it is
      // Only the refund of the payment that paid the order refunds the order (not of a rejected one).
      const order = await tx.order.findUnique({ where: { id: payment.orderId }, select: { paymentId: true } });
      if (order?.paymentId !== payment.paymentId) return;
      return report(log, payment, 'payment.refunded', await lifecycle.transitionIfAllowed(tx, payment.orderId, OrderStatus.REFUNDED, `payment ${payment.paymentId} refunded`));
    }
    default:
      return; // other payment events do not move orders
  }
}

const rejectionOf = (payment: z.infer<typeof PaymentSucceeded>, order: { userId: string; status: OrderStatus }) => ({
  orderId: payment.orderId,
  paymentId: payment.paymentId,
  amount: payment.amount,
  currency: payment.currency,
  userId: order.userId,
  orderStatus: order.status,
});

function report(log: Logger, payment: { paymentId: string; orderId: string }, type: string, outcome: { applied: boolean; status?: OrderStatus }): void {
  if (outcome.applied) return;
  if (outcome.status === undefined) log.error({ ...payment, type }, 'payment event for an unknown order; ignored');
  else log.warn({ ...payment, type, status: outcome.status }, 'payment event does not apply to the order in its current status; ignored');
}
