import { badUserInput, canAccessOwnedBy, isEntityId, notFound, pageInfoOf } from '#kernel';
import type { OrdersContext } from '../context';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { OrderConnection } from './order-connection.type';
import { toOrder, toStatusChange, WITH_LINES } from './order-rows';
import type { OrdersFilter } from './order.input';
import type { Order, OrderStatus, OrderStatusChange } from './order.type';

/** Largest page of orders; `first` above it is refused. */
export const MAX_PAGE_SIZE = 100;

/**
 * Reads orders. An order is visible to the customer who placed it, staff and admins;
 * to anyone else it does not exist, so one customer cannot learn of another's orders.
 */
export class OrderService {
  constructor(private readonly db: PrismaClient) {}

  /** Orders with their lines by id, in one query; backs the per-request DataLoader. */
  async findByIds(ids: readonly string[]): Promise<Order[]> {
    const rows = await this.db.order.findMany({ where: { id: { in: [...ids] } }, include: WITH_LINES });
    return rows.map(toOrder);
  }

  /** Histories of many orders in one query, oldest change first; backs the DataLoader. */
  async historiesByOrderIds(orderIds: readonly string[]): Promise<{ orderId: string; changes: OrderStatusChange[] }[]> {
    const rows = await this.db.orderStatusChange.findMany({
      where: { orderId: { in: [...orderIds] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const byOrder = new Map<string, OrderStatusChange[]>(orderIds.map((id) => [id, []]));
    for (const row of rows) byOrder.get(row.orderId)?.push(toStatusChange(row));
    return [...byOrder].map(([orderId, changes]) => ({ orderId, changes }));
  }

  /** A visible order, or NOT_FOUND (also when it exists but belongs to someone else). */
  async get(context: OrdersContext, id: string): Promise<Order> {
    const order = await this.findVisible(context, id);
    if (!order) throw notFound('Order', id);
    return order;
  }

  /** An order referenced by another subgraph (a payment's order, say), or null when not visible. */
  findReferenced(context: OrdersContext, id: string): Promise<Order | null> {
    return this.findVisible(context, id);
  }

  /** An order as it is in the database now, bypassing the request's cache (for subscriptions, which live long). */
  async findCurrent(id: string): Promise<Order | null> {
    const row = await this.db.order.findUnique({ where: { id }, include: WITH_LINES });
    return row && toOrder(row);
  }

  /** `Order.history`. */
  async history(context: OrdersContext, order: Order): Promise<OrderStatusChange[]> {
    return (await context.loaders.history.load(order.id))?.changes ?? [];
  }

  /** The caller's own orders, newest first. */
  myOrders(context: OrdersContext, page: { first: number; after?: string | null; status?: OrderStatus | null }): Promise<OrderConnection> {
    return this.page({ userId: context.identity!.userId, ...(page.status && { status: page.status }) }, page);
  }

  /** Every order (staff), newest first, narrowed by `filter`. */
  list(filter: OrdersFilter | null | undefined, page: { first: number; after?: string | null }): Promise<OrderConnection> {
    if (filter?.placedFrom && filter.placedTo && filter.placedFrom > filter.placedTo) {
      throw badUserInput('placedFrom must not be after placedTo.', 'filter.placedFrom');
    }
    return this.page(
      {
        ...(filter?.status && { status: filter.status }),
        ...(filter?.userId && { userId: filter.userId }),
        ...((filter?.placedFrom || filter?.placedTo) && {
          createdAt: { ...(filter.placedFrom && { gte: filter.placedFrom }), ...(filter.placedTo && { lte: filter.placedTo }) },
        }),
      },
      page,
    );
  }

  /**
   * One keyset page. Order ids are UUIDv7, so id order is placement order: the cursor is
   * the last id seen, and concurrent placements never shift a page.
   */
  private async page(where: Prisma.OrderWhereInput, { first, after }: { first: number; after?: string | null }): Promise<OrderConnection> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
    }
    const afterId = after ? decodeCursor(after) : undefined;
    const rows = await this.db.order.findMany({
      where: { ...where, ...(afterId && { id: { lt: afterId } }) },
      orderBy: { id: 'desc' },
      take: first + 1,
      include: WITH_LINES,
    });
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(row.id), node: toOrder(row) }));
    return { edges, pageInfo: pageInfoOf(edges, rows.length > first) };
  }

  private async findVisible(context: OrdersContext, id: string): Promise<Order | null> {
    const order = await context.loaders.order.load(id);
    return order && canAccessOwnedBy(context, order.user.id) ? order : null;
  }
}

const encodeCursor = (id: string) => Buffer.from(`order:${id}`).toString('base64url');

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('order:') ? decoded.slice('order:'.length) : '';
  if (!isEntityId(id)) throw badUserInput('after is not a cursor this list gave out.', 'after');
  return id;
}
