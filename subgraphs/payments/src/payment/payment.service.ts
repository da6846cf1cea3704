import { canAccessOwnedBy, hasAnyRole, money, notFound } from '#kernel';
import type { PaymentsContext } from '../context';
import type { PrismaClient, Payment as PaymentRow, Refund as RefundRow } from '../generated/prisma/client';
import { orderRef, type Order } from '../order/order.type';
import { userRef } from '../user/user.type';
import { Payment, Refund } from './payment.type';

/**
 * Reads payments. A payment is visible to its payer, staff and admins; to anyone else it
 * does not exist, so one customer cannot learn of another's payments.
 */
export class PaymentService {
  constructor(private readonly db: PrismaClient) {}

  /** Payments by id in one query; backs the per-request DataLoader. */
  async findByIds(ids: readonly string[]): Promise<Payment[]> {
    const rows = await this.db.payment.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toPayment);
  }

  /**
   * The most recent payment of each order, in one query; backs the per-request DataLoader.
   * Orders are retried rarely, so reading all their payments and keeping the newest is
   * cheaper than a per-order subquery.
   */
  async findLatestByOrderIds(orderIds: readonly string[]): Promise<Payment[]> {
    const rows = await this.db.payment.findMany({
      where: { orderId: { in: [...orderIds] } },
      // uuid v7 ids grow with time, so they break ties between payments created in the same millisecond.
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    const latest = new Map<string, PaymentRow>();
    for (const row of rows) if (!latest.has(row.orderId)) latest.set(row.orderId, row);
    return [...latest.values()].map(toPayment);
  }

  /** Refunds of many payments in one query, oldest first; backs the DataLoader. */
  async refundsByPaymentIds(paymentIds: readonly string[]): Promise<{ paymentId: string; refunds: Refund[] }[]> {
    const rows = await this.db.refund.findMany({ where: { paymentId: { in: [...paymentIds] } }, include: { payment: { select: { currency: true } } }, orderBy: { id: 'asc' } });
    const byPayment = new Map<string, Refund[]>(paymentIds.map((id) => [id, []]));
    for (const row of rows) byPayment.get(row.paymentId)?.push(toRefund(row, row.payment.currency));
    return [...byPayment].map(([paymentId, refunds]) => ({ paymentId, refunds }));
  }

  /** `Payment.refunds`; which staff member refunded is for staff to see, not the customer. */
  async refunds(context: PaymentsContext, payment: Payment): Promise<Refund[]> {
    const refunds = (await context.loaders.refunds.load(payment.id))?.refunds ?? [];
    return hasAnyRole(context, 'STAFF', 'ADMIN') ? refunds : refunds.map((refund) => Object.assign(new Refund(), { ...refund, requestedBy: null }));
  }

  /** A visible payment, or NOT_FOUND (also when it exists but belongs to someone else). */
  async get(context: PaymentsContext, id: string): Promise<Payment> {
    const payment = this.visible(context, await context.loaders.payment.load(id));
    if (!payment) throw notFound('Payment', id);
    return payment;
  }

  /** A payment referenced by another subgraph, or null when not visible. */
  async findReferenced(context: PaymentsContext, id: string): Promise<Payment | null> {
    return this.visible(context, await context.loaders.payment.load(id));
  }

  /** The order's most recent payment, or null when it has none or the caller may not see it. */
  async findLatestOfOrder(context: PaymentsContext, orderId: string): Promise<Payment | null> {
    return this.visible(context, await context.loaders.latestPaymentOfOrder.load(orderId));
  }

  /**
   * An order referenced by the gateway. Payments cannot tell whether it exists (orders owns
   * it), so every reference resolves; its payment is loaded, and checked, lazily.
   */
  orderReferenced(_context: PaymentsContext, id: string): Order {
    return orderRef(id);
  }

  private visible(context: PaymentsContext, payment: Payment | null): Payment | null {
    return payment && canAccessOwnedBy(context, payment.userId) ? payment : null;
  }
}

export function toPayment(row: PaymentRow): Payment {
  return Object.assign(new Payment(), {
    id: row.id,
    status: row.status,
    method: row.method,
    provider: row.provider,
    amount: money(row.amount, row.currency),
    capturedAmount: money(row.capturedAmount, row.currency),
    refundedAmount: money(row.refundedAmount, row.currency),
    failureReason: row.failureReason,
    order: orderRef(row.orderId),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    userId: row.userId,
  });
}

function toRefund(row: RefundRow, currency: string): Refund {
  return Object.assign(new Refund(), {
    id: row.id,
    amount: money(row.amount, currency),
    reason: row.reason,
    requestedBy: row.requestedBy ? userRef(row.requestedBy) : null,
    createdAt: row.createdAt,
  });
}
