import { randomUUID } from 'node:crypto';
import { newEventId } from '#kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { eventually } from '../support/admin';
import { controlService, domainDatabase, errorCodes, graphqlRequest } from '../support/clients';
import {
  addressOf,
  CANCEL_ORDER,
  closeOrderHelpers,
  orderEventsOf,
  placedOrder,
  paymentEventsHandled,
  publishPaymentEvent,
  readOrder,
  stockedProduct,
  stockOf,
  UPDATE_STATUS,
} from '../support/orders';
import { identityOf, startOrdersInstance } from '../support/orders-instance';
import { asStaff } from '../support/staff';

let staff: SignedIn;
let customer: SignedIn;
let addressId: string;
beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('payer')]);
  addressId = await addressOf(customer);
});
afterAll(() => closeOrderHelpers());

const statusOf = async (id: string) => (await readOrder(customer, id)).data?.order.status as string;
const historyOf = async (id: string) => (await readOrder(customer, id)).data?.order.history as Record<string, any>[];
const succeeded = (order: Record<string, any>, paymentId: string = randomUUID()) => ({ paymentId, orderId: order.id, amount: String(order.total.amount), currency: order.total.currency });

/** Waits until the orders domain has handled the payment event `eventId` (its processed_events row). */
async function eventHandled(eventId: string): Promise<void> {
  const db = await domainDatabase('orders');
  try {
    const handled = await eventually(async () => (await db.query('SELECT 1 FROM processed_events WHERE event_id = ?', [eventId])).length === 1);
    expect(handled, `payment event ${eventId} handled`).toBe(true);
  } finally {
    await db.end();
  }
}

async function orderOf(quantity: number, stock = 10) {
  const productId = await stockedProduct(staff, { stock, price: 700 });
  const order = await placedOrder(customer, { lines: [{ productId, quantity }], shippingAddressId: addressId });
  return { order, productId };
}

