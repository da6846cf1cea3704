import type { Redis } from 'ioredis';
import { money, type Logger } from '#kernel';
import { Product, ProductAttribute, ProductImage } from './product.type';

/** Options of {@link ProductCache}. */
export interface ProductCacheOptions {
  redis: Redis;
  log: Logger;
  /** Lifetime of a cached product, in seconds; defaults to 300. Writes invalidate earlier. */
  ttlSeconds?: number;
}

/**
 * Products by id in Redis (`products:product:<id>`), and the id of each slug read
 * (`products:slug:<slug>`), in front of the database. Stock is not cached: it changes with
 * every order.
 *
 * Every write deletes the key after its transaction commits, so a reader that comes after
 * a write never sees the older product. A read racing a write can still put the older row
 * back for up to `ttlSeconds`; that window is why the TTL is short. Redis failing is never
 * an error: reads and writes fall through to the database, with one warning per outage.
 */
export class ProductCache {
  private readonly ttlSeconds: number;
  private degraded = false;

  constructor(private readonly options: ProductCacheOptions) {
    this.ttlSeconds = options.ttlSeconds ?? 300;
  }

  /** The cached products among `ids`, by id; missing ones are absent. */
  async getMany(ids: readonly string[]): Promise<Map<string, Product>> {
    const found = new Map<string, Product>();
    if (!ids.length) return found;
    const values = await this.attempt(() => this.options.redis.mget(ids.map(keyOf)));
    values?.forEach((value, index) => {
      if (value) found.set(ids[index]!, parse(value));
    });
    return found;
  }

  async setMany(products: readonly Product[]): Promise<void> {
    if (!products.length) return;
    const pipeline = this.options.redis.multi();
    for (const product of products) pipeline.set(keyOf(product.id), JSON.stringify(product), 'EX', this.ttlSeconds);
    await this.attempt(() => pipeline.exec());
  }

  /** The id of the product with `slug`, if cached. */
  async getIdBySlug(slug: string): Promise<string | null> {
    return (await this.attempt(() => this.options.redis.get(slugKeyOf(slug)))) ?? null;
  }

  async setSlug(slug: string, id: string): Promise<void> {
    await this.attempt(() => this.options.redis.set(slugKeyOf(slug), id, 'EX', this.ttlSeconds));
  }

  /**
   * Forgets a product and the given slugs (its old and new ones); call after the
   * transaction that changed it committed.
   */
  async invalidate(id: string, slugs: readonly string[] = []): Promise<void> {
    await this.attempt(() => this.options.redis.del(keyOf(id), ...slugs.map(slugKeyOf)));
  }

  private async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      if (this.degraded) this.options.log.info('product cache is available again');
      this.degraded = false;
      return result;
    } catch (error) {
      if (!this.degraded) this.options.log.warn({ error }, 'product cache unavailable; reading products from the database');
      this.degraded = true;
      return undefined;
    }
  }
}

const keyOf = (id: string) => `products:product:${id}`;
const slugKeyOf = (slug: string) => `products:slug:${slug}`;

function parse(value: string): Product {
  const raw = JSON.parse(value) as Product & { createdAt: string; updatedAt: string };
  return Object.assign(new Product(), {
    ...raw,
    price: money(raw.price.amount, raw.price.currency),
    images: raw.images.map((image) => Object.assign(new ProductImage(), image)),
    // Entries written before attributes existed have none; they expire within the TTL.
    attributes: (raw.attributes ?? []).map((attribute) => Object.assign(new ProductAttribute(), attribute)),
    createdAt: new Date(raw.createdAt),
    updatedAt: new Date(raw.updatedAt),
  });
}
