/**
 * Reservations as the orders domain uses them, over NATS request/reply against the running
 * products subgraph. The heart is the oversell test: however many reservations race for the
 * last units, exactly the stock is sold and available never goes below zero. Reserving also
 * checks the products can be sold together and snapshots their names and prices.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/repo-root';
import { type SignedIn } from '../support/accounts';
import { domainDatabase, graphqlRequest, testEnvironment } from '../support/clients';
import { asStaff } from '../support/staff';

const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const ADJUST = `mutation ($id: ID!, $delta: Int!) { adjustInventory(productId: $id, delta: $delta, reason: "test stock") { onHand } }`;
const STOCK = `query ($id: ID!) { product(id: $id) { inventory { onHand reserved available } } }`;
const UPDATE_PRODUCT = `mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }`;
const ARCHIVE_PRODUCT = `mutation ($id: ID!) { deleteProduct(id: $id) { status } }`;

type Line = { productId: string; quantity: number; productName: string; unitPriceAmount: string; currency: string };
type Reply = { ok: true; reservation: { id: string; status: string; lines: Line[] } } | { ok: false; error: { code: string; productIds?: string[] } };

let nats: NatsConnection;
let staff: SignedIn;
beforeAll(async () => {
  nats = await connect({ servers: testEnvironment().env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  staff = await asStaff();
});
afterAll(async () => {
  await nats?.close();
});

async function rpc(action: 'reserve' | 'release' | 'commit', body: unknown): Promise<Reply> {
  const subject = `${testEnvironment().env.EVENTS_PREFIX}.rpc.products.${action}`;
  const message = await nats.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeout: 20_000 });
  return JSON.parse(new TextDecoder().decode(message.data)) as Reply;
}

const reserve = (lines: { productId: string; quantity: number }[], options: { key?: string; ttlSeconds?: number } = {}) =>
  rpc('reserve', { idempotencyKey: options.key ?? randomUUID(), lines, ttlSeconds: options.ttlSeconds });

async function stockedProduct(onHand: number, product: { name?: string; amount?: number; currency?: string; status?: string } = {}): Promise<string> {
  const { name = 'Limited', amount = 100, currency = 'USD', status = 'ACTIVE' } = product;
  const input = { name, slug: `limited-${randomBytes(4).toString('hex')}`, price: { amount, currency }, status };
  const id = (await graphqlRequest(CREATE_PRODUCT, { token: staff.accessToken, variables: { input } })).data?.createProduct.id;
  if (!id) throw new Error('createProduct failed');
  if (onHand) await graphqlRequest(ADJUST, { token: staff.accessToken, variables: { id, delta: onHand } });
  return id;
}

async function stock(id: string): Promise<{ onHand: number; reserved: number; available: number }> {
  return (await graphqlRequest(STOCK, { token: staff.accessToken, variables: { id } })).data?.product.inventory;
}

describe('oversell', () => {
  it('sells exactly the stock when 200 reservations of 1 unit race for 50 units', async () => {
    const productId = await stockedProduct(50);

    // Watch the row while the race runs: available must never be seen below zero.
    const db = await domainDatabase('products');
    let lowest = Infinity;
    let racing = true;
    const watcher = (async () => {
      while (racing) {
        const [row] = await db.query('SELECT on_hand - reserved AS available FROM inventory WHERE product_id = ?', [productId]);
        lowest = Math.min(lowest, Number(row.available));
      }
    })();
    const replies = await Promise.all(Array.from({ length: 200 }, () => reserve([{ productId, quantity: 1 }])));
    racing = false;
    await watcher;
    await db.end();

    expect(replies.filter((reply) => reply.ok)).toHaveLength(50);
    const refused = replies.filter((reply) => !reply.ok);
    expect(refused).toHaveLength(150);
    expect(new Set(refused.map((reply) => !reply.ok && reply.error.code))).toEqual(new Set(['OUT_OF_STOCK']));
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(await stock(productId)).toEqual({ onHand: 50, reserved: 50, available: 0 });
  });
});

describe('reservations', () => {
  it('holds all lines or none', async () => {
    const plenty = await stockedProduct(10);
    const scarce = await stockedProduct(1);
    const refused = await reserve([
      { productId: plenty, quantity: 3 },
      { productId: scarce, quantity: 2 },
    ]);
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'OUT_OF_STOCK', productIds: [scarce] }) });
    expect(await stock(plenty)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stock(scarce)).toEqual({ onHand: 1, reserved: 0, available: 1 });

    const held = await reserve([
      { productId: plenty, quantity: 3 },
      { productId: scarce, quantity: 1 },
    ]);
    expect(held.ok).toBe(true);
    expect((await stock(plenty)).available).toBe(7);
    expect((await stock(scarce)).available).toBe(0);
  });

  it('gives one reservation for one idempotency key, even when the requests race', async () => {
    const productId = await stockedProduct(10);
    const key = `order-${randomUUID()}`;
    const replies = await Promise.all(Array.from({ length: 5 }, () => reserve([{ productId, quantity: 2 }], { key })));
    const ids = new Set(replies.map((reply) => (reply.ok ? reply.reservation.id : reply.error.code)));
    expect(ids.size).toBe(1);
    expect(replies.every((reply) => reply.ok)).toBe(true);
    expect(await stock(productId)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    // The same key for other lines is a client bug, not a second reservation.
    expect(await reserve([{ productId, quantity: 3 }], { key })).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONFLICT' }) });
  });

  it('gives stock back exactly once on release, however often it is asked', async () => {
    const productId = await stockedProduct(5);
    const held = await reserve([{ productId, quantity: 4 }]);
    if (!held.ok) throw new Error('reserve failed');
    const releases = await Promise.all(Array.from({ length: 5 }, () => rpc('release', { reservationId: held.reservation.id })));
    expect(releases.every((reply) => reply.ok && reply.reservation.status === 'RELEASED')).toBe(true);
    expect(await stock(productId)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect(await rpc('commit', { reservationId: held.reservation.id })).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_ACTIVE' }) });
  });

  it('commits a reservation into a sale once', async () => {
    const productId = await stockedProduct(5);
    const held = await reserve([{ productId, quantity: 2 }]);
    if (!held.ok) throw new Error('reserve failed');
    const commits = await Promise.all([1, 2, 3].map(() => rpc('commit', { reservationId: held.reservation.id })));
    expect(commits.every((reply) => reply.ok && reply.reservation.status === 'COMMITTED')).toBe(true);
    expect(await stock(productId)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect((await rpc('release', { reservationId: held.reservation.id })).ok).toBe(false);
  });

  it('releases expired reservations by itself, once', async () => {
    const productId = await stockedProduct(3);
    const held = await reserve([{ productId, quantity: 3 }], { ttlSeconds: 1 });
    if (!held.ok) throw new Error('reserve failed');
    expect((await stock(productId)).available).toBe(0);
    const deadline = Date.now() + 10_000;
    while ((await stock(productId)).available !== 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await stock(productId)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    // Released by expiry: a late release or commit moves nothing.
    expect(await rpc('release', { reservationId: held.reservation.id })).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_ACTIVE' }) });
    expect(await rpc('commit', { reservationId: held.reservation.id })).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_ACTIVE' }) });
    expect(await stock(productId)).toEqual({ onHand: 3, reserved: 0, available: 3 });
  });

  it('answers malformed requests with BAD_REQUEST and unknown reservations with NOT_FOUND', async () => {
    expect(await rpc('reserve', { idempotencyKey: 'x', lines: [] })).toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) });
    expect(await rpc('reserve', { idempotencyKey: 'x', lines: [{ productId: 'p', quantity: -1 }] })).toMatchObject({ ok: false });
    expect(await rpc('release', { reservationId: randomUUID() })).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_FOUND' }) });
  });

  it('is not part of the public GraphQL schema', () => {
    const supergraph = readFileSync(join(repoRoot(), 'supergraph.graphql'), 'utf8');
    expect(supergraph).not.toMatch(/Reservation/);
    expect(supergraph).not.toMatch(/^\s*(reserve|release|commit)\w*\s*\(/im);
  });
});

describe('product checks and price snapshots', () => {
  it('answers each line with the product name and unit price it was reserved at', async () => {
    const mug = await stockedProduct(5, { name: 'Mug', amount: 1250, currency: 'EUR' });
    const cup = await stockedProduct(5, { name: 'Cup', amount: 800, currency: 'EUR' });
    const held = await reserve([
      { productId: mug, quantity: 2 },
      { productId: cup, quantity: 1 },
      { productId: mug, quantity: 1 },
    ]);
    if (!held.ok) throw new Error(`reserve failed: ${JSON.stringify(held)}`);
    expect(held.reservation.lines).toEqual(
      [mug, cup].sort().map((productId) => ({
        productId,
        quantity: productId === mug ? 3 : 1,
        productName: productId === mug ? 'Mug' : 'Cup',
        unitPriceAmount: productId === mug ? '1250' : '800',
        currency: 'EUR',
      })),
    );
  });

  it('refuses unknown products with NOT_FOUND and their ids, reserving nothing', async () => {
    const known = await stockedProduct(5);
    const unknown = randomUUID();
    const reply = await reserve([
      { productId: known, quantity: 1 },
      { productId: unknown, quantity: 1 },
    ]);
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_FOUND', productIds: [unknown] }) });
    expect(await stock(known)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('refuses draft and archived products with NOT_FOR_SALE, reserving nothing', async () => {
    const active = await stockedProduct(5);
    const draft = await stockedProduct(5, { status: 'DRAFT' });
    const archived = await stockedProduct(5);
    await graphqlRequest(ARCHIVE_PRODUCT, { token: staff.accessToken, variables: { id: archived } });
    const reply = await reserve([
      { productId: active, quantity: 1 },
      { productId: draft, quantity: 1 },
      { productId: archived, quantity: 1 },
    ]);
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_FOR_SALE', productIds: [draft, archived].sort() }) });
    for (const id of [active, draft, archived]) expect(await stock(id)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('refuses products priced in different currencies with MIXED_CURRENCIES, reserving nothing', async () => {
    const dollars = await stockedProduct(5, { currency: 'USD' });
    const euros = await stockedProduct(5, { currency: 'EUR' });
    const reply = await reserve([
      { productId: dollars, quantity: 1 },
      { productId: euros, quantity: 1 },
    ]);
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'MIXED_CURRENCIES' }) });
    expect(await stock(dollars)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect(await stock(euros)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('answers a repeated key with the snapshot it stored, not the current price or name', async () => {
    const productId = await stockedProduct(5, { name: 'Lamp', amount: 4999, currency: 'USD' });
    const key = `order-${randomUUID()}`;
    const first = await reserve([{ productId, quantity: 2 }], { key });
    if (!first.ok) throw new Error(`reserve failed: ${JSON.stringify(first)}`);
    expect(first.reservation.lines).toEqual([{ productId, quantity: 2, productName: 'Lamp', unitPriceAmount: '4999', currency: 'USD' }]);

    const updated = await graphqlRequest(UPDATE_PRODUCT, { token: staff.accessToken, variables: { id: productId, input: { name: 'Lamp XL', price: { amount: 5999, currency: 'USD' } } } });
    expect(updated.errors).toBeUndefined();
    expect(await reserve([{ productId, quantity: 2 }], { key })).toEqual(first);
    expect(await stock(productId)).toEqual({ onHand: 5, reserved: 2, available: 3 });

    // A new reservation takes the new price.
    const second = await reserve([{ productId, quantity: 1 }]);
    expect(second.ok && second.reservation.lines[0]).toMatchObject({ productName: 'Lamp XL', unitPriceAmount: '5999' });
  });
});
