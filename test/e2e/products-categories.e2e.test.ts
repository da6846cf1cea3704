import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { errorCodes, graphqlRequest } from '../support/clients';
import { asStaff } from '../support/staff';

const CREATE_CATEGORY = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id name slug parent { id } } }`;
const UPDATE_CATEGORY = `mutation ($id: ID!, $input: UpdateCategoryInput!) { updateCategory(id: $id, input: $input) { id name slug } }`;
const MOVE = `mutation ($id: ID!, $parentId: ID) { moveCategory(id: $id, parentId: $parentId) { id parent { id } path { slug } } }`;
const CATEGORY = `query ($id: ID!) { category(id: $id) { id slug parent { slug } children { slug children { slug } } path { slug } } }`;
const CATEGORIES = `{ categories { id slug children { slug } } }`;
const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const PRODUCTS = `query ($filter: ProductFilter) { products(filter: $filter, first: 100) { totalCount edges { node { id category { slug } } } } }`;

const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('browser')]);
});

async function createCategory(label: string, parentId?: string): Promise<{ id: string; slug: string }> {
  const slug = unique(label);
  const result = await graphqlRequest(CREATE_CATEGORY, { token: staff.accessToken, variables: { input: { name: label, slug, parentId } } });
  if (!result.data?.createCategory) throw new Error(JSON.stringify(result.errors));
  return result.data.createCategory;
}

async function createProduct(categoryId: string, status = 'ACTIVE'): Promise<string> {
  const input = { name: unique('item'), slug: unique('item'), price: { amount: 500, currency: 'USD' }, categoryId, status };
  const result = await graphqlRequest(CREATE_PRODUCT, { token: staff.accessToken, variables: { input } });
  if (!result.data?.createProduct) throw new Error(JSON.stringify(result.errors));
  return result.data.createProduct.id;
}

describe('the category tree', () => {
  it('builds a tree with children and breadcrumbs, visible to everyone', async () => {
    const home = await createCategory('home');
    const kitchen = await createCategory('kitchen', home.id);
    const mugs = await createCategory('mugs', kitchen.id);

    const result = await graphqlRequest(CATEGORY, { variables: { id: kitchen.id } });
    expect(result.data?.category).toEqual({
      id: kitchen.id,
      slug: kitchen.slug,
      parent: { slug: home.slug },
      children: [{ slug: mugs.slug, children: [] }],
      path: [{ slug: home.slug }, { slug: kitchen.slug }],
    });
    const roots = (await graphqlRequest(CATEGORIES)).data?.categories as { id: string; children: { slug: string }[] }[];
    expect(roots.find((root) => root.id === home.id)?.children).toEqual([{ slug: kitchen.slug }]);
    expect(roots.some((root) => root.id === kitchen.id)).toBe(false);
  });

  it('moves a subtree, and refuses a move under itself or a descendant with CONFLICT', async () => {
    const a = await createCategory('a');
    const b = await createCategory('b', a.id);
    const c = await createCategory('c', b.id);
    const other = await createCategory('other');

    for (const parentId of [a.id, c.id]) {
      const cycle = await graphqlRequest(MOVE, { token: staff.accessToken, variables: { id: a.id, parentId } });
      expect(errorCodes(cycle), `move under ${parentId}`).toEqual(['CONFLICT']);
    }
    const moved = await graphqlRequest(MOVE, { token: staff.accessToken, variables: { id: b.id, parentId: other.id } });
    expect(moved.data?.moveCategory.path).toEqual([{ slug: other.slug }, { slug: b.slug }]);
    expect((await graphqlRequest(CATEGORY, { variables: { id: c.id } })).data?.category.path).toEqual([
      { slug: other.slug },
      { slug: b.slug },
      { slug: c.slug },
    ]);
    const root = await graphqlRequest(MOVE, { token: staff.accessToken, variables: { id: b.id, parentId: null } });
    expect(root.data?.moveCategory).toMatchObject({ parent: null, path: [{ slug: b.slug }] });
  });

  it('never lets two concurrent crossing moves make a loop', async () => {
    const x = await createCategory('x');
    const y = await createCategory('y');
    const [first, second] = await Promise.all([
      graphqlRequest(MOVE, { token: staff.accessToken, variables: { id: x.id, parentId: y.id } }),
      graphqlRequest(MOVE, { token: staff.accessToken, variables: { id: y.id, parentId: x.id } }),
    ]);
    expect([first, second].filter((result) => result.data?.moveCategory).length).toBe(1);
    expect([...errorCodes(first), ...errorCodes(second)]).toEqual(['CONFLICT']);
  });

  it('renames a category, refuses a taken slug with CONFLICT and bad input with BAD_USER_INPUT', async () => {
    const first = await createCategory('first');
    const second = await createCategory('second');
    const renamed = await graphqlRequest(UPDATE_CATEGORY, { token: staff.accessToken, variables: { id: first.id, input: { name: 'Renamed' } } });
    expect(renamed.data?.updateCategory).toEqual({ id: first.id, name: 'Renamed', slug: first.slug });
    const taken = await graphqlRequest(UPDATE_CATEGORY, { token: staff.accessToken, variables: { id: first.id, input: { slug: second.slug } } });
    expect(errorCodes(taken)).toEqual(['CONFLICT']);
    const bad = await graphqlRequest(CREATE_CATEGORY, { token: staff.accessToken, variables: { input: { name: 'x', slug: 'Bad Slug' } } });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions?.field).toBe('input.slug');
  });

  it('lets only staff change the tree', async () => {
    const category = await createCategory('guarded');
    const input = { name: 'Nope', slug: unique('nope') };
    expect(errorCodes(await graphqlRequest(CREATE_CATEGORY, { token: customer.accessToken, variables: { input } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphqlRequest(CREATE_CATEGORY, { variables: { input } }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await graphqlRequest(MOVE, { token: customer.accessToken, variables: { id: category.id, parentId: null } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphqlRequest(UPDATE_CATEGORY, { token: customer.accessToken, variables: { id: category.id, input } }))).toEqual([
      'FORBIDDEN',
    ]);
  });
});

describe('listing products by category', () => {
  it('includes the products of every descendant category, active ones only for customers', async () => {
    const root = await createCategory('outdoor');
    const child = await createCategory('tents', root.id);
    const grandchild = await createCategory('pegs', child.id);
    const sibling = await createCategory('indoor');
    const inRoot = await createProduct(root.id);
    const inChild = await createProduct(child.id);
    const inGrandchild = await createProduct(grandchild.id);
    await createProduct(grandchild.id, 'DRAFT');
    await createProduct(sibling.id);

    const list = async (category: string, token?: string) => {
      const result = await graphqlRequest(PRODUCTS, { token, variables: { filter: { category } } });
      return result.data?.products as { totalCount: number; edges: { node: { id: string } }[] };
    };
    const fromRoot = await list(root.id, customer.accessToken);
    expect(fromRoot.edges.map((edge) => edge.node.id).sort()).toEqual([inRoot, inChild, inGrandchild].sort());
    expect(fromRoot.totalCount).toBe(3);
    expect((await list(child.id)).edges.map((edge) => edge.node.id).sort()).toEqual([inChild, inGrandchild].sort());
    expect((await list(root.id, staff.accessToken)).totalCount).toBe(4);

    const unknown = await graphqlRequest(PRODUCTS, { variables: { filter: { category: '00000000-0000-7000-8000-000000000000' } } });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
  });
});
