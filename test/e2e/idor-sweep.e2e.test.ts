import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, registerCustomer, type SignedIn } from '../support/accounts';
import { eventually } from '../support/admin';
import { graphqlRequest, type GraphQLResult } from '../support/clients';
import { apiSchema, idArguments } from '../support/id-arguments';
import { addressOf, closeOrderHelpers, placedOrder, readOrder, stockedProduct } from '../support/orders';
import { createPayment, readPayment } from '../support/payments';
import { asStaff } from '../support/staff';
import { subscribeToGateway } from '../support/subgraph-subscriptions';

/**
 * IDOR sweep: every operation of the API that takes an ID (as an argument or inside an
 * input) is listed from the schema, and each must be classified below. Customer B then
 * aims every one that reaches user-owned data at customer A's objects and must get
 * NOT_FOUND or FORBIDDEN with none of A's data; staff-only ones must be FORBIDDEN to B.
 * A new ID-taking field fails the first test until it is added to the table, so no field
 * can skip the sweep.
 */

/** A's objects the sweep aims at. */
interface Victim {
  user: SignedIn;
  /** Paid, so it has a payment. */
  paidOrderId: string;
  /** Still waiting for payment: the one cancel and pay attempts aim at. */
  pendingOrderId: string;
  paymentId: string;
  addressId: string;
  sessionId: string;
  productId: string;
  categoryId: string;
}

type Owned = 'order' | 'payment' | 'address' | 'session' | 'user';

/** How one ID-taking field is checked. */
type Classification =
  /** Reaches A's private data: B must get `expect` and none of A's data. */
  | { kind: 'owned'; owns: Owned; expect: 'NOT_FOUND' | 'FORBIDDEN'; document: string; variables: (a: Victim) => Record<string, unknown>; subscription?: true }
  /** Only staff (or admins) may call it at all: FORBIDDEN to a customer, whatever the id. */
  | { kind: 'staff' | 'admin'; document: string; variables: (a: Victim) => Record<string, unknown> }
  /** The id names something public (catalog); nothing to protect. */
  | { kind: 'public'; why: string };

const key = () => randomUUID();