describe('payment events move orders', () => {
  it('pays an order when its payment succeeds, and products takes the stock out', async () => {
    const { order, productId } = await orderOf(3);
    const soldCount = async () => (await graphqlRequest(`query ($id: ID!) { product(id: $id) { soldCount } }`, { variables: { id: productId } })).data?.product.soldCount;
    expect(await soldCount()).toBe(0); // placed is not sold
    const payment = succeeded(order);
    await publishPaymentEvent('payment.succeeded', payment);
    expect(await eventually(async () => (await statusOf(order.id)) === 'PAID')).toBeTruthy();
    const read = (await readOrder(customer, order.id)).data?.order;
    expect(read.paymentDueAt).toBeNull();
    expect(read.history.at(-1)).toMatchObject({ from: 'PENDING_PAYMENT', to: 'PAID', actor: 'SYSTEM', changedBy: null, reason: `payment ${payment.paymentId} succeeded` });
    expect(await eventually(async () => (await stockOf(staff, productId)).onHand === 7)).toBeTruthy();
    expect(await stockOf(staff, productId)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect(await soldCount()).toBe(3);
  });

  it('changes nothing twice when payment events are redelivered', async () => {
    const { order } = await orderOf(1);
    const envelope = await publishPaymentEvent('payment.succeeded', succeeded(order));
    // The same event again, past JetStream's de-duplication (another Nats-Msg-Id), as a redelivery would be.
    for (let copy = 0; copy < 3; copy++) await publishPaymentEvent(envelope.type, envelope.data, { envelope, msgId: randomUUID() });
    expect(await eventually(async () => (await statusOf(order.id)) === 'PAID')).toBeTruthy();
    await graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: order.id, status: 'PROCESSING' } });
    const refund = await publishPaymentEvent('payment.refunded', { ...(envelope.data as object), fullyRefunded: true });
    expect(await eventually(async () => (await statusOf(order.id)) === 'REFUNDED')).toBeTruthy();
    for (let copy = 0; copy < 2; copy++) await publishPaymentEvent(refund.type, refund.data, { envelope: refund, msgId: randomUUID() });
    // Every copy was delivered and acknowledged; each was skipped as already processed.
    expect(await eventually(paymentEventsHandled)).toBeTruthy();
    expect((await historyOf(order.id)).map((change) => change.to)).toEqual(['PENDING_PAYMENT', 'PAID', 'PROCESSING', 'REFUNDED']);
  });

  it('cancels the order and releases its stock when the payment fails', async () => {
    const { order, productId } = await orderOf(2);
    await publishPaymentEvent('payment.failed', { paymentId: 'pay-declined', orderId: order.id, reason: 'card declined' });
    expect(await eventually(async () => (await statusOf(order.id)) === 'CANCELLED')).toBeTruthy();
    expect((await historyOf(order.id)).at(-1)).toMatchObject({ to: 'CANCELLED', actor: 'SYSTEM', reason: 'payment pay-declined failed: card declined' });
    expect(await eventually(async () => (await stockOf(staff, productId)).reserved === 0)).toBeTruthy();
    expect(await stockOf(staff, productId)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('rejects, for a refund, a payment of another amount, one after the payment window, and a second payment', async () => {
    const { order } = await orderOf(1);
    const wrongAmount = await publishPaymentEvent('payment.succeeded', { ...succeeded(order), amount: '1' });
    const late = await publishPaymentEvent('payment.succeeded', succeeded(order), {
      envelope: { id: newEventId(), type: 'payment.succeeded', occurredAt: new Date(Date.parse(order.paymentDueAt) + 1_000).toISOString(), data: succeeded(order, 'pay-late') },
    });
    await eventHandled(late.id);
    expect(await statusOf(order.id)).toBe('PENDING_PAYMENT');

    const first = succeeded(order, 'pay-first');
    await publishPaymentEvent('payment.succeeded', first);
    expect(await eventually(async () => (await statusOf(order.id)) === 'PAID')).toBe(true);
    // The same payment reported again (a new event, not a redelivery) changes nothing; another payment is rejected.
    await publishPaymentEvent('payment.succeeded', first);
    const second = await publishPaymentEvent('payment.succeeded', succeeded(order, 'pay-second'));
    await eventHandled(second.id);

    // Recorded in the consumer's transaction; the relay publishes at its next pass.
    const rejectionsOf = async () => (await orderEventsOf(order.id)).filter((event) => event.type === 'order.payment_rejected');
    expect(await eventually(async () => (await rejectionsOf()).length === 3)).toBe(true);
    const rejected = await rejectionsOf();
    expect(rejected.map((event) => [event.data.paymentId, event.data.reason, event.data.orderStatus])).toEqual([
      [(wrongAmount.data as { paymentId: string }).paymentId, 'AMOUNT_MISMATCH', 'PENDING_PAYMENT'],
      ['pay-late', 'PAYMENT_LATE', 'PENDING_PAYMENT'],
      ['pay-second', 'ORDER_NOT_PAYABLE', 'PAID'],
    ]);
    expect(rejected[0]!.data).toMatchObject({ orderId: order.id, userId: customer.userId, amount: '1', currency: 'USD' });
    expect((await historyOf(order.id)).map((change) => change.to)).toEqual(['PENDING_PAYMENT', 'PAID']);
  });

  it('ignores events for unknown orders', async () => {
    const unknown = await publishPaymentEvent('payment.failed', { paymentId: 'stray', orderId: randomUUID() });
    await eventHandled(unknown.id);
    // Acknowledged just after its transaction commits: the consumer keeps no event pending or unacked.
    expect(await eventually(paymentEventsHandled)).toBe(true);
  });

  it('moves a paid order to delivery, and puts the stock back when a paid order is cancelled', async () => {
    const shipped = await orderOf(1);
    await publishPaymentEvent('payment.succeeded', succeeded(shipped.order));
    expect(await eventually(async () => (await statusOf(shipped.order.id)) === 'PAID')).toBeTruthy();
    for (const status of ['PROCESSING', 'SHIPPED', 'DELIVERED']) {
      const moved = await graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: shipped.order.id, status, reason: `now ${status}` } });
      expect(moved.data?.updateOrderStatus.status).toBe(status);
      expect(moved.data?.updateOrderStatus.history.at(-1)).toMatchObject({ to: status, actor: 'STAFF', changedBy: { id: staff.userId }, reason: `now ${status}` });
    }
    expect(errorCodes(await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: shipped.order.id } }))).toEqual(['CONFLICT']);

    const regretted = await orderOf(4);
    await publishPaymentEvent('payment.succeeded', succeeded(regretted.order));
    expect(await eventually(async () => (await stockOf(staff, regretted.productId)).onHand === 6)).toBeTruthy();
    const cancelled = await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: regretted.order.id } });
    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    expect(await eventually(async () => (await stockOf(staff, regretted.productId)).onHand === 10)).toBeTruthy();
    expect(await stockOf(staff, regretted.productId)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('cancels an order left unpaid past its window and releases its stock', async () => {
    const { order, productId } = await orderOf(5);
    const db = await domainDatabase('orders');
    try {
      // Instead of waiting out the run's 600 s window, the order's deadline is moved into the past.
      await db.query('UPDATE orders SET payment_due_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?', [order.id]);
    } finally {
      await db.end();
    }
    expect(await eventually(async () => (await statusOf(order.id)) === 'CANCELLED')).toBeTruthy();
    expect((await historyOf(order.id)).at(-1)).toMatchObject({ from: 'PENDING_PAYMENT', to: 'CANCELLED', actor: 'SYSTEM', reason: 'payment not received in time' });
    expect(await eventually(async () => (await stockOf(staff, productId)).reserved === 0)).toBeTruthy();
    // A payment that lands after the timeout does not revive the order: it is rejected for a refund.
    const tooLate = await publishPaymentEvent('payment.succeeded', succeeded(order, 'pay-too-late'));
    await eventHandled(tooLate.id);
    expect(await statusOf(order.id)).toBe('CANCELLED');
    const rejectionsOf = async () => (await orderEventsOf(order.id)).filter((event) => event.type === 'order.payment_rejected');
    expect(await eventually(async () => (await rejectionsOf()).length > 0)).toBe(true);
    expect((await rejectionsOf()).map((event) => event.data.reason)).toEqual(['ORDER_NOT_PAYABLE']);
  });
});

