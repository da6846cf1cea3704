import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { eventually } from '../support/admin';
import { domainDatabase, errorCodes, graphqlRequest, testEnvironment } from '../support/clients';
import { addressOf, CANCEL_ORDER, closeOrderHelpers, placedOrder, readOrder, stockedProduct, stockOf } from '../support/orders';
import { identityOf } from '../support/orders-instance';
import { createPayment, postWebhook, readPayment, REFUND, VERIFY } from '../support/payments';
import { asStaff } from '../support/staff';
import { subscribeToSubgraph, type SubgraphSubscription } from '../support/subgraph-subscriptions';
import { signSimulatorPayload } from '../../subgraphs/payments/src/provider/simulator.provider';

let staff: SignedIn;
let customer: SignedIn;
let addressId: string;
const open: SubgraphSubscription<any>[] = [];

beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('payer')]);
  addressId = await addressOf(customer);
});
afterAll(async () => {
  await Promise.all(open.map((subscription) => subscription.close()));
  await closeOrderHelpers();
});

async function newOrder(buyer = customer, address = addressId, price = 2500, quantity = 2) {
  const productId = await stockedProduct(staff, { stock: 10, price });
  const order = await placedOrder(buyer, { lines: [{ productId, quantity }], shippingAddressId: address });
  return { order, productId };
}

const orderStatus = async (id: string, user = customer) => (await readOrder(user, id)).data?.order.status as string;
const paymentStatus = async (id: string, user: SignedIn = customer) => (await readPayment(user, id))?.status as string;

async function paid(token: string | null = 'sim_success') {
  const { order, productId } = await newOrder();
  const created = await createPayment(customer, { orderId: order.id, paymentToken: token });
  expect(created.errors).toBeUndefined();
  return { order, productId, payment: created.data!.createPayment };
}

async function logEntries(paymentId: string): Promise<{ kind: string; payload: string }[]> {
  const db = await domainDatabase('payments');
  try {
    return await db.query('SELECT kind, CAST(payload AS CHAR) AS payload FROM payment_log_entries WHERE payment_id = ? ORDER BY id', [paymentId]);
  } finally {
    await db.end();
  }
}

/** A webhook body for `intentId`, signed with the run's simulator secret unless told otherwise. */
function delivery(intentId: string, type: string, options: { amount?: string; secret?: string; atMs?: number; id?: string } = {}) {
  const body = JSON.stringify({
    id: options.id ?? `evt_test_${randomUUID()}`,
    type,
    created: Math.floor((options.atMs ?? Date.now()) / 1000),
    data: { intentId, amount: options.amount ?? '5000', currency: 'USD', ...(type === 'payment.failed' && { failureReason: 'card_declined' }) },
  });
  const signature = signSimulatorPayload(body, options.secret ?? testEnvironment().env.PAYMENT_SIMULATOR_SECRET!, options.atMs ?? Date.now());
  return { body, headers: { 'simulator-signature': signature } };
}

async function providerRefOf(paymentId: string): Promise<string> {
  const db = await domainDatabase('payments');
  try {
    const [row] = await db.query('SELECT provider_ref FROM payments WHERE id = ?', [paymentId]);
    return row.provider_ref;
  } finally {
    await db.end();
  }
}

