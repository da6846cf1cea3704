import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { domainDatabase, errorCodes, graphqlRequest } from '../support/clients';
import { asStaff } from '../support/staff';

const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id inStock } }`;
const ADJUST = `mutation ($id: ID!, $delta: Int!, $reason: String!) { adjustInventory(productId: $id, delta: $delta, reason: $reason) { onHand reserved available lowStock } }`;
const THRESHOLD = `mutation ($id: ID!, $threshold: Int!) { setLowStockThreshold(productId: $id, threshold: $threshold) { available lowStockThreshold lowStock } }`;
const STOCK = `query ($id: ID!) { product(id: $id) { inStock inventory { onHand reserved available lowStockThreshold lowStock } } }`;
const IN_STOCK = `query ($filter: ProductFilter) { products(filter: $filter, first: 100) { edges { node { id } } } }`;

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('stock-watcher')]);
});

async function newProduct(categoryId?: string): Promise<string> {
  const slug = `stocked-${randomBytes(4).toString('hex')}`;
  const input = { name: 'Stocked', slug, price: { amount: 100, currency: 'USD' }, status: 'ACTIVE', categoryId };
  const result = await graphqlRequest(CREATE_PRODUCT, { token: staff.accessToken, variables: { input } });
  expect(result.data?.createProduct.inStock).toBe(false);
  return result.data?.createProduct.id;
}

describe('inventory', () => {
  it('adds and removes stock with a reason kept in the audit log', async () => {
    const id = await newProduct();
    const received = await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: 10, reason: 'delivery' } });
    expect(received.data?.adjustInventory).toEqual({ onHand: 10, reserved: 0, available: 10, lowStock: false });
    const damaged = await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: -3, reason: 'damaged' } });
    expect(damaged.data?.adjustInventory.onHand).toBe(7);

    const stock = await graphqlRequest(STOCK, { token: staff.accessToken, variables: { id } });
    expect(stock.data?.product).toEqual({ inStock: true, inventory: { onHand: 7, reserved: 0, available: 7, lowStockThreshold: 0, lowStock: false } });

    const db = await domainDatabase('products');
    try {
      const log = await db.query('SELECT delta, reason, on_hand_after, actor_id FROM inventory_adjustments WHERE product_id = ? ORDER BY created_at, id', [id]);
      expect(log).toEqual([
        { delta: 10, reason: 'delivery', on_hand_after: 10, actor_id: staff.userId },
        { delta: -3, reason: 'damaged', on_hand_after: 7, actor_id: staff.userId },
      ]);
    } finally {
      await db.end();
    }
  });

  it('refuses to take stock below zero with CONFLICT, and bad adjustments with BAD_USER_INPUT', async () => {
    const id = await newProduct();
    await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: 2, reason: 'delivery' } });
    expect(errorCodes(await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: -3, reason: 'oops' } }))).toEqual(['CONFLICT']);
    expect(errorCodes(await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: 0, reason: 'none' } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: 1, reason: '  ' } }))).toEqual(['BAD_USER_INPUT']);
    const unknown = await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id: '00000000-0000-7000-8000-000000000000', delta: 1, reason: 'x' } });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
    expect((await graphqlRequest(STOCK, { token: staff.accessToken, variables: { id } })).data?.product.inventory.onHand).toBe(2);
  });

  it('flags low stock at the threshold', async () => {
    const id = await newProduct();
    await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: 5, reason: 'delivery' } });
    const set = await graphqlRequest(THRESHOLD, { token: staff.accessToken, variables: { id, threshold: 5 } });
    expect(set.data?.setLowStockThreshold).toEqual({ available: 5, lowStockThreshold: 5, lowStock: true });
    const more = await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: 1, reason: 'delivery' } });
    expect(more.data?.adjustInventory.lowStock).toBe(false);
  });

  it('filters listings by availability', async () => {
    const category = (
      await graphqlRequest(`mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`, {
        token: staff.accessToken,
        variables: { input: { name: 'Stock', slug: `stock-${randomBytes(4).toString('hex')}` } },
      })
    ).data?.createCategory.id;
    const stocked = await newProduct(category);
    const empty = await newProduct(category);
    await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id: stocked, delta: 1, reason: 'delivery' } });
    const ids = async (inStock: boolean) =>
      ((await graphqlRequest(IN_STOCK, { variables: { filter: { category, inStock } } })).data?.products.edges as { node: { id: string } }[]).map((edge) => edge.node.id);
    expect(await ids(true)).toEqual([stocked]);
    expect(await ids(false)).toEqual([empty]);
  });

  it('shows customers whether a product is in stock, but the figures and adjustments to staff only', async () => {
    const id = await newProduct();
    await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: 1, reason: 'delivery' } });
    const inStock = await graphqlRequest(`query ($id: ID!) { product(id: $id) { inStock } }`, { token: customer.accessToken, variables: { id } });
    expect(inStock.data?.product).toEqual({ inStock: true });
    expect(errorCodes(await graphqlRequest(STOCK, { token: customer.accessToken, variables: { id } }))).toEqual(['FORBIDDEN']);
    const adjust = await graphqlRequest(ADJUST, { token: customer.accessToken, variables: { id, delta: 100, reason: 'free stuff' } });
    expect(errorCodes(adjust)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphqlRequest(THRESHOLD, { token: customer.accessToken, variables: { id, threshold: 1 } }))).toEqual(['FORBIDDEN']);
  });
});
