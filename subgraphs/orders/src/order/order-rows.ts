import { money } from '#kernel';
import type { Prisma, PrismaClient, Order as OrderRow, OrderLine as OrderLineRow, OrderStatusChange as OrderStatusChangeRow } from '../generated/prisma/client';
import { productRef } from '../product/product.type';
import { User } from '../user/user.type';
import { Order, OrderLine, OrderStatusChange, type ShippingAddress } from './order.type';

/** The transaction client of the orders database. */
export type OrdersTransaction = Prisma.TransactionClient;
export type OrdersDatabase = PrismaClient | OrdersTransaction;

/** What every order read includes: its lines in cart order. */
export const WITH_LINES = { lines: { orderBy: { position: 'asc' } } } as const satisfies Prisma.OrderInclude;

export type OrderWithLines = OrderRow & { lines: OrderLineRow[] };

const userRef = (id: string) => Object.assign(new User(), { id });

export function toOrder(row: OrderWithLines): Order {
  return Object.assign(new Order(), {
    id: row.id,
    status: row.status,
    total: money(row.totalAmount, row.currency),
    lines: row.lines.map((line) => toOrderLine(line, row.currency)),
    user: userRef(row.userId),
    shippingAddress: row.shippingAddress as unknown as ShippingAddress,
    paymentDueAt: row.paymentDueAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    reservationId: row.reservationId,
  });
}

function toOrderLine(line: OrderLineRow, currency: string): OrderLine {
  return Object.assign(new OrderLine(), {
    product: productRef(line.productId),
    productName: line.productName,
    unitPrice: money(line.unitPriceAmount, currency),
    quantity: line.quantity,
    subtotal: money(line.unitPriceAmount * BigInt(line.quantity), currency),
  });
}

/** A history row (or an event's change, shaped like one) as the API shows it. */
export function toStatusChange(row: Pick<OrderStatusChangeRow, 'fromStatus' | 'toStatus' | 'reason' | 'actorKind' | 'actorUserId' | 'createdAt'>): OrderStatusChange {
  return Object.assign(new OrderStatusChange(), {
    from: row.fromStatus,
    to: row.toStatus,
    reason: row.reason,
    actor: row.actorKind,
    changedBy: row.actorUserId ? userRef(row.actorUserId) : null,
    changedAt: row.createdAt,
  });
}
