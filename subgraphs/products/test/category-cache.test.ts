import { describe, expect, it } from 'vitest';
import { createLogger, createRedis } from '#kernel';
import { CategoryCache } from '../src/category/category-cache';
import { Category } from '../src/category/category.type';

describe('CategoryCache without Redis', () => {
  it('degrades to misses instead of errors', async () => {
    // Nothing listens on port 1: every command fails at once (no offline queue).
    const redis = createRedis('redis://127.0.0.1:1', 'test:');
    const cache = new CategoryCache({ redis, log: createLogger({ service: 'test', level: 'silent' }) });
    const category = Object.assign(new Category(), { id: 'c1', slug: 'kitchen', name: 'Kitchen', parentId: null });
    await expect(cache.get()).resolves.toBeUndefined();
    await expect(cache.set([category])).resolves.toBeUndefined();
    await expect(cache.invalidate()).resolves.toBeUndefined();
    redis.disconnect();
  });
});