describe('order events', () => {
  it('publishes order.placed, order.status_changed and order.cancelled once each', async () => {
    const { order } = await orderOf(1);
    await graphqlRequest(CANCEL_ORDER, { token: customer.accessToken, variables: { id: order.id, reason: 'test' } });
    expect(await eventually(async () => (await orderEventsOf(order.id)).length === 3)).toBeTruthy();
    const events = await orderEventsOf(order.id);
    expect(events.map((event) => event.type)).toEqual(['order.placed', 'order.status_changed', 'order.cancelled']);
    expect(events[0]!.data).toMatchObject({ orderId: order.id, userId: customer.userId, status: 'PENDING_PAYMENT', total: { amount: '700', currency: 'USD' } });
    expect(events[1]!.data).toMatchObject({ from: 'PENDING_PAYMENT', to: 'CANCELLED', reason: 'test', actor: { kind: 'CUSTOMER', userId: customer.userId } });
    expect(events[2]!.data).toMatchObject({ from: 'PENDING_PAYMENT', reason: 'test', reservationId: events[0]!.data.reservationId });
  });

  it('loses no event when the publishing process dies between commit and publish', async () => {
    const productId = await stockedProduct(staff, { stock: 5 });
    // Only one orders process remains, and it does not publish: its events stay in the outbox.
    await controlService('orders', 'stop');
    const silent = await startOrdersInstance({ OUTBOX_RELAY: 'off' });
    let orderId: string;
    try {
      const placed = await silent.request(
        `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
        { input: { lines: [{ productId, quantity: 2 }], shippingAddressId: addressId, idempotencyKey: randomUUID() } },
        identityOf(customer),
      );
      expect(placed.errors).toBeUndefined();
      orderId = placed.data!.placeOrder.id;
      const db = await domainDatabase('orders');
      try {
        const rows = await db.query(`SELECT type, published_at FROM outbox_events WHERE JSON_VALUE(payload, '$.data.orderId') = ?`, [orderId]);
        expect(rows).toEqual([{ type: 'order.placed', published_at: null }]);
      } finally {
        await db.end();
      }
      await silent.stop('SIGKILL');
      expect(await orderEventsOf(orderId)).toEqual([]);
    } finally {
      await silent.stop('SIGKILL');
      await controlService('orders', 'start');
    }
    // The restarted process's relay finds the committed, unpublished event and publishes it once.
    expect(await eventually(async () => (await orderEventsOf(orderId)).length > 0)).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await orderEventsOf(orderId)).map((event) => event.type)).toEqual(['order.placed']);
    expect(await statusOf(orderId)).toBe('PENDING_PAYMENT');
  });
});
