import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn } from '../support/accounts';
import { eventually } from '../support/admin';
import { graphqlRequest, testEnvironment } from '../support/clients';
import { asStaff } from '../support/staff';

const CREATE = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id name } }`;
const ADJUST = `mutation ($id: ID!, $delta: Int!) { adjustInventory(productId: $id, delta: $delta, reason: "events test") { available lowStock } }`;
const THRESHOLD = `mutation ($id: ID!, $threshold: Int!) { setLowStockThreshold(productId: $id, threshold: $threshold) { lowStock } }`;
const PRODUCT = `query ($id: ID!) { product(id: $id) { name } }`;

type Envelope = { id: string; type: string; data: Record<string, any> };

let nats: NatsConnection;
let subscription: Subscription;
let staff: SignedIn;
const received: Envelope[] = [];

beforeAll(async () => {
  nats = await connect({ servers: testEnvironment().env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  subscription = nats.subscribe(`${testEnvironment().env.EVENTS_PREFIX}.products.>`, {
    callback: (_error, message) => received.push(JSON.parse(new TextDecoder().decode(message.data)) as Envelope),
  });
  staff = await asStaff();
});
afterAll(async () => {
  subscription?.unsubscribe();
  await nats?.close();
});

const eventsFor = (type: string, productId: string) => received.filter((event) => event.type === type && event.data.productId === productId);

async function newProduct(): Promise<string> {
  const input = { name: 'Evented', slug: `evented-${randomBytes(4).toString('hex')}`, price: { amount: 700, currency: 'USD' }, status: 'ACTIVE' };
  return (await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input } })).data?.createProduct.id;
}

describe('products events', () => {
  it('publishes product.updated on create and on every change, and readers see the change at once', async () => {
    const id = await newProduct();
    expect((await graphqlRequest(PRODUCT, { variables: { id } })).data?.product.name).toBe('Evented'); // now cached
    await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id, input: { name: 'Renamed' } } });
    expect((await graphqlRequest(PRODUCT, { variables: { id } })).data?.product.name).toBe('Renamed');

    const events = await eventually(async () => (eventsFor('product.updated', id).length >= 2 ? eventsFor('product.updated', id) : null));
    expect(events?.map((event) => event.data)).toEqual([
      expect.objectContaining({ productId: id, name: 'Evented', status: 'ACTIVE', price: { amount: 700, currency: 'USD' } }),
      expect.objectContaining({ productId: id, name: 'Renamed', changed: ['name'] }),
    ]);
  });

  it('publishes inventory.low_stock once when available stock crosses the threshold', async () => {
    const id = await newProduct();
    await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: 10 } });
    await graphqlRequest(THRESHOLD, { token: staff.accessToken, variables: { id, threshold: 3 } });
    expect((await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: -6 } })).data?.adjustInventory.lowStock).toBe(false);

    // A reservation takes it from 4 to 2 available: crossing. A further sale below stays quiet.
    const subject = `${testEnvironment().env.EVENTS_PREFIX}.rpc.products.reserve`;
    const reserve = (quantity: number) =>
      nats.request(subject, new TextEncoder().encode(JSON.stringify({ idempotencyKey: randomUUID(), lines: [{ productId: id, quantity }] })), { timeout: 10_000 });
    await reserve(2);
    await reserve(1);
    const crossing = await eventually(async () => eventsFor('inventory.low_stock', id)[0]);
    expect(crossing?.data).toEqual({ productId: id, available: 2, onHand: 4, reserved: 2, lowStockThreshold: 3 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eventsFor('inventory.low_stock', id)).toHaveLength(1);
  });
});
