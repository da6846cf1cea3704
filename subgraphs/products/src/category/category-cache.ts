import type { Redis } from 'ioredis';
import type { Logger } from '#kernel';
import { Category } from './category.type';

/** Options of {@link CategoryCache}. */
export interface CategoryCacheOptions {
  redis: Redis;
  log: Logger;
  /** Lifetime of the cached tree, in seconds; defaults to 300. Writes invalidate earlier. */
  ttlSeconds?: number;
}

const KEY = 'products:categories:tree';

/**
 * The whole category tree (its rows) in Redis under `products:categories:tree`. Every
 * category write deletes the key after it committed; as with products, a read racing a
 * write can put the older tree back for up to `ttlSeconds`. Redis failing is never an
 * error: reads fall through to the database, with one warning per outage.
 */
export class CategoryCache {
  private readonly ttlSeconds: number;
  private degraded = false;

  constructor(private readonly options: CategoryCacheOptions) {
    this.ttlSeconds = options.ttlSeconds ?? 300;
  }

  /** The cached categories, or undefined on a miss (or when Redis is unavailable). */
  async get(): Promise<Category[] | undefined> {
    const value = await this.attempt(() => this.options.redis.get(KEY));
    if (!value) return undefined;
    return (JSON.parse(value) as Category[]).map((category) => Object.assign(new Category(), category));
  }

  async set(categories: readonly Category[]): Promise<void> {
    await this.attempt(() => this.options.redis.set(KEY, JSON.stringify(categories), 'EX', this.ttlSeconds));
  }

  /** Forgets the tree; call after the category write committed. */
  async invalidate(): Promise<void> {
    await this.attempt(() => this.options.redis.del(KEY));
  }

  private async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      if (this.degraded) this.options.log.info('category cache is available again');
      this.degraded = false;
      return result;
    } catch (error) {
      if (!this.degraded) this.options.log.warn({ error }, 'category cache unavailable; reading categories from the database');
      this.degraded = true;
      return undefined;
    }
  }
}
