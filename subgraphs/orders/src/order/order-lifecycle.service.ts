import { badUserInput, canAccessOwnedBy, conflict, notFound, type EventOutbox, type Logger } from '#kernel';
import type { OrdersContext } from '../context';
import { OrderActorKind, OrderStatus } from '../generated/prisma/enums';
import type { PrismaClient } from '../generated/prisma/client';
import { OrderEventType, type OrderActor, type OrderCancelled, type OrderPaymentRejected, type OrderStatusChanged } from './order.events';
import { WITH_LINES, toOrder, type OrderWithLines, type OrdersTransaction } from './order-rows';
import { assertTransition, canTransition } from './order-status';
import { ORDER_LIMITS } from './order.input';
import type { Order } from './order.type';

/** Unpaid orders cancelled per sweep at most. */
const EXPIRY_BATCH = 100;

/**
 * Moves orders through their lifecycle (see order-status.ts). Every transition is one
 * transaction: a conditional UPDATE from the status it read (so two racing changes cannot
 * both apply), a history row, and `order.status_changed` (plus `order.cancelled`) in the
 * outbox. Products commits or gives back the stock when it consumes those events.
 */
export class OrderLifecycleService {
  constructor(
    private readonly db: PrismaClient,
    private readonly events: EventOutbox,
    private readonly log: Logger,
  ) {}

  /** The customer (their own order, before it ships) or staff cancels an order. */
  async cancel(context: OrdersContext, id: string, reason: string | null | undefined): Promise<Order> {
    const identity = context.identity!;
    const order = await this.db.order.findUnique({ where: { id }, select: { userId: true, status: true } });
    if (!order || !canAccessOwnedBy(context, order.userId)) throw notFound('Order', id);
    const kind = order.userId === identity.userId ? OrderActorKind.CUSTOMER : OrderActorKind.STAFF;
    return this.changeStatus(id, OrderStatus.CANCELLED, { kind, userId: identity.userId }, checkedReason(reason) ?? 'cancelled by the customer');
  }

  /** Staff move an order forward (or cancel it). */
  updateStatus(context: OrdersContext, id: string, to: OrderStatus, reason: string | null | undefined): Promise<Order> {
    return this.changeStatus(id, to, { kind: OrderActorKind.STAFF, userId: context.identity!.userId }, checkedReason(reason));
  }

  /** One transition in its own transaction; publishes its events right after the commit. */
  async changeStatus(id: string, to: OrderStatus, actor: OrderActor, reason: string | null): Promise<Order> {
    const order = await this.db.$transaction((tx) => this.transition(tx, id, to, actor, reason));
    this.events.published();
    return toOrder(order);
  }

  /**
   * The transition itself, inside the caller's transaction (an event consumer's, say).
   * NOT_FOUND for an unknown order, CONFLICT when the state machine refuses it or another
   * change won the race.
   */
  async transition(
    tx: OrdersTransaction,
    id: string,
    to: OrderStatus,
    actor: OrderActor,
    reason: string | null,
    paidBy?: { paymentId: string },
  ): Promise<OrderWithLines> {
    const current = await tx.order.findUnique({ where: { id }, include: WITH_LINES });
    if (!current) throw notFound('Order', id);
    assertTransition(current.status, to, actor.kind);
    const changedAt = new Date();
    // Conditional on the status read: of two racing transitions only one matches.
    const { count } = await tx.order.updateMany({
      where: { id, status: current.status },
      data: { status: to, paymentDueAt: null, updatedAt: changedAt, ...(paidBy && { paymentId: paidBy.paymentId }) },
    });
    if (count !== 1) throw conflict('The order changed at the same moment; read it again and retry.');
    await tx.orderStatusChange.create({
      data: { orderId: id, fromStatus: current.status, toStatus: to, reason, actorKind: actor.kind, actorUserId: actor.userId, createdAt: changedAt },
    });
    const changed: OrderStatusChanged = {
      orderId: id,
      userId: current.userId,
      from: current.status,
      to,
      reason,
      actor,
      reservationId: current.reservationId,
      changedAt: changedAt.toISOString(),
    };
    await this.events.record(tx, OrderEventType.statusChanged, changed);
    if (to === OrderStatus.CANCELLED) {
      await this.events.record<OrderCancelled>(tx, OrderEventType.cancelled, {
        orderId: id,
        userId: current.userId,
        from: current.status,
        reason,
        actor,
        reservationId: current.reservationId,
        total: { amount: current.totalAmount.toString(), currency: current.currency },
        cancelledAt: changed.changedAt,
      });
    }
    this.log.info({ orderId: id, from: current.status, to, actor: actor.kind }, 'order status changed');
    return { ...current, status: to, paymentDueAt: null, updatedAt: changedAt, paymentId: paidBy?.paymentId ?? current.paymentId };
  }

