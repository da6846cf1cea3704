import { badUserInput, hasAnyRole, pageInfoOf } from '#kernel';
import type { CategoryService } from '../category/category.service';
import type { ProductsContext } from '../context';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { type AttributeFilter, ProductConnection, ProductEdge, type ProductFilter, ProductSort } from './product-connection.type';
import { decodeCursor, encodeCursor, type ProductCursor } from './product-cursor';
import { validAttributeName, validAttributeValue } from './product-validation';
import { type Product, ProductStatus } from './product.type';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;
/** Longest search text; longer text is refused rather than silently cut. */
export const MAX_SEARCH_LENGTH = 200;
/** Most attribute conditions in one filter, and most values in one condition. */
export const MAX_ATTRIBUTE_FILTERS = 10;
export const MAX_ATTRIBUTE_FILTER_VALUES = 50;

/**
 * Column and direction per sort; the id breaks ties in the same direction. These are the
 * only strings spliced into SQL (`Prisma.raw`), and they are constants, never input.
 */
const ORDER = {
  [ProductSort.RELEVANCE]: { column: 'score', direction: 'DESC' },
  [ProductSort.NEWEST]: { column: 'created_at', direction: 'DESC' },
  [ProductSort.PRICE_ASC]: { column: 'price_amount', direction: 'ASC' },
  [ProductSort.PRICE_DESC]: { column: 'price_amount', direction: 'DESC' },
} as const;

/** One row of a page as the keyset query returns it. */
interface ListedRow {
  id: string;
  score: number;
}

/** Options of {@link ProductListingService.list}. */
export interface ListOptions {
  /** Full-text search over name and description (natural language mode); absent: no search. */
  search?: string | null;
  filter: ProductFilter;
  /** Defaults to RELEVANCE with a search, NEWEST without. */
  sort?: ProductSort | null;
  first: number;
  after?: string | null;
}

/**
 * Product listings as Relay connections. Pages are keyset-paginated on (sort key, id): a
 * cursor names the last row seen, so rows inserted or removed meanwhile never cause a gap
 * or a duplicate on the next page. (Under RELEVANCE, inserts can shift InnoDB's scores of
 * other rows; the id tiebreak still keeps one listing's pages disjoint for a given score.)
 * SQL is built only from `Prisma.sql` fragments: every input value is a bound parameter.
 */
export class ProductListingService {
  constructor(
    private readonly db: PrismaClient,
    private readonly categories: CategoryService,
  ) {}

  async list(context: ProductsContext, options: ListOptions): Promise<ProductConnection> {
    const { first } = options;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
    const search = options.search?.trim() || null;
    if (search && search.length > MAX_SEARCH_LENGTH) throw badUserInput(`A search has at most ${MAX_SEARCH_LENGTH} characters.`, 'search');
    const sort = options.sort ?? (search ? ProductSort.RELEVANCE : ProductSort.NEWEST);
    if (sort === ProductSort.RELEVANCE && !search) throw badUserInput('RELEVANCE needs a search text.', 'sort');
    const cursor = options.after ? decodeCursor(options.after, sort) : null;

    const score = search ? Prisma.sql`MATCH(name, description) AGAINST (${search} IN NATURAL LANGUAGE MODE)` : Prisma.sql`0`;
    const conditions = await this.conditions(context, options.filter, search);
    const { column, direction } = ORDER[sort];
    const [rows, counted] = await Promise.all([
      this.db.$queryRaw<ListedRow[]>`
        SELECT id, score FROM (
          SELECT id, created_at, price_amount, ${score} AS score FROM products WHERE ${conditions}
        ) AS listed
        WHERE ${cursor ? afterCursor(cursor) : Prisma.sql`TRUE`}
        ORDER BY ${Prisma.raw(`${column} ${direction}, id ${direction}`)}
        LIMIT ${first + 1}`,
      this.db.$queryRaw<{ total: bigint }[]>`SELECT COUNT(*) AS total FROM products WHERE ${conditions}`,
    ]);
    const pageRows = rows.slice(0, first);
    const products = await context.loaders.product.loadMany(pageRows.map((row) => row.id));
    const edges = pageRows.flatMap((row, index) => {
      const node = products[index];
      if (!node || node instanceof Error) return []; // removed between the two reads
      return [Object.assign(new ProductEdge(), { node, cursor: encodeCursor(cursorOf(node, sort, Number(row.score))) })];
    });
    return Object.assign(new ProductConnection(), {
      edges,
      totalCount: Number(counted[0]?.total ?? 0),
      pageInfo: pageInfoOf(edges, rows.length > first),
    });
  }