describe('paying an order', () => {
  it('captures through the simulator webhook and pays the order, seen live by its subscriber', async () => {
    const { order, productId } = await newOrder();
    const watching = subscribeToSubgraph({
      url: testEnvironment().env.ORDERS_URL!,
      query: `subscription ($id: ID) { orderStatusChanged(orderId: $id) { order { id status } change { from to actor } } }`,
      variables: { id: order.id },
      identity: identityOf(customer),
      secret: testEnvironment().env.GATEWAY_SECRET!,
    });
    open.push(watching);
    await watching.connected();
    await watching.nothingWithin(150);

    const created = await createPayment(customer, { orderId: order.id, paymentToken: 'sim_success' });
    expect(created.errors).toBeUndefined();
    const payment = created.data!.createPayment;
    expect(payment).toMatchObject({ status: 'PENDING', method: 'CARD', provider: 'simulator', amount: { amount: 5000, currency: 'USD' }, capturedAmount: { amount: 0 }, order: { id: order.id } });

    const event = (await watching.next(10_000)).data!.orderStatusChanged;
    expect(event).toEqual({ order: { id: order.id, status: 'PAID' }, change: { from: 'PENDING_PAYMENT', to: 'PAID', actor: 'SYSTEM' } });
    expect(await readPayment(customer, payment.id)).toMatchObject({ status: 'CAPTURED', capturedAmount: { amount: 5000 }, refundedAmount: { amount: 0 } });
    const viaOrder = await graphqlRequest(`query ($id: ID!) { order(id: $id) { status payment { id status } } }`, { token: customer.accessToken, variables: { id: order.id } });
    expect(viaOrder.data?.order).toEqual({ status: 'PAID', payment: { id: payment.id, status: 'CAPTURED' } });
    expect(await eventually(async () => (await stockOf(staff, productId)).onHand === 8)).toBe(true);

    // Every provider request, response and webhook is in the transaction log, without the token.
    const entries = await logEntries(payment.id);
    const count = (kind: string) => entries.filter((entry) => entry.kind === kind).length;
    expect({ requests: count('PROVIDER_REQUEST'), responses: count('PROVIDER_RESPONSE'), webhooks: count('WEBHOOK') }).toEqual({ requests: 1, responses: 1, webhooks: 2 });
    expect(entries.filter((entry) => entry.kind === 'STATE_CHANGE').map((entry) => JSON.parse(entry.payload).to)).toEqual(['PENDING', 'AUTHORIZED', 'CAPTURED']);
    expect(entries.some((entry) => entry.payload.includes('sim_success'))).toBe(false);
    expect(entries.find((entry) => entry.kind === 'PROVIDER_REQUEST')!.payload).toContain('[redacted]');
  });

  it('cancels the order when the provider declines', async () => {
    const { order, payment } = await paid('sim_decline');
    expect(await eventually(async () => (await paymentStatus(payment.id)) === 'FAILED')).toBe(true);
    expect((await readPayment(customer, payment.id))?.failureReason).toBe('card_declined');
    expect(await eventually(async () => (await orderStatus(order.id)) === 'CANCELLED')).toBe(true);
  });

  it('applies each provider event once when the webhook comes twice', async () => {
    const { order, payment } = await paid('sim_duplicate');
    expect(await eventually(async () => (await orderStatus(order.id)) === 'PAID')).toBe(true);
    // Two events, each delivered twice: the duplicates are logged nowhere and change nothing.
    expect(await eventually(async () => (await logEntries(payment.id)).filter((entry) => entry.kind === 'WEBHOOK').length === 2)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const entries = await logEntries(payment.id);
    expect(entries.filter((entry) => entry.kind === 'WEBHOOK')).toHaveLength(2);
    expect(entries.filter((entry) => entry.kind === 'STATE_CHANGE').map((entry) => JSON.parse(entry.payload).to)).toEqual(['PENDING', 'AUTHORIZED', 'CAPTURED']);
  });

  it('never moves a payment backwards when events arrive out of order', async () => {
    const { order, payment } = await paid('sim_out_of_order');
    expect(await eventually(async () => (await orderStatus(order.id)) === 'PAID')).toBe(true);
    expect(await eventually(async () => (await logEntries(payment.id)).filter((entry) => entry.kind === 'WEBHOOK').length === 2)).toBe(true);
    expect(await paymentStatus(payment.id)).toBe('CAPTURED');
    // A late, genuinely signed failure for the captured payment is stale too.
    const late = delivery(await providerRefOf(payment.id), 'payment.failed');
    expect((await postWebhook(late.body, late.headers)).status).toBe(200);
    expect(await paymentStatus(payment.id)).toBe('CAPTURED');
    expect(await orderStatus(order.id)).toBe('PAID');
  });

  it('reconciles with the provider when the webhook never comes (verifyPayment)', async () => {
    const { order, payment } = await paid('sim_timeout');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await paymentStatus(payment.id)).toBe('PENDING');
    const verified = await graphqlRequest(VERIFY, { token: customer.accessToken, variables: { id: payment.id } });
    expect(verified.data?.verifyPayment).toMatchObject({ status: 'CAPTURED', capturedAmount: { amount: 5000 } });
    expect(await eventually(async () => (await orderStatus(order.id)) === 'PAID')).toBe(true);
    // Verifying again changes nothing.
    expect((await graphqlRequest(VERIFY, { token: customer.accessToken, variables: { id: payment.id } })).data?.verifyPayment.status).toBe('CAPTURED');
  });
});

