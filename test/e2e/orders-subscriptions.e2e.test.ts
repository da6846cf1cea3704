import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { eventually } from '../support/admin';
import { errorCodes, graphqlRequest, testEnvironment } from '../support/clients';
import { addressOf, CANCEL_ORDER, closeOrderHelpers, placedOrder, publishPaymentEvent, stockedProduct, UPDATE_STATUS } from '../support/orders';
import { identityOf, startOrdersInstance, type OrdersInstance } from '../support/orders-instance';
import { asStaff } from '../support/staff';
import { subscribeToSubgraph, type SubgraphSubscription } from '../support/subgraph-subscriptions';

const WATCH = `subscription ($orderId: ID) {
  orderStatusChanged(orderId: $orderId) {
    order { id status paymentDueAt total { amount currency } lines { quantity product { id } } history { to } }
    change { from to reason actor changedBy { id } changedAt }
  }
}`;

let staff: SignedIn;
let customer: SignedIn;
let addressId: string;
let productId: string;
let second: OrdersInstance;
const open: SubgraphSubscription<any>[] = [];

beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('watcher')]);
  addressId = await addressOf(customer);
  productId = await stockedProduct(staff, { stock: 100, price: 500 });
  second = await startOrdersInstance();
});
afterAll(async () => {
  await Promise.all(open.map((subscription) => subscription.close()));
  await second?.stop();
  await closeOrderHelpers();
});

const ordersUrl = () => testEnvironment().env.ORDERS_URL!;
const newOrder = (buyer = customer, address = addressId) => placedOrder(buyer, { lines: [{ productId, quantity: 1 }], shippingAddressId: address });

/** Subscribes as the gateway would on behalf of `user` (null: anonymous), on the run's orders process unless `url` says otherwise. */
async function watch(user: SignedIn | null, orderId: string | null, url = ordersUrl()): Promise<SubgraphSubscription<any>> {
  const subscription = subscribeToSubgraph({
    url,
    query: WATCH,
    variables: { orderId },
    identity: user && identityOf(user),
    secret: testEnvironment().env.GATEWAY_SECRET!,
  });
  open.push(subscription);
  await subscription.connected();
  // Subscribed once the server has run the subscribe step; a short pause covers the hop.
  await subscription.nothingWithin(150);
  return subscription;
}

