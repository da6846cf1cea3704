import { z } from 'zod';
import { consumeEvents, eventStream, type BackgroundWorker, type EventEnvelope, type Logger, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';
import type { PaymentRefundService } from './payment-refund.service';
import type { PaymentSettlementService } from './payment-settlement.service';
import { COLLECTED } from './payment-status';

/** The parts of the orders domain's events payments relies on. */
const PaymentRejected = z.object({ orderId: z.string().length(36), paymentId: z.string().min(1).max(36), reason: z.string() });
const OrderCancelled = z.object({ orderId: z.string().length(36), from: z.string(), reason: z.string().nullable() });

/** Statuses of a cancelled order that had been paid: its money goes back. */
const PAID_STATUSES = ['PAID', 'PROCESSING'];

/**
 * Gives money back when orders says a payment cannot stand: `order.payment_rejected` (a
 * payment that came too late, for another amount, or for an order already paid or
 * cancelled) and `order.cancelled` of a paid order. Each refund's idempotency key comes
 * from the event's cause, so a redelivered event, or both events for one payment, never
 * refund twice; the refund itself is idempotent, so no processed_events marker is needed.
 */
export async function consumeOrderEvents(
  deps: SubgraphDeps<PrismaClient>,
  refunds: PaymentRefundService,
  settlement: PaymentSettlementService,
): Promise<BackgroundWorker> {
  const orders = eventStream(deps.config.EVENTS_PREFIX, 'orders');
  const log = deps.log.child({ component: 'order-events' });
  const consumer = await consumeEvents({
    nats: deps.nats,
    log: deps.log,
    stream: orders,
    durable: 'payments-on-order-events',
    filterSubjects: [orders.subjects],
    handle: (event) => refundFor(event, deps.db, refunds, settlement, log),
  });
  return { name: 'order events consumer', stop: () => consumer.stop() };
}

async function refundFor(event: EventEnvelope, db: PrismaClient, refunds: PaymentRefundService, settlement: PaymentSettlementService, log: Logger): Promise<void> {
  if (event.type === 'order.payment_rejected') {
    const rejected = PaymentRejected.parse(event.data);
    return refundRemaining(db, refunds, log, rejected.paymentId, `payment ${rejected.paymentId} rejected by its order: ${rejected.reason}`);
  }
  if (event.type === 'order.cancelled') {
    const cancelled = OrderCancelled.parse(event.data);
    // Cancelled unpaid: a payment still open may have been collected after all (a lost
    // webhook); reconciling finds it, and orders then rejects it for a refund.
    if (!PAID_STATUSES.includes(cancelled.from)) return void (await settlement.reconcileOpen({ orderId: cancelled.orderId }));
    const paid = await db.payment.findFirst({ where: { orderId: cancelled.orderId, status: { in: [...COLLECTED] } }, orderBy: { id: 'desc' } });
    if (!paid) return void log.warn({ orderId: cancelled.orderId }, 'a paid order was cancelled but none of its payments holds money; nothing to refund');
    return refundRemaining(db, refunds, log, paid.id, `order cancelled${cancelled.reason ? `: ${cancelled.reason}` : ''}`);
  }
}

async function refundRemaining(db: PrismaClient, refunds: PaymentRefundService, log: Logger, paymentId: string, reason: string): Promise<void> {
  const payment = await db.payment.findUnique({ where: { id: paymentId } });
  if (!payment || !COLLECTED.includes(payment.status)) {
    return void log.info({ paymentId, status: payment?.status }, 'nothing left to refund');
  }
  // One key per payment: whichever event asks first refunds what is left; a second finds its refund.
  await refunds.refund({ paymentId, reason: reason.slice(0, 300), idempotencyKey: 'shop:refund-remaining', requestedBy: null });
}