describe('the webhook route', () => {
  it('refuses forged, unsigned, stale and malformed deliveries, changing nothing', async () => {
    const { order, payment } = await paid('sim_timeout');
    const intentId = await providerRefOf(payment.id);
    const forged = delivery(intentId, 'payment.captured', { secret: 'not-the-simulator-secret-at-all' });
    expect((await postWebhook(forged.body, forged.headers)).status).toBe(401);
    const unsigned = delivery(intentId, 'payment.captured');
    expect((await postWebhook(unsigned.body, {})).status).toBe(401);
    const stale = delivery(intentId, 'payment.captured', { atMs: Date.now() - 10 * 60_000 });
    expect((await postWebhook(stale.body, stale.headers)).status).toBe(401);
    const tampered = delivery(intentId, 'payment.captured');
    expect((await postWebhook(tampered.body.replace('5000', '1'), tampered.headers)).status).toBe(401);
    const garbage = '{"not":"an event"}';
    expect((await postWebhook(garbage, { 'simulator-signature': signSimulatorPayload(garbage, testEnvironment().env.PAYMENT_SIMULATOR_SECRET!) })).status).toBe(400);

    expect(await paymentStatus(payment.id)).toBe('PENDING');
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
    expect((await logEntries(payment.id)).filter((entry) => entry.kind === 'WEBHOOK')).toHaveLength(0);

    // The genuine article, then the same delivery replayed: applied once.
    const genuine = delivery(intentId, 'payment.captured');
    expect((await postWebhook(genuine.body, genuine.headers)).status).toBe(200);
    expect((await postWebhook(genuine.body, genuine.headers)).status).toBe(200);
    expect(await paymentStatus(payment.id)).toBe('CAPTURED');
    expect((await logEntries(payment.id)).filter((entry) => entry.kind === 'WEBHOOK')).toHaveLength(1);
  });
});