describe('orderStatusChanged', () => {
  it("streams the owner's order changes with the order as it is after each", async () => {
    const order = await newOrder();
    const watching = await watch(customer, order.id);
    await publishPaymentEvent('payment.succeeded', { paymentId: 'pay-1', orderId: order.id, amount: '500', currency: 'USD' });
    const paid = (await watching.next(5_000)).data!.orderStatusChanged;
    expect(paid.change).toMatchObject({ from: 'PENDING_PAYMENT', to: 'PAID', actor: 'SYSTEM', changedBy: null, reason: 'payment pay-1 succeeded' });
    expect(paid.order).toMatchObject({ id: order.id, status: 'PAID', paymentDueAt: null, total: { amount: 500, currency: 'USD' }, lines: [{ quantity: 1, product: { id: productId } }] });
    expect(paid.order.history.map((change: any) => change.to)).toEqual(['PENDING_PAYMENT', 'PAID']);

    await graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: order.id, status: 'PROCESSING', reason: 'packing' } });
    const processing = (await watching.next(5_000)).data!.orderStatusChanged;
    expect(processing.change).toMatchObject({ from: 'PAID', to: 'PROCESSING', actor: 'STAFF', changedBy: { id: staff.userId }, reason: 'packing' });
    expect(processing.order.status).toBe('PROCESSING');
    expect(processing.order.history.map((change: any) => change.to)).toEqual(['PENDING_PAYMENT', 'PAID', 'PROCESSING']);
  });

  it('completes at once when the watched order is already final', async () => {
    const order = await newOrder();
    await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: order.id } });
    const subscription = subscribeToSubgraph({ url: ordersUrl(), query: WATCH, variables: { orderId: order.id }, identity: identityOf(customer), secret: testEnvironment().env.GATEWAY_SECRET! });
    open.push(subscription);
    expect(await eventually(async () => subscription.completed, 5_000)).toBe(true);
    expect(subscription.errors).toEqual([]);
  });

  it('sends nothing about other orders to a customer watching theirs', async () => {
    const mine = await newOrder();
    const theirs = await newOrder();
    const watching = await watch(customer, mine.id);
    await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: theirs.id } });
    await watching.nothingWithin(1_000);
    await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: mine.id } });
    expect((await watching.next(5_000)).data!.orderStatusChanged.order.id).toBe(mine.id);
  });

  it('lets staff watch every order', async () => {
    const watching = await watch(staff, null);
    const buyer = await registerCustomer('watched-by-staff');
    const order = await newOrder(buyer, await addressOf(buyer));
    await graphqlRequest(CANCEL_ORDER, { token: buyer.accessToken, variables: { id: order.id } });
    const event = (await watching.next(5_000)).data!.orderStatusChanged;
    expect(event).toMatchObject({ order: { id: order.id, status: 'CANCELLED' }, change: { actor: 'CUSTOMER', changedBy: { id: buyer.userId } } });
  });

  it('refuses at subscribe time: anonymous, a foreign order, every order for a customer, and callers around the gateway', async () => {
    const order = await newOrder();
    const stranger = await registerCustomer('peeker');
    const refusals: [SignedIn | null, string | null, string][] = [
      [null, order.id, 'UNAUTHENTICATED'],
      [stranger, order.id, 'NOT_FOUND'],
      [customer, null, 'FORBIDDEN'],
    ];
    for (const [user, orderId, code] of refusals) {
      const subscription = subscribeToSubgraph({ url: ordersUrl(), query: WATCH, variables: { orderId }, identity: user && identityOf(user), secret: testEnvironment().env.GATEWAY_SECRET! });
      open.push(subscription);
      const result = await subscription.next(5_000);
      expect(errorCodes({ status: 200, ...result } as never), code).toEqual([code]);
      expect(await eventually(async () => subscription.completed, 2_000)).toBeTruthy();
    }
    const unsigned = subscribeToSubgraph({ url: ordersUrl(), query: WATCH, variables: { orderId: order.id }, identity: identityOf(customer), secret: null });
    open.push(unsigned);
    expect((await unsigned.closed()).code).toBe(4403);
  });

  it('ends the subscription at the next event once the session is revoked', async () => {
    const buyer = await registerCustomer('leaver');
    const order = await newOrder(buyer, await addressOf(buyer));
    const watching = await watch(buyer, order.id);
    const loggedOut = await graphqlRequest(`mutation { logout }`, { token: buyer.accessToken });
    expect(loggedOut.data?.logout).toBe(true);
    await graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: order.id, status: 'CANCELLED' } });
    const ended = await watching.next(5_000);
    expect(ended.data ?? null).toBeNull();
    expect((ended.errors as any[]).map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(await eventually(async () => watching.completed, 2_000)).toBeTruthy();
  });

  it('reaches subscribers on every orders instance, whichever instance made the change', async () => {
    const order = await newOrder();
    const onFirst = await watch(customer, order.id);
    const onSecond = await watch(customer, order.id, second.url);

    // Changed through the gateway (the run's orders process): the second instance's subscriber hears it.
    await publishPaymentEvent('payment.succeeded', { paymentId: 'pay-2', orderId: order.id, amount: '500', currency: 'USD' });
    for (const subscription of [onFirst, onSecond]) expect((await subscription.next(5_000)).data!.orderStatusChanged.change.to).toBe('PAID');

    // Changed through the second instance directly: the first instance's subscriber hears it.
    const cancelled = await second.request(`mutation ($id: ID!) { cancelOrder(id: $id, reason: "via second") { status } }`, { id: order.id }, identityOf(customer));
    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    for (const subscription of [onFirst, onSecond]) {
      expect((await subscription.next(5_000)).data!.orderStatusChanged.change).toMatchObject({ from: 'PAID', to: 'CANCELLED', reason: 'via second' });
      // CANCELLED is final: the watch completes.
      expect(await eventually(async () => subscription.completed, 2_000)).toBeTruthy();
    }
  });

  it('lets go of a subscription when the client completes it or disconnects', async () => {
    const health = async () =>
      ((await (await fetch(second.url.replace(/\/graphql$/, '/health'))).json()) as { subscriptions: { connections: number; active: number } }).subscriptions;
    const before = await health();
    const order = await newOrder();
    const watchers = await Promise.all([1, 2, 3].map(() => watch(customer, order.id, second.url)));
    expect(await health()).toEqual({ connections: before.connections + 3, active: before.active + 3 });
    await Promise.all(watchers.map((watcher) => watcher.close()));
    expect(await eventually(async () => JSON.stringify(await health()) === JSON.stringify(before))).toBeTruthy();
    expect(await health()).toEqual(before);
  });
});
