import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn } from '../support/accounts';
import { errorCodes, graphqlRequest } from '../support/clients';
import { asStaff } from '../support/staff';

const CREATE_CATEGORY = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`;
const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const PRODUCTS = `
  query ($search: String, $filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
    products(search: $search, filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      edges { cursor node { id price { amount } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

type Page = { totalCount: number; edges: { cursor: string; node: { id: string; price: { amount: number } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

let staff: SignedIn;
beforeAll(async () => {
  staff = await asStaff();
});

/** A category of its own per test, so listings see only that test's products. */
async function newCategory(): Promise<string> {
  const result = await graphqlRequest(CREATE_CATEGORY, { token: staff.accessToken, variables: { input: { name: 'Listing', slug: unique('listing') } } });
  return result.data?.createCategory.id;
}

async function createProduct(categoryId: string, amount: number, text: { name?: string; description?: string } = {}): Promise<string> {
  const input = { name: unique('p'), slug: unique('p'), price: { amount, currency: 'USD' }, categoryId, status: 'ACTIVE', ...text };
  const result = await graphqlRequest(CREATE_PRODUCT, { token: staff.accessToken, variables: { input } });
  if (!result.data?.createProduct) throw new Error(JSON.stringify(result.errors));
  return result.data.createProduct.id;
}

async function page(variables: Record<string, unknown>): Promise<Page> {
  const result = await graphqlRequest(PRODUCTS, { variables });
  if (!result.data?.products) throw new Error(JSON.stringify(result.errors));
  return result.data.products;
}

describe('product listings', () => {
  it('pages through everything without gaps or duplicates while products are being added', async () => {
    const category = await newCategory();
    // Many equal prices, so the tiebreak by id decides the order.
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push(await createProduct(category, 100 * (i % 4)));

    for (const sort of ['NEWEST', 'PRICE_ASC', 'PRICE_DESC']) {
      const seen: string[] = [];
      let after: string | null = null;
      let inserted = 0;
      for (;;) {
        const current: Page = await page({ filter: { category }, sort, first: 5, after });
        seen.push(...current.edges.map((edge) => edge.node.id));
        // A product added mid-listing must not shift the pages that follow.
        if (inserted++ === 1) ids.push(await createProduct(category, 150));
        if (!current.pageInfo.hasNextPage) break;
        after = current.pageInfo.endCursor;
      }
      expect(new Set(seen).size, `${sort}: no duplicates`).toBe(seen.length);
      const before = ids.slice(0, -1);
      expect(before.every((id) => seen.includes(id)), `${sort}: no gaps`).toBe(true);
    }
  });

  it('sorts by price both ways, breaking ties the same way every time', async () => {
    const category = await newCategory();
    for (const amount of [300, 100, 200, 100]) await createProduct(category, amount);
    const ascending = await page({ filter: { category }, sort: 'PRICE_ASC', first: 10 });
    expect(ascending.edges.map((edge) => edge.node.price.amount)).toEqual([100, 100, 200, 300]);
    const descending = await page({ filter: { category }, sort: 'PRICE_DESC', first: 10 });
    expect(descending.edges.map((edge) => edge.node.id)).toEqual(ascending.edges.map((edge) => edge.node.id).reverse());
    expect(ascending.totalCount).toBe(4);
  });

  it('filters by price range, inclusive', async () => {
    const category = await newCategory();
    for (const amount of [50, 100, 200, 300]) await createProduct(category, amount);
    const result = await page({ filter: { category, priceMin: 100, priceMax: 200 }, sort: 'PRICE_ASC', first: 10 });
    expect(result.edges.map((edge) => edge.node.price.amount)).toEqual([100, 200]);
    expect(result.totalCount).toBe(2);
  });

  it.each([
    ['a page over 100', { first: 101 }, 'first'],
    ['an empty page', { first: 0 }, 'first'],
    ['a forged cursor', { after: 'bm90LWEtY3Vyc29y' }, 'after'],
    ['RELEVANCE without a search', { sort: 'RELEVANCE' }, 'sort'],
    ['an inverted price range', { filter: { priceMin: 10, priceMax: 5 } }, 'filter.priceMin'],
  ])('refuses %s with BAD_USER_INPUT', async (_case, variables, field) => {
    const result = await graphqlRequest(PRODUCTS, { variables });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
  });

  it('refuses a cursor from another sort order', async () => {
    const category = await newCategory();
    await createProduct(category, 1);
    const newest = await page({ filter: { category }, sort: 'NEWEST', first: 1 });
    const result = await graphqlRequest(PRODUCTS, { variables: { sort: 'PRICE_ASC', after: newest.edges[0]!.cursor } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('product search', () => {
  it('finds words in names and descriptions, best match first, with filters applied', async () => {
    const category = await newCategory();
    const word = `kw${randomBytes(4).toString('hex')}`;
    const strong = await createProduct(category, 900, { name: `${word} lantern`, description: `The ${word} lantern: a ${word} for camping.` });
    const weak = await createProduct(category, 100, { name: 'Camping chair', description: `Goes well with a ${word}.` });
    await createProduct(category, 100, { name: 'Unrelated stool', description: 'Nothing to see.' });

    const relevant = await page({ search: word, first: 10 });
    expect(relevant.edges.map((edge) => edge.node.id)).toEqual([strong, weak]);
    expect(relevant.totalCount).toBe(2);
    const cheap = await page({ search: word, filter: { category, priceMax: 500 }, first: 10 });
    expect(cheap.edges.map((edge) => edge.node.id)).toEqual([weak]);
    const byPrice = await page({ search: word, sort: 'PRICE_ASC', first: 10 });
    expect(byPrice.edges.map((edge) => edge.node.id)).toEqual([weak, strong]);
  });

  it('pages through search results by relevance without gaps or duplicates', async () => {
    const category = await newCategory();
    const word = `kw${randomBytes(4).toString('hex')}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await createProduct(category, 100, { description: `${word} ${`${word} `.repeat(i % 3)}` }));
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const current: Page = await page({ search: word, first: 2, after });
      seen.push(...current.edges.map((edge) => edge.node.id));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(seen.length).toBe(7);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('treats search text as data, never as SQL or search operators', async () => {
    for (const search of ["'; DROP TABLE products; --", '+a -b "c*"', '\\ % _ ) (']) {
      const result = await graphqlRequest(PRODUCTS, { variables: { search, first: 5 } });
      expect(result.errors, search).toBeUndefined();
    }
    expect((await page({ first: 1 })).totalCount).toBeGreaterThan(0);
  });
});
