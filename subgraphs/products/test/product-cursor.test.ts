import { describe, expect, it } from 'vitest';
import { ProductSort } from '../src/product/product-connection.type';
import { decodeCursor, encodeCursor } from '../src/product/product-cursor';

describe('product cursors', () => {
  it('round-trip', () => {
    const cursor = { sort: ProductSort.PRICE_ASC, key: 1999, id: 'abc' };
    expect(decodeCursor(encodeCursor(cursor), ProductSort.PRICE_ASC)).toEqual(cursor);
    const newest = { sort: ProductSort.NEWEST, key: '2026-11-24T10:00:00.000Z', id: 'x' };
    expect(decodeCursor(encodeCursor(newest), ProductSort.NEWEST)).toEqual(newest);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a cursor of another sort', encodeCursor({ sort: ProductSort.PRICE_ASC, key: 1, id: 'a' })],
    ['a wrong key type', Buffer.from(JSON.stringify(['NEWEST', 5, 'a'])).toString('base64url')],
  ])('refuses %s with BAD_USER_INPUT', (_case, value) => {
    expect(() => decodeCursor(value, ProductSort.NEWEST)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }));
  });
});
