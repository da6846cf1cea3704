import { canAccessOwnedBy, money, notFound } from '#kernel';
import type { OrdersContext } from '../context';
import type { PrismaClient, Order as OrderRow, OrderLine as OrderLineRow } from '../generated/prisma/client';
import { productRef } from '../product/product.type';
import { User } from '../user/user.type';
import { Order, OrderLine } from './order.type';

/**
 * Reads orders. An order is visible to the customer who placed it, staff and admins;
 * to anyone else it does not exist, so one customer cannot learn of another's orders.
 */
export class OrderService {
  constructor(private readonly db: PrismaClient) {}

  /** Orders with their lines by id, in one query; backs the per-request DataLoader. */
  async findByIds(ids: readonly string[]): Promise<Order[]> {
    const rows = await this.db.order.findMany({
      where: { id: { in: [...ids] } },
      include: { lines: { orderBy: { position: 'asc' } } },
    });
    return rows.map(toOrder);
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

  private async findVisible(context: OrdersContext, id: string): Promise<Order | null> {
    const order = await context.loaders.order.load(id);
    return order && canAccessOwnedBy(context, order.user.id) ? order : null;
  }
}

function toOrder(row: OrderRow & { lines: OrderLineRow[] }): Order {
  return Object.assign(new Order(), {
    id: row.id,
    status: row.status,
    total: money(row.totalAmount, row.currency),
    lines: row.lines.map((line) => toOrderLine(line, row.currency)),
    user: Object.assign(new User(), { id: row.userId }),
    createdAt: row.createdAt,
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
