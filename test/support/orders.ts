import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { expect } from 'vitest';
import { eventStream, eventSubject, nextEventId, type EventEnvelope } from '#kernel';
import { AddAddressDocument, AdjustInventoryDocument, CreateProductDocument, type AddressInput, type ProductStatus } from '../../client/src';
import { shopClient, type SignedIn } from './accounts';
import { graphqlRequest, testEnvironment, type GraphQLResult } from './clients';

/** Every field of an order the orders subgraph owns, plus one from each neighbour. */
export const ORDER_FIELDS = `
  id status createdAt updatedAt paymentDueAt
  total { amount currency }
  lines { productName quantity unitPrice { amount currency } subtotal { amount currency } product { id name } }
  user { id }
  shippingAddress { recipientName line1 line2 city region postalCode countryCode phone }
  history { from to reason actor changedBy { id } changedAt }`;

export const PLACE_ORDER = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER_FIELDS} } }`;
export const CANCEL_ORDER = `mutation ($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) { ${ORDER_FIELDS} } }`;
export const UPDATE_STATUS = `mutation ($id: ID!, $status: OrderStatus!, $reason: String) { updateOrderStatus(id: $id, status: $status, reason: $reason) { ${ORDER_FIELDS} } }`;
export const ORDER = `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
const STOCK = `query ($id: ID!) { product(id: $id) { inventory { onHand reserved available } } }`;

export const BERLIN = { recipientName: 'Erika Mustermann', line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', countryCode: 'DE' };

/** A product on sale with `stock` units on hand, created through the gateway by staff (with the typed client). */
export async function stockedProduct(staff: SignedIn, options: { stock: number; price?: number; currency?: string; status?: ProductStatus; name?: string }): Promise<string> {
  const slug = `orderable-${randomBytes(5).toString('hex')}`;
  const client = shopClient(staff);
  const { createProduct } = await client.request(CreateProductDocument, {
    input: {
      name: options.name ?? `Orderable ${slug.slice(-6)}`,
      slug,
      price: { amount: options.price ?? 1250, currency: options.currency ?? 'USD' },
      status: options.status ?? 'ACTIVE',
    },
  });
  if (options.stock > 0) {
    const { adjustInventory } = await client.request(AdjustInventoryDocument, { productId: createProduct.id, delta: options.stock, reason: 'stock for order tests' });
    if (adjustInventory.onHand !== options.stock) throw new Error(`adjustInventory left ${adjustInventory.onHand} on hand, not ${options.stock}`);
  }
  return createProduct.id;
}

/** A shipping address of `customer`, added through the gateway (with the typed client); returns its id. */
export async function addressOf(customer: SignedIn, input: AddressInput = BERLIN): Promise<string> {
  return (await shopClient(customer).request(AddAddressDocument, { input })).addAddress.id;
}

/** Sends placeOrder as `customer`; a fresh idempotency key unless one is given. */
export function placeOrder(
  customer: SignedIn,
  input: { lines: { productId: string; quantity: number }[]; shippingAddressId: string; idempotencyKey?: string },
): Promise<GraphQLResult> {
  return graphqlRequest(PLACE_ORDER, { token: customer.accessToken, variables: { input: { idempotencyKey: randomUUID(), ...input } } });
}

/** Places an order that must succeed; returns it. */
export async function placedOrder(customer: SignedIn, input: Parameters<typeof placeOrder>[1]): Promise<Record<string, any>> {
  const result = await placeOrder(customer, input);
  expect(result.errors).toBeUndefined();
  return result.data!.placeOrder;
}

/** Stock figures of a product, read through the gateway by staff. */
export async function stockOf(staff: SignedIn, productId: string): Promise<{ onHand: number; reserved: number; available: number }> {
  const result = await graphqlRequest(STOCK, { token: staff.accessToken, variables: { id: productId } });
  return result.data?.product.inventory;
}

/** The order as `user` reads it through the gateway. */
export async function readOrder(user: SignedIn, id: string): Promise<GraphQLResult> {
  return graphqlRequest(ORDER, { token: user.accessToken, variables: { id } });
}

let nats: Promise<NatsConnection> | undefined;
const natsConnection = () => (nats ??= connect({ servers: testEnvironment().env.NATS_URL ?? 'nats://127.0.0.1:4222' }));

/** Closes the NATS connection the helpers below opened (call in afterAll). */
export async function closeOrderHelpers(): Promise<void> {
  if (nats) await (await nats).drain();
  nats = undefined;
}

/**
 * Publishes a payment event onto the payments stream exactly as the payments domain's
 * outbox relay would (envelope, `Nats-Msg-Id` = event id). `msgId` overrides the
 * de-duplication id, to deliver the same event again past JetStream's de-duplication.
 */
export async function publishPaymentEvent(type: string, data: unknown, options: { envelope?: EventEnvelope; msgId?: string } = {}): Promise<EventEnvelope> {
  const connection = await natsConnection();
  const stream = eventStream(testEnvironment().env.EVENTS_PREFIX!, 'payments');
  const { id, timestamp } = nextEventId();
  const envelope = options.envelope ?? { id, type, occurredAt: new Date(timestamp).toISOString(), data };
  await connection.jetstream().publish(eventSubject(stream, envelope.type), JSON.stringify(envelope), { msgID: options.msgId ?? envelope.id });
  return envelope;
}

/** Whether the orders domain's payment-events consumer has handled (acked) everything published so far. */
export async function paymentEventsHandled(): Promise<boolean> {
  const connection = await natsConnection();
  const stream = eventStream(testEnvironment().env.EVENTS_PREFIX!, 'payments');
  const info = await (await connection.jetstreamManager()).consumers.info(stream.name, 'orders-on-payment-events');
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

/** The orders stream's events of one order, in stream order (each message once). */
export async function orderEventsOf(orderId: string): Promise<EventEnvelope<Record<string, any>>[]> {
  const connection = await natsConnection();
  const stream = eventStream(testEnvironment().env.EVENTS_PREFIX!, 'orders');
  const jsm = await connection.jetstreamManager();
  const info = await jsm.streams.info(stream.name);
  const events: EventEnvelope<Record<string, any>>[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(stream.name, { seq }).catch(() => null);
    if (!message) continue;
    const envelope = JSON.parse(new TextDecoder().decode(message.data)) as EventEnvelope<Record<string, any>>;
    if (envelope.data.orderId === orderId) events.push(envelope);
  }
  return events;
}
