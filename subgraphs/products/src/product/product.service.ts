import { badUserInput, conflict, hasAnyRole, money, notFound, type EventOutbox } from '#kernel';
import type { ProductsContext } from '../context';
import type { PrismaClient } from '../generated/prisma/client';
import type { ProductGetPayload } from '../generated/prisma/models';
import type { ProductCache } from './product-cache';
import { ProductEventType, type ProductUpdated } from './product.events';
import type { CreateProductInput, UpdateProductInput } from './product.input';
import { validDescription, validImages, validName, validPrice, validSlug } from './product-validation';
import { Product, ProductImage, ProductStatus } from './product.type';

/** What every product read includes: its images, in order. */
export const PRODUCT_INCLUDE = { images: { orderBy: { position: 'asc' } } } as const;
type ProductRow = ProductGetPayload<{ include: typeof PRODUCT_INCLUDE }>;
type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * The catalog's products. Customers and anonymous callers see ACTIVE products only;
 * staff create, change and archive them.
 */
export class ProductService {
  constructor(
    private readonly db: PrismaClient,
    private readonly cache: ProductCache,
    private readonly events: EventOutbox,
  ) {}

  /**
   * Products by id: the cached ones from Redis, the rest in one query (plus one for their
   * images), which are then cached. Backs the per-request DataLoader.
   */
  async findByIds(ids: readonly string[]): Promise<Product[]> {
    const cached = await this.cache.getMany(ids);
    const missing = ids.filter((id) => !cached.has(id));
    if (!missing.length) return [...cached.values()];
    const loaded = (await this.db.product.findMany({ where: { id: { in: missing } }, include: PRODUCT_INCLUDE })).map(toProduct);
    await this.cache.setMany(loaded);
    return [...cached.values(), ...loaded];
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

  /** Adds a product with its images in one transaction. A taken slug is a CONFLICT. */
  async create(context: ProductsContext, input: CreateProductInput): Promise<Product> {
    const price = validPrice(input.price, 'input.price');
    const images = validImages(input.images ?? [], 'input.images');
    const slug = validSlug(input.slug, 'input.slug');
    const data = {
      name: validName(input.name, 'input.name'),
      slug,
      description: validDescription(input.description ?? '', 'input.description'),
      priceAmount: BigInt(price.amount),
      currency: price.currency,
      status: input.status ?? ProductStatus.DRAFT,
      categoryId: await this.existingCategory(input.categoryId ?? null, 'input.categoryId'),
    };
    const row = await this.db
      .$transaction(async (tx) => {
        const created = await tx.product.create({ data: { ...data, images: { create: images } }, include: PRODUCT_INCLUDE });
        await this.recordUpdated(tx, created, Object.keys(input));
        return created;
      })
      .catch(slugConflict(slug));
    this.events.published();
    context.log.info({ productId: row.id }, 'product created');
    return toProduct(row);
  }

  /**
   * Changes the given fields; `images`, when given, replaces the whole set. Records
   * `product.updated` in the transaction and drops the cached product after the commit.
   */
  async update(context: ProductsContext, id: string, input: UpdateProductInput): Promise<Product> {
    const price = input.price ? validPrice(input.price, 'input.price') : undefined;
    const images = input.images ? validImages(input.images, 'input.images') : undefined;
    const data = {
      ...(input.name != null && { name: validName(input.name, 'input.name') }),
      ...(input.slug != null && { slug: validSlug(input.slug, 'input.slug') }),
      ...(input.description != null && { description: validDescription(input.description, 'input.description') }),
      ...(price && { priceAmount: BigInt(price.amount), currency: price.currency }),
      ...(input.status != null && { status: input.status }),
      ...(input.categoryId !== undefined && { categoryId: await this.existingCategory(input.categoryId, 'input.categoryId') }),
    };
    const row = await this.db
      .$transaction(async (tx) => {
        if (!(await tx.product.findUnique({ where: { id }, select: { id: true } }))) throw notFound('Product', id);
        if (images) await tx.productImage.deleteMany({ where: { productId: id } });
        const updated = await tx.product.update({ where: { id }, data: { ...data, ...(images && { images: { create: images } }) }, include: PRODUCT_INCLUDE });
        await this.recordUpdated(tx, updated, Object.keys(input));
        return updated;
      })
      .catch(slugConflict(data.slug ?? ''));
    await this.cache.invalidate(id);
    this.events.published();
    context.log.info({ productId: id, fields: Object.keys(input) }, 'product updated');
    return toProduct(row);
  }

  /** Archives a product: customers stop seeing it, orders that reference it keep it. */
  async archive(context: ProductsContext, id: string): Promise<Product> {
    return this.update(context, id, { status: ProductStatus.ARCHIVED });
  }

  private async recordUpdated(tx: Tx, row: ProductRow, changed: string[]): Promise<void> {
    await this.events.record<ProductUpdated>(tx, ProductEventType.updated, {
      productId: row.id,
      slug: row.slug,
      name: row.name,
      status: row.status,
      price: { amount: Number(row.priceAmount), currency: row.currency },
      categoryId: row.categoryId,
      changed,
    });
  }

  private async existingCategory(categoryId: string | null, field: string): Promise<string | null> {
    if (categoryId === null) return null;
    if (!(await this.db.category.findUnique({ where: { id: categoryId }, select: { id: true } }))) {
      throw badUserInput(`Category ${categoryId} does not exist.`, field);
    }
    return categoryId;
  }
}

const slugConflict = (slug: string) => (error: unknown) => {
  if ((error as { code?: string }).code === 'P2002') throw conflict(`A product with slug "${slug}" already exists.`);
  throw error;
};

export function toProduct(row: ProductRow): Product {
  return Object.assign(new Product(), {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    price: money(row.priceAmount, row.currency),
    status: row.status,
    images: row.images.map((image) => Object.assign(new ProductImage(), { url: image.url, alt: image.alt, position: image.position })),
    categoryId: row.categoryId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}
