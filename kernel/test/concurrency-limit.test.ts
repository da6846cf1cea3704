import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from '#kernel';

describe('concurrencyLimit', () => {
  it('never runs more than the limit at once, and runs every task in arrival order', async () => {
    const limited = concurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        limited(async () => {
          started.push(index);
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
          return index * 2;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(started).toEqual([...Array(20).keys()]);
    expect(results).toEqual([...Array(20).keys()].map((index) => index * 2));
  });

  it('frees the slot of a task that fails', async () => {
    const limited = concurrencyLimit(1);
    await expect(limited(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limited(async () => 'next')).resolves.toBe('next');
  });
});