const TABLE: Record<string, Classification> = {
  // Orders: to anyone but the owner (and staff) an order does not exist.
  'Query.order(id)': { kind: 'owned', owns: 'order', expect: 'NOT_FOUND', document: 'query ($id: ID!) { order(id: $id) { id status total { amount } user { id email } } }', variables: (a) => ({ id: a.paidOrderId }) },
  'Mutation.cancelOrder(id)': { kind: 'owned', owns: 'order', expect: 'NOT_FOUND', document: 'mutation ($id: ID!) { cancelOrder(id: $id, reason: "idor") { id status } }', variables: (a) => ({ id: a.pendingOrderId }) },
  'Mutation.createPayment(input.orderId)': {
    kind: 'owned',
    owns: 'order',
    expect: 'NOT_FOUND',
    document: 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { id status order { id } } }',
    variables: (a) => ({ input: { orderId: a.pendingOrderId, method: 'CARD', paymentToken: 'sim_success', idempotencyKey: key() } }),
  },
  'Subscription.orderStatusChanged(orderId)': {
    kind: 'owned',
    owns: 'order',
    expect: 'NOT_FOUND',
    subscription: true,
    document: 'subscription ($orderId: ID) { orderStatusChanged(orderId: $orderId) { order { id user { email } } } }',
    variables: (a) => ({ orderId: a.pendingOrderId }),
  },
  // Payments: the same as their orders.
  'Query.payment(id)': { kind: 'owned', owns: 'payment', expect: 'NOT_FOUND', document: 'query ($id: ID!) { payment(id: $id) { id status amount { amount } order { id } } }', variables: (a) => ({ id: a.paymentId }) },
  'Mutation.verifyPayment(id)': { kind: 'owned', owns: 'payment', expect: 'NOT_FOUND', document: 'mutation ($id: ID!) { verifyPayment(id: $id) { id status } }', variables: (a) => ({ id: a.paymentId }) },
  // Addresses: another user's address id cannot be probed.
  'Mutation.placeOrder(input.shippingAddressId)': {
    kind: 'owned',
    owns: 'address',
    expect: 'NOT_FOUND',
    document: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id shippingAddress { recipientName line1 city } } }',
    variables: (a) => ({ input: { lines: [{ productId: a.productId, quantity: 1 }], shippingAddressId: a.addressId, idempotencyKey: key() } }),
  },
  'Mutation.updateAddress(id)': { kind: 'owned', owns: 'address', expect: 'NOT_FOUND', document: 'mutation ($id: ID!, $input: UpdateAddressInput!) { updateAddress(id: $id, input: $input) { id line1 } }', variables: (a) => ({ id: a.addressId, input: { line1: 'Hijacked 1' } }) },
  'Mutation.deleteAddress(id)': { kind: 'owned', owns: 'address', expect: 'NOT_FOUND', document: 'mutation ($id: ID!) { deleteAddress(id: $id) }', variables: (a) => ({ id: a.addressId }) },
  'Mutation.setDefaultAddress(id)': { kind: 'owned', owns: 'address', expect: 'NOT_FOUND', document: 'mutation ($id: ID!) { setDefaultAddress(id: $id, kind: SHIPPING) { id line1 } }', variables: (a) => ({ id: a.addressId }) },
  // Sessions.
  'Mutation.revokeSession(id)': { kind: 'owned', owns: 'session', expect: 'NOT_FOUND', document: 'mutation ($id: ID!) { revokeSession(id: $id) }', variables: (a) => ({ id: a.sessionId }) },
  // Users: user ids are not secret, so reading another user is FORBIDDEN rather than NOT_FOUND.
  'Query.user(id)': { kind: 'owned', owns: 'user', expect: 'FORBIDDEN', document: 'query ($id: ID!) { user(id: $id) { id email phone addresses { line1 } } }', variables: (a) => ({ id: a.user.userId }) },

  // Staff and admin operations: a customer is FORBIDDEN whatever the id.
  'Query.orders(filter.userId)': { kind: 'staff', document: 'query ($userId: ID) { orders(filter: { userId: $userId }) { edges { node { id } } } }', variables: (a) => ({ userId: a.user.userId }) },
  'Mutation.updateOrderStatus(id)': { kind: 'staff', document: 'mutation ($id: ID!) { updateOrderStatus(id: $id, status: PROCESSING) { id status } }', variables: (a) => ({ id: a.paidOrderId }) },
  'Mutation.refundPayment(input.paymentId)': {
    kind: 'staff',
    document: 'mutation ($input: RefundPaymentInput!) { refundPayment(input: $input) { id status } }',
    variables: (a) => ({ input: { paymentId: a.paymentId, amount: 1, reason: 'idor', idempotencyKey: key() } }),
  },
  'Mutation.createCategory(input.parentId)': { kind: 'staff', document: 'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }', variables: (a) => ({ input: { name: 'Idor', slug: `idor-${key()}`, parentId: a.categoryId } }) },
  'Mutation.updateCategory(id)': { kind: 'staff', document: 'mutation ($id: ID!) { updateCategory(id: $id, input: { name: "Hijacked" }) { id } }', variables: (a) => ({ id: a.categoryId }) },
  'Mutation.moveCategory(id)': { kind: 'staff', document: 'mutation ($id: ID!) { moveCategory(id: $id, parentId: null) { id } }', variables: (a) => ({ id: a.categoryId }) },
  'Mutation.moveCategory(parentId)': { kind: 'staff', document: 'mutation ($id: ID!, $parentId: ID) { moveCategory(id: $id, parentId: $parentId) { id } }', variables: (a) => ({ id: randomUUID(), parentId: a.categoryId }) },
  'Mutation.adjustInventory(productId)': { kind: 'staff', document: 'mutation ($id: ID!) { adjustInventory(productId: $id, delta: -1, reason: "idor") { onHand } }', variables: (a) => ({ id: a.productId }) },
  'Mutation.setLowStockThreshold(productId)': { kind: 'staff', document: 'mutation ($id: ID!) { setLowStockThreshold(productId: $id, threshold: 5) { onHand } }', variables: (a) => ({ id: a.productId }) },
  'Mutation.createProduct(input.categoryId)': {
    kind: 'staff',
    document: 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
    variables: (a) => ({ input: { name: 'Idor', slug: `idor-${key()}`, price: { amount: 100, currency: 'USD' }, categoryId: a.categoryId } }),
  },
  'Mutation.updateProduct(id)': { kind: 'staff', document: 'mutation ($id: ID!) { updateProduct(id: $id, input: { name: "Hijacked" }) { id } }', variables: (a) => ({ id: a.productId }) },
  'Mutation.updateProduct(input.categoryId)': { kind: 'staff', document: 'mutation ($id: ID!, $categoryId: ID) { updateProduct(id: $id, input: { categoryId: $categoryId }) { id } }', variables: (a) => ({ id: a.productId, categoryId: a.categoryId }) },
  'Mutation.deleteProduct(id)': { kind: 'staff', document: 'mutation ($id: ID!) { deleteProduct(id: $id) { id } }', variables: (a) => ({ id: a.productId }) },
  'Mutation.assignRoles(userId)': { kind: 'admin', document: 'mutation ($id: ID!) { assignRoles(userId: $id, roles: [CUSTOMER, ADMIN]) { id roles } }', variables: (a) => ({ id: a.user.userId }) },
  'Mutation.updateUser(id)': { kind: 'admin', document: 'mutation ($id: ID!) { updateUser(id: $id, input: { displayName: "Hijacked" }) { id displayName } }', variables: (a) => ({ id: a.user.userId }) },
  'Mutation.deleteUser(id)': { kind: 'admin', document: 'mutation ($id: ID!) { deleteUser(id: $id) }', variables: (a) => ({ id: a.user.userId }) },

  // The catalog is public.
  'Query.product(id)': { kind: 'public', why: 'products are the public catalog (a customer sees ACTIVE ones only)' },
  'Query.products(filter.category)': { kind: 'public', why: 'categories are the public catalog' },
  'Query.category(id)': { kind: 'public', why: 'categories are the public catalog' },
  'Mutation.placeOrder(input.lines.productId)': { kind: 'public', why: 'a cart names public products; the order is the caller’s own' },
};