describe('createPayment', () => {
  it('returns the same payment for a repeated key, and allows one live payment per order', async () => {
    const { order } = await newOrder();
    const idempotencyKey = randomUUID();
    const [first, again] = await Promise.all([
      createPayment(customer, { orderId: order.id, paymentToken: 'sim_timeout', idempotencyKey }),
      createPayment(customer, { orderId: order.id, paymentToken: 'sim_timeout', idempotencyKey }),
    ]);
    expect(first.data?.createPayment.id).toBeDefined();
    expect(again.data?.createPayment.id).toBe(first.data?.createPayment.id);
    const second = await createPayment(customer, { orderId: order.id, paymentToken: 'sim_timeout' });
    expect(errorCodes(second)).toEqual(['CONFLICT']);
    const otherOrder = await createPayment(customer, { orderId: (await newOrder()).order.id, idempotencyKey });
    expect(errorCodes(otherOrder)).toEqual(['CONFLICT']);
  });

  it("refuses another customer's order and payment, an order not waiting for payment, and a token the provider refuses", async () => {
    const { order } = await newOrder();
    const stranger = await registerCustomer('not-the-payer');
    expect(errorCodes(await createPayment(stranger, { orderId: order.id }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await createPayment(customer, { orderId: randomUUID() }))).toEqual(['NOT_FOUND']);

    const refused = await createPayment(customer, { orderId: order.id, paymentToken: 'tok_unknown' });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions!.field).toBe('input.paymentToken');
    // The refusal collected nothing and leaves the order payable.
    const payment = (await createPayment(customer, { orderId: order.id, paymentToken: 'sim_timeout' })).data?.createPayment;
    expect(payment.status).toBe('PENDING');
    expect(errorCodes(await graphqlRequest(`query ($id: ID!) { payment(id: $id) { id } }`, { token: stranger.accessToken, variables: { id: payment.id } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await graphqlRequest(VERIFY, { token: stranger.accessToken, variables: { id: payment.id } }))).toEqual(['NOT_FOUND']);

    const { order: cancelled } = await newOrder();
    await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: cancelled.id } });
    expect(errorCodes(await createPayment(customer, { orderId: cancelled.id }))).toEqual(['CONFLICT']);
    expect(errorCodes(await createPayment(customer, { orderId: order.id, idempotencyKey: 'k'.repeat(101) }))).toEqual(['BAD_USER_INPUT']);
  });

  it('keeps a refused payment refused when its key is sent again, whatever the token', async () => {
    const { order } = await newOrder();
    const idempotencyKey = randomUUID();
    const refused = await createPayment(customer, { orderId: order.id, paymentToken: 'tok_unknown', idempotencyKey });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    const again = await createPayment(customer, { orderId: order.id, paymentToken: 'sim_success', idempotencyKey });
    expect(again.data?.createPayment).toMatchObject({ status: 'FAILED', capturedAmount: { amount: 0 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await paymentStatus(again.data!.createPayment.id)).toBe('FAILED');
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
  });
});

describe('refunds', () => {
  it('refunds in parts, refuses more than was captured, is idempotent, and refunds the order when complete', async () => {
    const { order, payment } = await paid();
    expect(await eventually(async () => (await orderStatus(order.id)) === 'PAID')).toBe(true);
    const refund = (input: Record<string, unknown>, user = staff) =>
      graphqlRequest(REFUND, { token: user.accessToken, variables: { input: { paymentId: payment.id, idempotencyKey: randomUUID(), ...input } } });

    expect(errorCodes(await refund({ amount: 1000 }, customer))).toEqual(['FORBIDDEN']);
    const partialKey = randomUUID();
    const partial = await refund({ amount: 1500, reason: 'one item damaged', idempotencyKey: partialKey });
    expect(partial.data?.refundPayment).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: { amount: 1500 },
      refunds: [{ amount: { amount: 1500 }, reason: 'one item damaged', requestedBy: { id: staff.userId } }],
    });
    // Customers do not learn which staff member refunded.
    expect((await readPayment(customer, payment.id))?.refunds).toEqual([{ amount: { amount: 1500 }, reason: 'one item damaged', requestedBy: null }]);
    // The same key again: the same refund, not a second one.
    expect((await refund({ amount: 1500, idempotencyKey: partialKey })).data?.refundPayment.refundedAmount.amount).toBe(1500);
    expect(errorCodes(await refund({ amount: 1500, idempotencyKey: partialKey, reason: 'x' })).length).toBe(0);
    expect(errorCodes(await refund({ amount: 3501 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await refund({ amount: 0 }))).toEqual(['BAD_USER_INPUT']);
    expect(await orderStatus(order.id)).toBe('PAID');

    const rest = await refund({});
    expect(rest.data?.refundPayment).toMatchObject({ status: 'REFUNDED', refundedAmount: { amount: 5000 } });
    expect(errorCodes(await refund({ amount: 1 }))).toEqual(['CONFLICT']);
    expect(await eventually(async () => (await orderStatus(order.id)) === 'REFUNDED')).toBe(true);
    // The provider's refund webhooks arrive too, and change nothing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await readPayment(customer, payment.id))?.refundedAmount.amount).toBe(5000);
  });

  it('refunds concurrent requests only up to what was captured', async () => {
    const { order, payment } = await paid();
    expect(await eventually(async () => (await orderStatus(order.id)) === 'PAID')).toBe(true);
    const attempts = await Promise.all(
      Array.from({ length: 4 }, () => graphqlRequest(REFUND, { token: staff.accessToken, variables: { input: { paymentId: payment.id, amount: 1500, idempotencyKey: randomUUID() } } })),
    );
    // 3 × 1500 fit in 5000; the fourth finds only 500 left, whichever order they ran in.
    expect(attempts.filter((attempt) => attempt.data?.refundPayment)).toHaveLength(3);
    expect(attempts.flatMap(errorCodes)).toEqual(['BAD_USER_INPUT']);
    expect(await readPayment(staff, payment.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 4500 } });
  });

  it('finds and refunds money collected for an order cancelled unpaid (a webhook that never came)', async () => {
    const { order, payment } = await paid('sim_timeout');
    await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: order.id } });
    // Payments asks the provider about the order's open payment (when the order is cancelled,
    // and again while it stays open): captured after all, so it records the capture, orders
    // rejects the payment (ORDER_NOT_PAYABLE), and payments refunds it.
    expect(await eventually(async () => (await paymentStatus(payment.id)) === 'REFUNDED', 15_000)).toBe(true);
    expect(await readPayment(customer, payment.id)).toMatchObject({ capturedAmount: { amount: 5000 }, refundedAmount: { amount: 5000 } });
    expect(await orderStatus(order.id)).toBe('CANCELLED');
  });

  it('refunds by itself when a paid order is cancelled', async () => {
    const { order, payment } = await paid();
    expect(await eventually(async () => (await orderStatus(order.id)) === 'PAID')).toBe(true);
    await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: order.id, reason: 'no longer needed' } });
    expect(await eventually(async () => (await paymentStatus(payment.id)) === 'REFUNDED')).toBe(true);
    expect((await readPayment(customer, payment.id))?.refunds).toEqual([{ amount: { amount: 5000 }, reason: 'order cancelled: no longer needed', requestedBy: null }]);
    expect(await orderStatus(order.id)).toBe('CANCELLED');
  });
});