  /**
   * Applies a transition that an event asks for, when the machine allows it from the
   * order's current status; otherwise leaves the order alone and says why. Runs in the
   * consumer's transaction.
   */
  async transitionIfAllowed(tx: OrdersTransaction, id: string, to: OrderStatus, reason: string): Promise<{ applied: boolean; status?: OrderStatus }> {
    const current = await tx.order.findUnique({ where: { id }, select: { status: true } });
    if (!current) return { applied: false };
    if (!canTransition(current.status, to, OrderActorKind.SYSTEM)) return { applied: false, status: current.status };
    await this.transition(tx, id, to, { kind: OrderActorKind.SYSTEM, userId: null }, reason);
    return { applied: true, status: to };
  }

  /**
   * Records, in the consumer's transaction, that a successful payment cannot pay its order
   * (cancelled meanwhile, paid by another payment, late, or for another amount), so the
   * payments domain refunds it: money is never silently kept for an order that will not ship.
   */
  async rejectPayment(tx: OrdersTransaction, rejection: Omit<OrderPaymentRejected, 'rejectedAt'>): Promise<void> {
    await this.events.record<OrderPaymentRejected>(tx, OrderEventType.paymentRejected, { ...rejection, rejectedAt: new Date().toISOString() });
    this.log.warn(rejection, 'payment rejected: it cannot pay its order and must be refunded');
  }

  /**
   * Cancels orders still unpaid past their `paymentDueAt`; returns how many. Several
   * processes may sweep at once: the conditional UPDATE lets one of them win each order,
   * and a payment that lands first wins over the sweep.
   */
  async cancelUnpaid(): Promise<number> {
    const due = await this.db.order.findMany({
      where: { status: OrderStatus.PENDING_PAYMENT, paymentDueAt: { lte: new Date() } },
      select: { id: true },
      orderBy: { paymentDueAt: 'asc' },
      take: EXPIRY_BATCH,
    });
    let cancelled = 0;
    for (const { id } of due) {
      try {
        await this.changeStatus(id, OrderStatus.CANCELLED, { kind: OrderActorKind.SYSTEM, userId: null }, 'payment not received in time');
        cancelled++;
      } catch (error) {
        // CONFLICT: paid (or cancelled) meanwhile. Anything else must not hold up the other orders.
        if ((error as { extensions?: { code?: string } }).extensions?.code !== 'CONFLICT') {
          this.log.warn({ err: error, orderId: id }, 'could not cancel an unpaid order; trying again at the next sweep');
        }
      }
    }
    if (cancelled) this.log.info({ cancelled }, 'unpaid orders cancelled');
    return cancelled;
  }
}

function checkedReason(reason: string | null | undefined): string | null {
  const trimmed = reason?.trim();
  if (!trimmed) return null;
  if (trimmed.length > ORDER_LIMITS.maxReasonLength) throw badUserInput(`reason must be at most ${ORDER_LIMITS.maxReasonLength} characters.`, 'reason');
  return trimmed;
}