let a: Victim;
let b: SignedIn;

beforeAll(async () => {
  const [staff, owner, intruder] = await Promise.all([asStaff(), registerCustomer('idor-victim'), registerCustomer('idor-intruder')]);
  b = intruder;
  const productId = await stockedProduct(staff, { stock: 20, price: 900, name: 'Sweep lamp' });
  const addressId = await addressOf(owner);
  const paid = await placedOrder(owner, { lines: [{ productId, quantity: 1 }], shippingAddressId: addressId });
  const payment = await createPayment(owner, { orderId: paid.id, paymentToken: 'sim_success' });
  expect(payment.errors).toBeUndefined();
  const pending = await placedOrder(owner, { lines: [{ productId, quantity: 1 }], shippingAddressId: addressId });
  const sessions = await graphqlRequest('{ sessions { id current } }', { token: owner.accessToken });
  const category = await graphqlRequest('mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }', {
    token: staff.accessToken,
    variables: { input: { name: 'Sweep', slug: `sweep-${randomUUID().slice(0, 8)}` } },
  });
  a = {
    user: owner,
    paidOrderId: paid.id,
    pendingOrderId: pending.id,
    paymentId: payment.data!.createPayment.id,
    addressId,
    sessionId: sessions.data!.sessions.find((session: { current: boolean }) => session.current).id,
    productId,
    categoryId: category.data!.createCategory.id,
  };
  // The payment settles (webhook) before the sweep, so A's objects stand still while B probes them.
  expect(await eventually(async () => (await readOrder(owner, paid.id)).data?.order.status === 'PAID', 15_000)).toBe(true);
});
afterAll(() => closeOrderHelpers());

