import { badUserInput, conflict, hasAnyRole, money, notFound, type EventOutbox } from '#kernel';
import type { ProductsContext } from '../context';
import type { PrismaClient } from '../generated/prisma/client';
import type { ProductGetPayload } from '../generated/prisma/models';
import type { ProductCache } from './product-cache';
import { ProductEventType, type ProductUpdated } from './product.events';
import type { CreateProductInput, UpdateProductInput } from './product.input';
import { validAttributes, validDescription, validImages, validName, validPrice, validSlug } from './product-validation';
import { Product, ProductAttribute, ProductImage, ProductStatus } from './product.type';

/** What every product read includes: its images in order and its attributes by name (one query each per batch). */
export const PRODUCT_INCLUDE = { images: { orderBy: { position: 'asc' } }, attributes: { orderBy: { name: 'asc' } } } as const;
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
    return product ? this.visible(context, product) : null;
  }

  /**
   * A product by slug under the same visibility rules as {@link findVisible}. The slug's id
   * is cached in Redis (`products:slug:<slug>`); the product itself comes through the
   * loader and its by-id cache. An entry whose product no longer has that slug (a write
   * racing this read) is dropped and the slug is read from the database.
   */
  async findVisibleBySlug(context: ProductsContext, slug: string): Promise<Product | null> {
    const cachedId = await this.cache.getIdBySlug(slug);
    if (cachedId) {
      const cached = await context.loaders.product.load(cachedId);
      if (cached?.slug === slug) return this.visible(context, cached);
      await this.cache.invalidate(cachedId, [slug]);
    }
    const row = await this.db.product.findUnique({ where: { slug }, select: { id: true } });
    if (!row) return null;
    await this.cache.setSlug(slug, row.id);
    const product = await context.loaders.product.load(row.id);
    return product?.slug === slug ? this.visible(context, product) : null;
  }

  private visible(context: ProductsContext, product: Product): Product | null {
    return product.status === ProductStatus.ACTIVE || hasAnyRole(context, 'STAFF', 'ADMIN') ? product : null;
  }

  /**
   * A product referenced by another subgraph (an order line, say). Any status resolves:
   * an order must keep showing a product that was archived after it was bought.
   */
  findReferenced(context: ProductsContext, id: string): Promise<Product | null> {
    return context.loaders.product.load(id);
  }

  /** Adds a product with its images and attributes in one transaction. A taken slug is a CONFLICT. */
  async create(context: ProductsContext, input: CreateProductInput): Promise<Product> {
    const price = validPrice(input.price, 'input.price');
    const images = validImages(input.images ?? [], 'input.images');
    const attributes = validAttributes(input.attributes ?? [], 'input.attributes');
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
        const created = await tx.product.create({ data: { ...data, images: { create: images }, attributes: { create: attributes } }, include: PRODUCT_INCLUDE });
        await this.recordUpdated(tx, created, Object.keys(input));
        return created;
      })
      .catch(slugConflict(slug));
    // Nothing cached the new slug yet, unless a product that had it before was renamed.
    await this.cache.invalidate(row.id, [row.slug]);
    this.events.published();
    context.log.info({ productId: row.id }, 'product created');
    return toProduct(row);
  }

  /**
   * Changes the given fields; `images` and `attributes`, when given, replace the whole set.
   * Records `product.updated` in the transaction and, after the commit, drops the cached
   * product and its old and new slugs.
   */
  async update(context: ProductsContext, id: string, input: UpdateProductInput): Promise<Product> {
    const price = input.price ? validPrice(input.price, 'input.price') : undefined;
    const images = input.images ? validImages(input.images, 'input.images') : undefined;
    const attributes = input.attributes ? validAttributes(input.attributes, 'input.attributes') : undefined;
    const data = {
      ...(input.name != null && { name: validName(input.name, 'input.name') }),
      ...(input.slug != null && { slug: validSlug(input.slug, 'input.slug') }),
      ...(input.description != null && { description: validDescription(input.description, 'input.description') }),
      ...(price && { priceAmount: BigInt(price.amount), currency: price.currency }),
      ...(input.status != null && { status: input.status }),
      ...(input.categoryId !== undefined && { categoryId: await this.existingCategory(input.categoryId, 'input.categoryId') }),
    };
    const { row, oldSlug } = await this.db
      .$transaction(async (tx) => {
        const existing = await tx.product.findUnique({ where: { id }, select: { slug: true } });
        if (!existing) throw notFound('Product', id);
        if (images) await tx.productImage.deleteMany({ where: { productId: id } });
        if (attributes) await tx.productAttribute.deleteMany({ where: { productId: id } });
        const updated = await tx.product.update({
          where: { id },
          data: { ...data, ...(images && { images: { create: images } }), ...(attributes && { attributes: { create: attributes } }) },
          include: PRODUCT_INCLUDE,
        });
        await this.recordUpdated(tx, updated, Object.keys(input));
        return { row: updated, oldSlug: existing.slug };
      })
      .catch(slugConflict(data.slug ?? ''));
    await this.cache.invalidate(id, [oldSlug, row.slug]);
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
    attributes: row.attributes.map((attribute) => Object.assign(new ProductAttribute(), { name: attribute.name, value: attribute.value })),
    categoryId: row.categoryId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}
