import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { errorCodes, graphqlRequest } from '../support/clients';
import { asStaff } from '../support/staff';

const PRODUCT_FIELDS = `id slug name status attributes { name value }`;
const CREATE = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${PRODUCT_FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteProduct(id: $id) { id status } }`;
const PRODUCT = `query ($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
const BY_SLUG = `query ($slug: String!) { productBySlug(slug: $slug) { ${PRODUCT_FIELDS} } }`;
const PRODUCTS = `
  query ($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
    products(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      edges { node { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const CREATE_CATEGORY = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`;
const UPDATE_CATEGORY = `mutation ($id: ID!, $input: UpdateCategoryInput!) { updateCategory(id: $id, input: $input) { id } }`;
const MOVE = `mutation ($id: ID!, $parentId: ID) { moveCategory(id: $id, parentId: $parentId) { id } }`;
const CATEGORY = `query ($id: ID!) { category(id: $id) { id name children { id } path { id } } }`;
const CATEGORIES = `{ categories { id children { id } } }`;

type Page = { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('attributes')]);
});

async function createProduct(input: Record<string, unknown>): Promise<{ id: string; slug: string }> {
  const full = { name: unique('p'), slug: unique('p'), price: { amount: 100, currency: 'USD' }, status: 'ACTIVE', ...input };
  const result = await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input: full } });
  if (!result.data?.createProduct) throw new Error(JSON.stringify(result.errors));
  return result.data.createProduct;
}

async function createCategory(parentId?: string): Promise<string> {
  const result = await graphqlRequest(CREATE_CATEGORY, { token: staff.accessToken, variables: { input: { name: 'Attributes', slug: unique('attributes'), parentId } } });
  if (!result.data?.createCategory) throw new Error(JSON.stringify(result.errors));
  return result.data.createCategory.id;
}

async function page(variables: Record<string, unknown>): Promise<Page> {
  const result = await graphqlRequest(PRODUCTS, { variables });
  if (!result.data?.products) throw new Error(JSON.stringify(result.errors));
  return result.data.products;
}

const ids = (result: Page) => result.edges.map((edge) => edge.node.id);

describe('product attributes', () => {
  it('are set on create (names lower-cased, listed by name), replaced by update, kept when not given', async () => {
    const product = await createProduct({ attributes: [{ name: 'Size', value: ' M ' }, { name: 'color', value: 'red' }] });
    expect(product).toMatchObject({ attributes: [{ name: 'color', value: 'red' }, { name: 'size', value: 'M' }] });
    expect((await graphqlRequest(PRODUCT, { variables: { id: product.id } })).data?.product.attributes).toEqual([
      { name: 'color', value: 'red' },
      { name: 'size', value: 'M' },
    ]);

    const replaced = await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id: product.id, input: { attributes: [{ name: 'material', value: 'oak' }] } } });
    expect(replaced.data?.updateProduct.attributes).toEqual([{ name: 'material', value: 'oak' }]);
    const renamed = await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id: product.id, input: { name: 'Renamed' } } });
    expect(renamed.data?.updateProduct.attributes).toEqual([{ name: 'material', value: 'oak' }]);
    // Read-your-writes through the product cache.
    expect((await graphqlRequest(PRODUCT, { variables: { id: product.id } })).data?.product).toMatchObject({ name: 'Renamed', attributes: [{ name: 'material', value: 'oak' }] });
  });

  it.each([
    ['a name with spaces', [{ name: 'shoe size', value: '42' }], 'input.attributes.0.name'],
    ['a name over 50 characters', [{ name: 'n'.repeat(51), value: '42' }], 'input.attributes.0.name'],
    ['an empty value', [{ name: 'color', value: ' ' }], 'input.attributes.0.value'],
    ['a value over 100 characters', [{ name: 'color', value: 'v'.repeat(101) }], 'input.attributes.0.value'],
    ['a name twice (case-insensitively)', [{ name: 'color', value: 'red' }, { name: 'Color', value: 'blue' }], 'input.attributes.1.name'],
    ['more than 30 attributes', Array.from({ length: 31 }, (_, i) => ({ name: `a${i}`, value: 'x' })), 'input.attributes'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, attributes, field) => {
    const input = { name: 'Bad', slug: unique('bad'), price: { amount: 1, currency: 'USD' }, attributes };
    const created = await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input } });
    expect(errorCodes(created)).toEqual(['BAD_USER_INPUT']);
    expect(created.errors?.[0]?.extensions?.field).toBe(field);

    const { id } = await createProduct({});
    const updated = await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id, input: { attributes } } });
    expect(errorCodes(updated)).toEqual(['BAD_USER_INPUT']);
    expect(updated.errors?.[0]?.extensions?.field).toBe(field);
  });
});

