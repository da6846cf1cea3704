import { describe, expect, it } from 'vitest';
import { createLogger, createRedis, money } from '#kernel';
import { ProductCache } from '../src/product/product-cache';
import { Product } from '../src/product/product.type';

describe('ProductCache without Redis', () => {
  it('degrades to misses instead of errors', async () => {
    // Nothing listens on port 1: every command fails at once (no offline queue).
    const redis = createRedis('redis://127.0.0.1:1', 'test:');
    const cache = new ProductCache({ redis, log: createLogger({ service: 'test', level: 'silent' }) });
    const product = Object.assign(new Product(), { id: 'p1', price: money(1, 'USD'), images: [], attributes: [], createdAt: new Date(), updatedAt: new Date() });
    await expect(cache.getMany(['p1'])).resolves.toEqual(new Map());
    await expect(cache.setMany([product])).resolves.toBeUndefined();
    await expect(cache.invalidate('p1')).resolves.toBeUndefined();
    await expect(cache.getIdBySlug('blue-mug')).resolves.toBeNull();
    await expect(cache.setSlug('blue-mug', 'p1')).resolves.toBeUndefined();
    await expect(cache.invalidate('p1', ['blue-mug'])).resolves.toBeUndefined();
    redis.disconnect();
  });
});
