/**
 * Stock follows the orders domain's events: products' durable consumer commits a paid
 * order's reservation, releases an unpaid cancelled one, and puts a paid cancelled one's
 * units back on hand, each exactly once however often the event is delivered. The events
 * are published here straight to the orders stream, the way orders' outbox relay does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventId } from '#kernel';
import { type SignedIn } from '../support/accounts';
import { eventually } from '../support/admin';
import { domainDatabase, graphqlRequest, testEnvironment } from '../support/clients';
import { asStaff } from '../support/staff';

const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const ADJUST = `mutation ($id: ID!, $delta: Int!) { adjustInventory(productId: $id, delta: $delta, reason: "order events test") { onHand } }`;
const STOCK = `query ($id: ID!) { product(id: $id) { inventory { onHand reserved available } } }`;

type Stock = { onHand: number; reserved: number; available: number };
type Envelope = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };

let nats: NatsConnection;
let js: JetStreamClient;
let staff: SignedIn;
const prefix = () => testEnvironment().env.EVENTS_PREFIX;

beforeAll(async () => {
  nats = await connect({ servers: testEnvironment().env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  js = nats.jetstream();
  staff = await asStaff();
});
afterAll(async () => {
  await nats?.close();
});

async function stockedProduct(onHand: number): Promise<string> {
  const input = { name: 'Ordered', slug: `ordered-${randomBytes(4).toString('hex')}`, price: { amount: 1500, currency: 'USD' }, status: 'ACTIVE' };
  const id = (await graphqlRequest(CREATE_PRODUCT, { token: staff.accessToken, variables: { input } })).data?.createProduct.id;
  if (!id) throw new Error('createProduct failed');
  await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: onHand } });
  return id;
}

const stock = async (id: string): Promise<Stock> => (await graphqlRequest(STOCK, { token: staff.accessToken, variables: { id } })).data?.product.inventory;

/** Waits until the product's stock is `expected` (the consumer works asynchronously). */
async function stockBecomes(id: string, expected: Stock): Promise<void> {
  await eventually(async () => JSON.stringify(await stock(id)) === JSON.stringify(expected));
  expect(await stock(id)).toEqual(expected);
}

/** An order of `quantity` units of `productId`, with its stock held as orders would hold it. */
async function placedOrder(productId: string, quantity: number) {
  const subject = `${prefix()}.rpc.products.reserve`;
  const body = { idempotencyKey: `order-${randomUUID()}`, lines: [{ productId, quantity }] };
  const reply = JSON.parse(new TextDecoder().decode((await nats.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeout: 10_000 })).data));
  if (!reply.ok) throw new Error(`reserve failed: ${JSON.stringify(reply)}`);
  return { orderId: randomUUID(), userId: randomUUID(), reservationId: reply.reservation.id as string };
}

type Order = Awaited<ReturnType<typeof placedOrder>>;
const actor = { kind: 'SYSTEM', userId: null };

const paid = (order: Order): Envelope => envelope('order.status_changed', {
  ...order,
  from: 'PENDING_PAYMENT',
  to: 'PAID',
  reason: null,
  actor,
  changedAt: new Date().toISOString(),
});

const cancelled = (order: Order, from: string): Envelope => envelope('order.cancelled', {
  ...order,
  from,
  reason: 'changed my mind',
  actor: { kind: 'CUSTOMER', userId: order.userId },
  total: { amount: '4500', currency: 'USD' },
  cancelledAt: new Date().toISOString(),
});

function envelope(type: string, data: Record<string, unknown>): Envelope {
  return { id: newEventId(), type, occurredAt: new Date().toISOString(), data };
}

/** Publishes to the orders stream; a fresh `msgID` per call, so JetStream keeps a repeat of the same envelope. */
async function publish(event: Envelope): Promise<void> {
  await js.publish(`${prefix()}.orders.${event.type}`, new TextEncoder().encode(JSON.stringify(event)), { msgID: randomUUID() });
}

async function reservationStatus(reservationId: string): Promise<string> {
  const db = await domainDatabase('products');
  try {
    const [row] = await db.query('SELECT status FROM reservations WHERE id = ?', [reservationId]);
    return row.status;
  } finally {
    await db.end();
  }
}

