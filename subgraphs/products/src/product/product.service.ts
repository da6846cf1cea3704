import { hasAnyRole, money } from '#kernel';
import type { ProductsContext } from '../context';
import type { PrismaClient, Product as ProductRow } from '../generated/prisma/client';
import { Product, ProductStatus } from './product.type';

/** Reads the catalog. Customers and anonymous callers see ACTIVE products only. */
export class ProductService {
  constructor(private readonly db: PrismaClient) {}

  /** Products by id in one query; backs the per-request DataLoader. */
  async findByIds(ids: readonly string[]): Promise<Product[]> {
    const rows = await this.db.product.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toProduct);
  }

  /** A product the caller may see (staff see drafts and archived ones too), or null. */
  async findVisible(context: ProductsContext, id: string): Promise<Product | null> {
    const product = await context.loaders.product.load(id);
    if (!product) return null;
    return product.status === ProductStatus.ACTIVE || hasAnyRole(context, 'STAFF', 'ADMIN') ? product : null;
  }

  /**
   * A product referenced by another subgraph (an order line, say). Any status resolves:
   * an order must keep showing a product that was archived after it was bought.
   */
  findReferenced(context: ProductsContext, id: string): Promise<Product | null> {
    return context.loaders.product.load(id);
  }
}

function toProduct(row: ProductRow): Product {
  return Object.assign(new Product(), {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    price: money(row.priceAmount, row.currency),
    status: row.status,
    createdAt: row.createdAt,
  });
}