  private async conditions(context: ProductsContext, filter: ProductFilter, search: string | null): Promise<Prisma.Sql> {
    if (filter.priceMin != null && filter.priceMax != null && filter.priceMin > filter.priceMax) {
      throw badUserInput('priceMin cannot be above priceMax.', 'filter.priceMin');
    }
    const staff = hasAnyRole(context, 'STAFF', 'ADMIN');
    const status = staff ? filter.status : ProductStatus.ACTIVE;
    const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
    if (status) parts.push(Prisma.sql`status = ${status}`);
    if (filter.category) {
      const ids = await this.categories.subtreeIds(context, filter.category, 'filter.category');
      parts.push(Prisma.sql`category_id IN (${Prisma.join(ids)})`);
    }
    if (filter.priceMin != null) parts.push(Prisma.sql`price_amount >= ${filter.priceMin}`);
    if (filter.priceMax != null) parts.push(Prisma.sql`price_amount <= ${filter.priceMax}`);
    if (filter.inStock != null) {
      const available = Prisma.sql`EXISTS (SELECT 1 FROM inventory WHERE inventory.product_id = products.id AND inventory.on_hand - inventory.reserved > 0)`;
      parts.push(filter.inStock ? available : Prisma.sql`NOT ${available}`);
    }
    parts.push(...attributeConditions(filter.attributes ?? []));
    if (search) parts.push(Prisma.sql`MATCH(name, description) AGAINST (${search} IN NATURAL LANGUAGE MODE)`);
    return Prisma.join(parts, ' AND ');
  }
}

/** One EXISTS per attribute name (AND across names), its values as an IN list (OR within). */
function attributeConditions(filters: readonly AttributeFilter[]): Prisma.Sql[] {
  if (filters.length > MAX_ATTRIBUTE_FILTERS) throw badUserInput(`A filter has at most ${MAX_ATTRIBUTE_FILTERS} attribute conditions.`, 'filter.attributes');
  return filters.map((condition, index) => {
    const at = `filter.attributes.${index}`;
    const name = validAttributeName(condition.name, `${at}.name`);
    if (!condition.values.length || condition.values.length > MAX_ATTRIBUTE_FILTER_VALUES) {
      throw badUserInput(`An attribute condition has 1 to ${MAX_ATTRIBUTE_FILTER_VALUES} values.`, `${at}.values`);
    }
    const values = condition.values.map((value, i) => validAttributeValue(value, `${at}.values.${i}`));
    return Prisma.sql`EXISTS (SELECT 1 FROM product_attributes WHERE product_attributes.product_id = products.id AND product_attributes.name = ${name} AND product_attributes.value IN (${Prisma.join(values)}))`;
  });
}

function cursorOf(product: Product, sort: ProductSort, score: number): ProductCursor {
  const key = sort === ProductSort.NEWEST ? product.createdAt.toISOString() : sort === ProductSort.RELEVANCE ? score : product.price.amount;
  return { sort, key, id: product.id };
}

/** Rows strictly after the cursor in the listing's order. */
function afterCursor(cursor: ProductCursor): Prisma.Sql {
  const { column, direction } = ORDER[cursor.sort];
  const op = Prisma.raw(direction === 'ASC' ? '>' : '<');
  const col = Prisma.raw(column);
  // DATETIME(3) columns hold UTC as Prisma writes it; compare with the same text form.
  const key = cursor.sort === ProductSort.NEWEST ? (cursor.key as string).replace('T', ' ').replace('Z', '') : cursor.key;
  return Prisma.sql`(${col} ${op} ${key} OR (${col} = ${key} AND id ${op} ${cursor.id}))`;
}