/** Runs one classified operation as B (over graphql-ws for a subscription). */
async function asIntruder(entry: { document: string; variables: (a: Victim) => Record<string, unknown>; subscription?: true }): Promise<GraphQLResult> {
  if (!entry.subscription) return callAs(b.ip, entry.document, { token: b.accessToken, variables: entry.variables(a) });
  const subscription = subscribeToGateway({ query: entry.document, variables: entry.variables(a), token: b.accessToken });
  try {
    return { status: 200, ...(await subscription.next(5_000)) } as GraphQLResult;
  } finally {
    await subscription.close();
  }
}

/** Values of A's that must not appear in any data B gets back. */
const secretsOf = (victim: Victim) => [victim.user.email, victim.paidOrderId, victim.pendingOrderId, victim.paymentId, victim.addressId, victim.sessionId, 'Erika Mustermann', 'Unter den Linden'];

describe('every ID-taking operation is classified', () => {
  it('has a table entry for each, and none for fields that are gone', () => {
    const discovered = idArguments(apiSchema(), ['Query', 'Mutation', 'Subscription']);
    const unclassified = discovered.filter((field) => !(field in TABLE));
    expect(
      unclassified,
      `ID-taking fields missing from the IDOR table in test/e2e/idor-sweep.e2e.test.ts; classify each as owned (and what B must get), staff/admin, or public:\n  ${unclassified.join('\n  ')}`,
    ).toEqual([]);
    const stale = Object.keys(TABLE).filter((field) => !discovered.includes(field));
    expect(stale, 'IDOR table entries for fields the schema no longer has').toEqual([]);
  });
});

const entries = (kinds: Classification['kind'][]) => Object.entries(TABLE).filter(([, entry]) => kinds.includes(entry.kind)) as [string, any][];

describe("customer B aimed at customer A's objects", () => {
  it.each(entries(['owned']))('%s', async (field, entry: Extract<Classification, { kind: 'owned' }>) => {
    const result = await asIntruder(entry);
    expect(result.errors?.map((error) => error.extensions?.code), `${field} as another customer`).toEqual([entry.expect]);
    const leaked = JSON.stringify(result.data ?? null);
    for (const secret of secretsOf(a)) expect(leaked, `${field} returned A's data`).not.toContain(secret);
    for (const error of result.errors ?? []) expect(error.message).not.toContain(a.user.email);
  });

  it.each(entries(['staff', 'admin']))('%s is FORBIDDEN to a customer', async (field, entry) => {
    const result = await asIntruder(entry);
    expect(result.errors?.map((error) => error.extensions?.code), `${field} as a customer`).toEqual(['FORBIDDEN']);
    const leaked = JSON.stringify(result.data ?? null);
    for (const secret of secretsOf(a)) expect(leaked, `${field} returned A's data`).not.toContain(secret);
  });

  it("left A's objects as they were", async () => {
    const owner = a.user;
    expect((await readOrder(owner, a.pendingOrderId)).data?.order.status).toBe('PENDING_PAYMENT');
    expect((await readOrder(owner, a.paidOrderId)).data?.order.status).toBe('PAID');
    expect(await readPayment(owner, a.paymentId)).toMatchObject({ id: a.paymentId, status: 'CAPTURED', refunds: [] });
    const me = await graphqlRequest('{ me { id roles displayName addresses { id line1 isDefaultShipping } } sessions { id } }', { token: owner.accessToken });
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toMatchObject({ id: owner.userId, roles: ['CUSTOMER'], displayName: 'Test idor-victim' });
    expect(me.data!.me.addresses).toEqual([{ id: a.addressId, line1: 'Unter den Linden 1', isDefaultShipping: true }]);
    expect(me.data!.sessions.map((session: { id: string }) => session.id)).toContain(a.sessionId);
  });
});