describe('attribute filters', () => {
  it('match every name (AND) and any of its values (OR), with category, price and pagination', async () => {
    const category = await createCategory();
    const make = (amount: number, attributes: { name: string; value: string }[]) => createProduct({ categoryId: category, price: { amount, currency: 'USD' }, attributes });
    const redM = (await make(100, [{ name: 'color', value: 'red' }, { name: 'size', value: 'M' }])).id;
    const blueM = (await make(200, [{ name: 'color', value: 'blue' }, { name: 'size', value: 'M' }])).id;
    const redL = (await make(300, [{ name: 'color', value: 'red' }, { name: 'size', value: 'L' }])).id;
    await make(150, [{ name: 'color', value: 'green' }, { name: 'size', value: 'M' }]);
    await make(100, []);
    const draft = (await createProduct({ categoryId: category, status: 'DRAFT', attributes: [{ name: 'color', value: 'red' }] })).id;

    const redOrBlue = { category, attributes: [{ name: 'color', values: ['red', 'blue'] }] };
    const either = await page({ filter: redOrBlue, sort: 'PRICE_ASC', first: 10 });
    expect(ids(either)).toEqual([redM, blueM, redL]);
    expect(either.totalCount).toBe(3);

    const both = await page({ filter: { category, attributes: [{ name: 'COLOR', values: ['red'] }, { name: 'size', values: ['M'] }] }, first: 10 });
    expect(ids(both)).toEqual([redM]);
    expect(both.totalCount).toBe(1);

    const priced = await page({ filter: { ...redOrBlue, attributes: [...redOrBlue.attributes, { name: 'size', values: ['M'] }], priceMin: 150 }, first: 10 });
    expect(ids(priced)).toEqual([blueM]);
    expect(priced.totalCount).toBe(1);

    const none = await page({ filter: { category, attributes: [{ name: 'material', values: ['oak'] }] }, first: 10 });
    expect(none).toMatchObject({ totalCount: 0, edges: [] });

    // One product per page: no gaps, no duplicates, the same total on every page.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const current: Page = await page({ filter: redOrBlue, sort: 'PRICE_ASC', first: 1, after });
      expect(current.totalCount).toBe(3);
      seen.push(...ids(current));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(seen).toEqual([redM, blueM, redL]);

    // Drafts match attribute filters for staff only.
    const staffView = await graphqlRequest(PRODUCTS, { token: staff.accessToken, variables: { filter: { category, status: 'DRAFT', attributes: [{ name: 'color', values: ['red'] }] }, first: 10 } });
    expect(staffView.data?.products.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([draft]);
  });

  it.each([
    ['a bad attribute name', [{ name: 'no spaces', values: ['x'] }], 'filter.attributes.0.name'],
    ['no values', [{ name: 'color', values: [] }], 'filter.attributes.0.values'],
    ['an empty value', [{ name: 'color', values: ['red', ' '] }], 'filter.attributes.0.values.1'],
    ['more than 10 conditions', Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, values: ['x'] })), 'filter.attributes'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, attributes, field) => {
    const result = await graphqlRequest(PRODUCTS, { variables: { filter: { attributes }, first: 5 } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
  });

  it('treats attribute names and values as data, never as SQL', async () => {
    const result = await graphqlRequest(PRODUCTS, { variables: { filter: { attributes: [{ name: 'color', values: ["red') OR 1=1 --", '%'] }] }, first: 5 } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.products.totalCount).toBe(0);
  });
});

describe('productBySlug', () => {
  it('hides drafts and archived products from customers and anonymous callers, not from staff', async () => {
    const draft = await createProduct({ status: 'DRAFT' });
    for (const token of [undefined, customer.accessToken]) {
      expect((await graphqlRequest(BY_SLUG, { token, variables: { slug: draft.slug } })).data?.productBySlug).toBeNull();
    }
    expect((await graphqlRequest(BY_SLUG, { token: staff.accessToken, variables: { slug: draft.slug } })).data?.productBySlug).toMatchObject({ id: draft.id, status: 'DRAFT' });

    await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id: draft.id, input: { status: 'ACTIVE' } } });
    expect((await graphqlRequest(BY_SLUG, { token: customer.accessToken, variables: { slug: draft.slug } })).data?.productBySlug).toMatchObject({ id: draft.id, status: 'ACTIVE' });

    await graphqlRequest(DELETE, { token: staff.accessToken, variables: { id: draft.id } });
    expect((await graphqlRequest(BY_SLUG, { token: customer.accessToken, variables: { slug: draft.slug } })).data?.productBySlug).toBeNull();
    expect((await graphqlRequest(BY_SLUG, { variables: { slug: unique('missing') } })).data?.productBySlug).toBeNull();
  });

  it('follows a slug change at once (read-your-writes through the cache)', async () => {
    const product = await createProduct({});
    const read = async (slug: string) => (await graphqlRequest(BY_SLUG, { variables: { slug } })).data?.productBySlug;
    expect(await read(product.slug)).toMatchObject({ id: product.id }); // now cached
    expect(await read(product.slug)).toMatchObject({ id: product.id });

    const newSlug = unique('moved');
    await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id: product.id, input: { slug: newSlug, name: 'After the move' } } });
    expect(await read(product.slug)).toBeNull();
    expect(await read(newSlug)).toMatchObject({ id: product.id, slug: newSlug, name: 'After the move' });

    // The freed slug can go to another product, and then names that one.
    const successor = await createProduct({ slug: product.slug });
    expect(await read(product.slug)).toMatchObject({ id: successor.id });

    await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id: product.id, input: { attributes: [{ name: 'color', value: 'teal' }] } } });
    expect(await read(newSlug)).toMatchObject({ attributes: [{ name: 'color', value: 'teal' }] });
  });
});

