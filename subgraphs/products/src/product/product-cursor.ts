import { badUserInput } from '#kernel';
import type { ProductSort } from './product-connection.type';

/** Where a page ends: the sort it belongs to, the sort key of the last row and its id (the tiebreak). */
export interface ProductCursor {
  sort: ProductSort;
  /** ISO time for NEWEST, amount in minor units for the price sorts, the score for RELEVANCE. */
  key: string | number;
  id: string;
}

/** An opaque cursor: base64url of a small JSON array. Clients must not build or read it. */
export function encodeCursor(cursor: ProductCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.id])).toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor} for the same sort; BAD_USER_INPUT otherwise. */
export function decodeCursor(value: string, sort: ProductSort, field = 'after'): ProductCursor {
  try {
    const [cursorSort, key, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    const keyValid =
      sort === 'NEWEST'
        ? typeof key === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(key)
        : sort === 'RELEVANCE'
          ? typeof key === 'number' && Number.isFinite(key)
          : Number.isSafeInteger(key);
    if (cursorSort === sort && keyValid && typeof id === 'string') return { sort, key: key as string | number, id };
  } catch {
    // fall through: any malformed cursor gets the same answer
  }
  throw badUserInput('This cursor is not valid for this listing; start again without `after`.', field);
}
