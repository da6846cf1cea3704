import { z } from 'zod';
import { consumeEvents, eventStream, type BackgroundWorker, type EventEnvelope, type Logger, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';
import type { ReservationService, ReservationTx } from './reservation.service';

/** The part of orders' `order.status_changed` this domain relies on. */
const OrderStatusChanged = z.object({
  orderId: z.string().min(1).max(36),
  to: z.string().min(1),
  reservationId: z.string().min(1).max(36),
});

/** The part of orders' `order.cancelled` this domain relies on. */
const OrderCancelled = z.object({
  orderId: z.string().min(1).max(36),
  from: z.string().min(1),
  reservationId: z.string().min(1).max(36),
});

/**
 * Moves stock as orders' lifecycle says: a PAID order's reservation becomes a sale
 * (commit); a cancelled order's stock comes back, from reserved if it was not paid yet
 * (release), on hand if it was (return). Every change runs in the consumer's transaction
 * with its processed-event marker, so a redelivered event moves nothing. Other order events
 * are acknowledged and ignored. Durable, so events published while products was down are
 * handled when it returns.
 */
export async function consumeOrderEvents(deps: SubgraphDeps<PrismaClient>, reservations: ReservationService): Promise<BackgroundWorker> {
  const orders = eventStream(deps.config.EVENTS_PREFIX, 'orders');
  const log = deps.log.child({ component: 'order-events' });
  const consumer = await consumeEvents({
    nats: deps.nats,
    log: deps.log,
    db: deps.db,
    stream: orders,
    durable: 'products-on-order-events',
    // NATS 2.9 takes one filter subject per consumer: the whole orders stream, sorted out below.
    filterSubjects: [orders.subjects],
    handle: (event, { tx }) => handleOrderEvent(event, tx, reservations, log),
  });
  return { name: 'order events consumer', stop: () => consumer.stop() };
}

async function handleOrderEvent(event: EventEnvelope, tx: ReservationTx, reservations: ReservationService, log: Logger): Promise<void> {
  if (event.type === 'order.status_changed') {
    const change = OrderStatusChanged.parse(event.data);
    if (change.to !== 'PAID') return;
    const reply = await reservations.commit(change.reservationId, tx);
    // A refused commit is final (the hold expired or was released, or never existed): retrying
    // cannot sell stock that is gone, so it is logged for someone to act on, not retried.
    if (!reply.ok) {
      log.error({ eventId: event.id, orderId: change.orderId, reservationId: change.reservationId, code: reply.error.code, reason: reply.error.message }, "paid order's stock hold had lapsed");
    }
  } else if (event.type === 'order.cancelled') {
    const cancelled = OrderCancelled.parse(event.data);
    const reply = await reservations.cancel(cancelled.reservationId, tx);
    log.info(
      { eventId: event.id, orderId: cancelled.orderId, reservationId: cancelled.reservationId, from: cancelled.from, reservation: reply?.ok ? reply.reservation.status : 'unchanged' },
      'cancelled order handled',
    );
  }
}