describe('the cached category tree', () => {
  it('shows creates, renames and moves to the next read', async () => {
    const parent = await createCategory();
    expect((await graphqlRequest(CATEGORY, { variables: { id: parent } })).data?.category.children).toEqual([]); // now cached

    const child = await createCategory(parent);
    expect((await graphqlRequest(CATEGORY, { variables: { id: parent } })).data?.category.children).toEqual([{ id: child }]);
    expect((await graphqlRequest(CATEGORY, { variables: { id: child } })).data?.category.path).toEqual([{ id: parent }, { id: child }]);

    await graphqlRequest(UPDATE_CATEGORY, { token: staff.accessToken, variables: { id: child, input: { name: 'Renamed' } } });
    expect((await graphqlRequest(CATEGORY, { variables: { id: child } })).data?.category.name).toBe('Renamed');

    const moved = await graphqlRequest(MOVE, { token: staff.accessToken, variables: { id: child, parentId: null } });
    expect(moved.errors).toBeUndefined();
    expect((await graphqlRequest(CATEGORY, { variables: { id: parent } })).data?.category.children).toEqual([]);
    const roots = (await graphqlRequest(CATEGORIES)).data?.categories as { id: string }[];
    expect(roots.some((root) => root.id === child)).toBe(true);

    // A product filter by category follows the move too.
    const product = await createProduct({ categoryId: child });
    expect(ids(await page({ filter: { category: parent }, first: 10 }))).not.toContain(product.id);
    await graphqlRequest(MOVE, { token: staff.accessToken, variables: { id: child, parentId: parent } });
    expect(ids(await page({ filter: { category: parent }, first: 10 }))).toEqual([product.id]);
  });
});
