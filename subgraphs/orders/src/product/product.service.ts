import type { OrdersContext } from '../context';
import { OrderStatus } from '../generated/prisma/enums';
import type { PrismaClient } from '../generated/prisma/client';
import { productRef, type Product } from './product.type';

/** Statuses whose units count as sold: paid, and not cancelled or refunded since. */
const SOLD = [OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.DELIVERED];

/** Units of one product in paid orders. */
export interface ProductSales {
  productId: string;
  unitsSold: number;
}

/** Sales figures of catalog products, computed from order lines. */
export class ProductService {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Units sold per product in one grouped query; backs the per-request DataLoader.
   * Products with no paid sales are absent from the result.
   */
  async salesByProductIds(productIds: readonly string[]): Promise<ProductSales[]> {
    const groups = await this.db.orderLine.groupBy({
      by: ['productId'],
      where: { productId: { in: [...productIds] }, order: { status: { in: SOLD } } },
      _sum: { quantity: true },
    });
    return groups.map((group) => ({ productId: group.productId, unitsSold: group._sum.quantity ?? 0 }));
  }

  /** Units of `product` sold, 0 when it has never been sold. */
  async soldCount(context: OrdersContext, product: Product): Promise<number> {
    return (await context.loaders.productSales.load(product.id))?.unitsSold ?? 0;
  }

  /**
   * A product referenced by the gateway. Orders cannot tell whether the id exists (the
   * catalog lives in products), so every reference resolves; its sales are loaded lazily.
   */
  findReferenced(_context: OrdersContext, id: string): Product {
    return productRef(id);
  }
}
