import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { errorCodes, graphqlRequest } from '../support/clients';
import {
  addressOf,
  BERLIN,
  CANCEL_ORDER,
  closeOrderHelpers,
  placedOrder,
  placeOrder,
  readOrder,
  stockedProduct,
  stockOf,
  UPDATE_STATUS,
} from '../support/orders';
import { asStaff } from '../support/staff';
import { eventually } from '../support/admin';

const MY_ORDERS = `query ($first: Int, $after: String, $status: OrderStatus) {
  myOrders(first: $first, after: $after, status: $status) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`;
const ALL_ORDERS = `query ($filter: OrdersFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) { edges { node { id status user { id } } } pageInfo { hasNextPage endCursor } } }`;

let staff: SignedIn;
let customer: SignedIn;
let addressId: string;
beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('shopper')]);
  addressId = await addressOf(customer);
});
afterAll(() => closeOrderHelpers());

describe('placeOrder', () => {
  it('prices the order from the catalog, holds its stock and records the placement', async () => {
    const mug = await stockedProduct(staff, { stock: 10, price: 1250, name: 'Mug' });
    const tea = await stockedProduct(staff, { stock: 5, price: 899, name: 'Tea' });
    const order = await placedOrder(customer, {
      lines: [
        { productId: mug, quantity: 2 },
        { productId: tea, quantity: 1 },
        { productId: mug, quantity: 1 },
      ],
      shippingAddressId: addressId,
    });

    expect(order).toMatchObject({
      status: 'PENDING_PAYMENT',
      total: { amount: 3 * 1250 + 899, currency: 'USD' },
      user: { id: customer.userId },
      shippingAddress: { ...BERLIN, line2: null, region: null, phone: null },
      lines: [
        { productName: 'Mug', quantity: 3, unitPrice: { amount: 1250, currency: 'USD' }, subtotal: { amount: 3750, currency: 'USD' }, product: { id: mug, name: 'Mug' } },
        { productName: 'Tea', quantity: 1, unitPrice: { amount: 899, currency: 'USD' }, subtotal: { amount: 899, currency: 'USD' }, product: { id: tea, name: 'Tea' } },
      ],
      history: [{ from: null, to: 'PENDING_PAYMENT', actor: 'CUSTOMER', changedBy: { id: customer.userId }, reason: null }],
    });
    // The e2e stack runs with a 600 s payment window.
    expect(Date.parse(order.paymentDueAt) - Date.parse(order.createdAt)).toBe(600_000);
    expect(await stockOf(staff, mug)).toEqual({ onHand: 10, reserved: 3, available: 7 });
    expect(await stockOf(staff, tea)).toEqual({ onHand: 5, reserved: 1, available: 4 });
  });

  it('keeps the prices and names of the placement when the catalog changes', async () => {
    const lamp = await stockedProduct(staff, { stock: 3, price: 4000, name: 'Lamp' });
    const order = await placedOrder(customer, { lines: [{ productId: lamp, quantity: 1 }], shippingAddressId: addressId });
    const renamed = await graphqlRequest(`mutation ($id: ID!) { updateProduct(id: $id, input: { name: "Lamp v2", price: { amount: 5000, currency: "USD" } }) { id } }`, {
      token: staff.accessToken,
      variables: { id: lamp },
    });
    expect(renamed.errors).toBeUndefined();
    const read = (await readOrder(customer, order.id)).data?.order;
    expect(read.lines[0]).toMatchObject({ productName: 'Lamp', unitPrice: { amount: 4000 }, product: { name: 'Lamp v2' } });
    expect(read.total.amount).toBe(4000);
  });

  it('returns the same order for a repeated idempotency key, also under concurrent retries', async () => {
    const product = await stockedProduct(staff, { stock: 10 });
    const input = { lines: [{ productId: product, quantity: 2 }], shippingAddressId: addressId, idempotencyKey: randomUUID() };
    const attempts = await Promise.all(Array.from({ length: 5 }, () => placeOrder(customer, input)));
    const ids = new Set(attempts.map((attempt) => attempt.data?.placeOrder.id));
    expect(attempts.every((attempt) => !attempt.errors)).toBe(true);
    expect(ids.size).toBe(1);
    expect((await placeOrder(customer, input)).data?.placeOrder.id).toBe([...ids][0]);
    expect(await stockOf(staff, product)).toMatchObject({ reserved: 2 });

    const reused = await placeOrder(customer, { ...input, lines: [{ productId: product, quantity: 3 }] });
    expect(errorCodes(reused)).toEqual(['CONFLICT']);
    expect(await stockOf(staff, product)).toMatchObject({ reserved: 2 });
  });

  it('treats the same cart in another line order as the same request', async () => {
    const [a, b] = await Promise.all([stockedProduct(staff, { stock: 5 }), stockedProduct(staff, { stock: 5 })]);
    const idempotencyKey = randomUUID();
    const first = await placedOrder(customer, { lines: [{ productId: a, quantity: 1 }, { productId: b, quantity: 2 }], shippingAddressId: addressId, idempotencyKey });
    const again = await placedOrder(customer, { lines: [{ productId: b, quantity: 2 }, { productId: a, quantity: 1 }], shippingAddressId: addressId, idempotencyKey });
    expect(again.id).toBe(first.id);
    const otherAddress = await placeOrder(customer, { lines: [{ productId: a, quantity: 1 }, { productId: b, quantity: 2 }], shippingAddressId: await addressOf(customer, { ...BERLIN, line1: 'Elsewhere 2' }), idempotencyKey });
    expect(errorCodes(otherAddress)).toEqual(['CONFLICT']);
  });

  it('scopes idempotency keys to the customer', async () => {
    const other = await registerCustomer('other-shopper');
    const product = await stockedProduct(staff, { stock: 5 });
    const idempotencyKey = randomUUID();
    const first = await placedOrder(customer, { lines: [{ productId: product, quantity: 1 }], shippingAddressId: addressId, idempotencyKey });
    const second = await placedOrder(other, { lines: [{ productId: product, quantity: 1 }], shippingAddressId: await addressOf(other), idempotencyKey });
    expect(second.id).not.toBe(first.id);
    expect(second.user.id).toBe(other.userId);
  });

  it('refuses bad carts with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const product = await stockedProduct(staff, { stock: 5 });
    const cases: [Record<string, unknown>, string][] = [
      [{ lines: [] }, 'input.lines'],
      [{ lines: [{ productId: product, quantity: 0 }] }, 'input.lines.0.quantity'],
      [{ lines: [{ productId: product, quantity: 101 }] }, 'input.lines.0.quantity'],
      [{ lines: [{ productId: product, quantity: 60 }, { productId: product, quantity: 60 }] }, 'input.lines.0.quantity'],
      [{ lines: Array.from({ length: 51 }, () => ({ productId: product, quantity: 1 })) }, 'input.lines'],
      [{ lines: [{ productId: 'not-a-product', quantity: 1 }] }, 'input.lines.0.productId'],
      [{ lines: [{ productId: product, quantity: 1 }, { productId: randomUUID(), quantity: 1 }] }, 'input.lines.1.productId'],
      [{ lines: [{ productId: product, quantity: 1 }], idempotencyKey: 'k'.repeat(101) }, 'input.idempotencyKey'],
    ];
    for (const [input, field] of cases) {
      const result = await placeOrder(customer, { shippingAddressId: addressId, ...input } as never);
      expect(errorCodes(result), field).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.extensions!.field, JSON.stringify(input).slice(0, 80)).toBe(field);
    }
    expect(await stockOf(staff, product)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('refuses products that are not for sale or priced in another currency', async () => {
    const draft = await stockedProduct(staff, { stock: 5, status: 'DRAFT' });
    const dollars = await stockedProduct(staff, { stock: 5 });
    const euros = await stockedProduct(staff, { stock: 5, currency: 'EUR' });
    const notForSale = await placeOrder(customer, { lines: [{ productId: dollars, quantity: 1 }, { productId: draft, quantity: 1 }], shippingAddressId: addressId });
    expect(errorCodes(notForSale)).toEqual(['BAD_USER_INPUT']);
    expect(notForSale.errors![0]!.extensions).toMatchObject({ field: 'input.lines.1.productId', productIds: [draft] });
    const mixed = await placeOrder(customer, { lines: [{ productId: dollars, quantity: 1 }, { productId: euros, quantity: 1 }], shippingAddressId: addressId });
    expect(errorCodes(mixed)).toEqual(['BAD_USER_INPUT']);
    expect(await stockOf(staff, dollars)).toMatchObject({ reserved: 0 });
  });

  it('refuses an order beyond the stock with CONFLICT, holding nothing', async () => {
    const scarce = await stockedProduct(staff, { stock: 2 });
    const plenty = await stockedProduct(staff, { stock: 50 });
    const result = await placeOrder(customer, { lines: [{ productId: plenty, quantity: 5 }, { productId: scarce, quantity: 3 }], shippingAddressId: addressId });
    expect(errorCodes(result)).toEqual(['CONFLICT']);
    expect(result.errors![0]!.extensions).toMatchObject({ reason: 'OUT_OF_STOCK', productIds: [scarce] });
    expect(await stockOf(staff, plenty)).toMatchObject({ reserved: 0 });
    expect(await stockOf(staff, scarce)).toMatchObject({ reserved: 0 });
  });

  it("refuses another customer's address with NOT_FOUND, and anonymous callers with UNAUTHENTICATED", async () => {
    const stranger = await registerCustomer('stranger');
    const strangersAddress = await addressOf(stranger, { ...BERLIN, recipientName: 'Stranger' });
    const product = await stockedProduct(staff, { stock: 5 });
    const foreign = await placeOrder(customer, { lines: [{ productId: product, quantity: 1 }], shippingAddressId: strangersAddress });
    expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
    expect(foreign.errors![0]!.extensions!.field).toBe('input.shippingAddressId');
    const anonymous = await graphqlRequest(`mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`, {
      variables: { input: { lines: [{ productId: product, quantity: 1 }], shippingAddressId: addressId, idempotencyKey: randomUUID() } },
    });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(await stockOf(staff, product)).toMatchObject({ reserved: 0 });
  });

  it('sells a scarce product to exactly as many concurrent customers as there is stock', async () => {
    const scarce = await stockedProduct(staff, { stock: 3 });
    const buyers = await Promise.all(Array.from({ length: 8 }, (_, index) => registerCustomer(`rush-${index}`)));
    const addresses = await Promise.all(buyers.map((buyer) => addressOf(buyer)));
    const results = await Promise.all(buyers.map((buyer, index) => placeOrder(buyer, { lines: [{ productId: scarce, quantity: 1 }], shippingAddressId: addresses[index]! })));
    const placed = results.filter((result) => result.data?.placeOrder);
    expect(placed).toHaveLength(3);
    expect(results.filter((result) => errorCodes(result)[0] === 'CONFLICT')).toHaveLength(5);
    expect(await stockOf(staff, scarce)).toEqual({ onHand: 3, reserved: 3, available: 0 });
  });
});

describe('reading orders', () => {
  it('shows an order to its owner and staff only', async () => {
    const product = await stockedProduct(staff, { stock: 5 });
    const order = await placedOrder(customer, { lines: [{ productId: product, quantity: 1 }], shippingAddressId: addressId });
    const stranger = await registerCustomer('nosy');
    expect(errorCodes(await readOrder(stranger, order.id))).toEqual(['NOT_FOUND']);
    expect((await readOrder(staff, order.id)).data?.order.id).toBe(order.id);
    expect(errorCodes(await graphqlRequest(`query ($id: ID!) { order(id: $id) { id } }`, { variables: { id: order.id } }))).toEqual(['UNAUTHENTICATED']);
    // Nor through a mutation: cancelling someone else's order is NOT_FOUND too.
    expect(errorCodes(await graphqlRequest(CANCEL_ORDER, { token: stranger.accessToken, variables: { id: order.id } }))).toEqual(['NOT_FOUND']);
  });

  it('pages myOrders newest first, filtered by status, without gaps or repeats', async () => {
    const buyer = await registerCustomer('pager');
    const address = await addressOf(buyer);
    const product = await stockedProduct(staff, { stock: 20 });
    const placed: string[] = [];
    for (let index = 0; index < 5; index++) placed.push((await placedOrder(buyer, { lines: [{ productId: product, quantity: 1 }], shippingAddressId: address })).id);
    await graphqlRequest(CANCEL_ORDER, { token: buyer.accessToken, variables: { id: placed[1] } });

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await graphqlRequest(MY_ORDERS, { token: buyer.accessToken, variables: { first: 2, after } })).data?.myOrders;
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...placed].reverse());
    const cancelled = await graphqlRequest(MY_ORDERS, { token: buyer.accessToken, variables: { first: 10, status: 'CANCELLED' } });
    expect(cancelled.data?.myOrders.edges.map((edge: any) => edge.node.id)).toEqual([placed[1]]);
    expect(errorCodes(await graphqlRequest(MY_ORDERS, { token: buyer.accessToken, variables: { first: 101 } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await graphqlRequest(MY_ORDERS, { token: buyer.accessToken, variables: { first: 1, after: 'bogus' } }))).toEqual(['BAD_USER_INPUT']);
  });

  it('lists every order to staff, filtered by customer and status, and to no one else', async () => {
    const buyer = await registerCustomer('listed');
    const product = await stockedProduct(staff, { stock: 5 });
    const order = await placedOrder(buyer, { lines: [{ productId: product, quantity: 1 }], shippingAddressId: await addressOf(buyer) });
    const listed = await graphqlRequest(ALL_ORDERS, { token: staff.accessToken, variables: { filter: { userId: buyer.userId, status: 'PENDING_PAYMENT' }, first: 10 } });
    expect(listed.data?.orders.edges.map((edge: any) => edge.node)).toEqual([{ id: order.id, status: 'PENDING_PAYMENT', user: { id: buyer.userId } }]);
    expect(errorCodes(await graphqlRequest(ALL_ORDERS, { token: buyer.accessToken, variables: { first: 10 } }))).toEqual(['FORBIDDEN']);
  });
});