describe('products on order events', () => {
  it('turns a paid order\'s reservation into a sale', async () => {
    const productId = await stockedProduct(10);
    const order = await placedOrder(productId, 3);
    expect(await stock(productId)).toEqual({ onHand: 10, reserved: 3, available: 7 });

    await publish(paid(order));
    await stockBecomes(productId, { onHand: 7, reserved: 0, available: 7 });
    expect(await reservationStatus(order.reservationId)).toBe('COMMITTED');
  });

  it('releases the reservation of an order cancelled before payment', async () => {
    const productId = await stockedProduct(10);
    const order = await placedOrder(productId, 4);

    await publish(cancelled(order, 'PENDING_PAYMENT'));
    await stockBecomes(productId, { onHand: 10, reserved: 0, available: 10 });
    expect(await reservationStatus(order.reservationId)).toBe('RELEASED');
  });

  it('puts the units of an order cancelled after payment back on hand', async () => {
    const productId = await stockedProduct(10);
    const order = await placedOrder(productId, 2);
    await publish(paid(order));
    await stockBecomes(productId, { onHand: 8, reserved: 0, available: 8 });

    await publish(cancelled(order, 'PAID'));
    await stockBecomes(productId, { onHand: 10, reserved: 0, available: 10 });
    expect(await reservationStatus(order.reservationId)).toBe('RETURNED');
  });

  it('changes stock once when the same event is delivered twice', async () => {
    const productId = await stockedProduct(10);
    const order = await placedOrder(productId, 3);
    const payment = paid(order);
    await publish(payment);
    await publish(payment);
    const cancellation = cancelled(order, 'PAID');
    await publish(cancellation);
    await publish(cancellation);

    // Events are handled in stream order: once a later marker moved its stock, the repeats were handled too.
    const markerProduct = await stockedProduct(1);
    const marker = await placedOrder(markerProduct, 1);
    await publish(paid(marker));
    await stockBecomes(markerProduct, { onHand: 0, reserved: 0, available: 0 });

    expect(await stock(productId)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await reservationStatus(order.reservationId)).toBe('RETURNED');
    const db = await domainDatabase('products');
    try {
      const rows = await db.query('SELECT event_id FROM processed_events WHERE consumer = ? AND event_id IN (?, ?)', [
        'products-on-order-events',
        payment.id,
        cancellation.id,
      ]);
      expect(rows).toHaveLength(2);
    } finally {
      await db.end();
    }
  });

  it('moves nothing for a payment whose hold had lapsed, and goes on with the next events', async () => {
    const productId = await stockedProduct(5);
    const order = await placedOrder(productId, 2);
    await publish(cancelled(order, 'PENDING_PAYMENT'));
    await stockBecomes(productId, { onHand: 5, reserved: 0, available: 5 });

    // Paid after all (the hold was gone): logged at error level, acknowledged, nothing moves.
    await publish(paid(order));
    const next = await placedOrder(productId, 1);
    await publish(paid(next));
    await stockBecomes(productId, { onHand: 4, reserved: 0, available: 4 });
    expect(await reservationStatus(order.reservationId)).toBe('RELEASED');
  });

  it('ignores other order events and status changes', async () => {
    const productId = await stockedProduct(5);
    const order = await placedOrder(productId, 2);
    await publish(envelope('order.placed', { ...order, status: 'PENDING_PAYMENT', lines: [] }));
    await publish(envelope('order.status_changed', { ...order, from: 'PAID', to: 'SHIPPED', reason: null, actor, changedAt: new Date().toISOString() }));

    const markerProduct = await stockedProduct(1);
    const marker = await placedOrder(markerProduct, 1);
    await publish(paid(marker));
    await stockBecomes(markerProduct, { onHand: 0, reserved: 0, available: 0 });
    expect(await stock(productId)).toEqual({ onHand: 5, reserved: 2, available: 3 });
    expect(await reservationStatus(order.reservationId)).toBe('ACTIVE');
  });
});