describe('order lifecycle', () => {
  it('lets the customer cancel before shipping, releasing the held stock', async () => {
    const product = await stockedProduct(staff, { stock: 4 });
    const order = await placedOrder(customer, { lines: [{ productId: product, quantity: 3 }], shippingAddressId: addressId });
    const cancelled = await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: order.id, reason: 'changed my mind' } });
    expect(cancelled.data?.cancelOrder).toMatchObject({ status: 'CANCELLED', paymentDueAt: null });
    expect(cancelled.data?.cancelOrder.history.at(-1)).toMatchObject({
      from: 'PENDING_PAYMENT',
      to: 'CANCELLED',
      actor: 'CUSTOMER',
      reason: 'changed my mind',
      changedBy: { id: customer.userId },
    });
    // Products releases the hold when it consumes order.cancelled.
    expect(await eventually(async () => (await stockOf(staff, product)).reserved === 0)).toBeTruthy();
    expect(await stockOf(staff, product)).toEqual({ onHand: 4, reserved: 0, available: 4 });

    const again = await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: order.id } });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('refuses staff transitions the state machine does not allow, with CONFLICT', async () => {
    const product = await stockedProduct(staff, { stock: 4 });
    const order = await placedOrder(customer, { lines: [{ productId: product, quantity: 1 }], shippingAddressId: addressId });
    for (const status of ['PAID', 'SHIPPED', 'DELIVERED', 'REFUNDED', 'PENDING_PAYMENT']) {
      const result = await graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: order.id, status } });
      expect(errorCodes(result), status).toEqual(['CONFLICT']);
    }
    expect(errorCodes(await graphqlRequest(UPDATE_STATUS, { token: customer.accessToken, variables: { id: order.id, status: 'CANCELLED' } }))).toEqual(['FORBIDDEN']);
    const unknown = await graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: randomUUID(), status: 'PROCESSING' } });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
    expect((await readOrder(customer, order.id)).data?.order.history).toHaveLength(1);
  });

  it('lets exactly one of two racing transitions win', async () => {
    const product = await stockedProduct(staff, { stock: 4 });
    const order = await placedOrder(customer, { lines: [{ productId: product, quantity: 1 }], shippingAddressId: addressId });
    const results = await Promise.all([
      graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: order.id, reason: 'customer' } }),
      graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: order.id, status: 'CANCELLED', reason: 'staff' } }),
      graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: order.id, reason: 'customer again' } }),
    ]);
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expect(results.flatMap(errorCodes)).toEqual(['CONFLICT', 'CONFLICT']);
    expect((await readOrder(customer, order.id)).data?.order.history.map((change: any) => change.to)).toEqual(['PENDING_PAYMENT', 'CANCELLED']);
  });
});
