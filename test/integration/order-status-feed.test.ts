import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, newEventId, type BackgroundWorker } from '#kernel';
import type { OrderStatusChanged } from '../../subgraphs/orders/src/order/order.events';
import { OrderStatusFeed } from '../../subgraphs/orders/src/order/order-status.feed';

// A real NATS server, as everywhere else; a unique prefix keeps this run's subjects apart.
const prefix = `feed_${randomBytes(4).toString('hex')}`;
let nats: NatsConnection;
let feed: OrderStatusFeed;
let worker: BackgroundWorker;

beforeAll(async () => {
  nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  feed = new OrderStatusFeed(nats, prefix, createLogger({ service: 'test', level: 'silent' }));
  worker = feed.start();
});
afterAll(async () => {
  await worker.stop();
  await nats.drain();
});

function publish(orderId: string, to: OrderStatusChanged['to'] = 'PAID') {
  const data: OrderStatusChanged = {
    orderId,
    userId: randomUUID(),
    from: 'PENDING_PAYMENT',
    to,
    reason: null,
    actor: { kind: 'SYSTEM', userId: null },
    reservationId: randomUUID(),
    changedAt: new Date().toISOString(),
  };
  nats.publish(`${prefix}.orders.order.status_changed`, JSON.stringify({ id: newEventId(), type: 'order.status_changed', occurredAt: data.changedAt, data }));
  return nats.flush();
}

describe('OrderStatusFeed', () => {
  it("delivers an order's events to its listeners and every event to listeners of all orders", async () => {
    const [watched, other] = [randomUUID(), randomUUID()];
    const one = feed.listen(watched);
    const all = feed.listen(null);
    await publish(other, 'CANCELLED');
    await publish(watched, 'PAID');
    expect((await one.next()).value).toMatchObject({ orderId: watched, to: 'PAID' });
    expect((await all.next()).value).toMatchObject({ orderId: other, to: 'CANCELLED' });
    expect((await all.next()).value).toMatchObject({ orderId: watched });
    await one.return!();
    await all.return!();
    expect(feed.size).toBe(0);
  });

  it('detaches a listener at once when it is returned while waiting', async () => {
    const orderId = randomUUID();
    const listener = feed.listen(orderId);
    const pending = listener.next();
    expect(feed.size).toBe(1);
    await listener.return!();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(feed.size).toBe(0);
    await publish(orderId);
    await expect(listener.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('keeps only the newest events for a listener that falls behind', async () => {
    const orderId = randomUUID();
    const listener = feed.listen(orderId);
    for (let index = 0; index < 105; index++) await publish(orderId, index % 2 ? 'PAID' : 'CANCELLED');
    await nats.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    let received = 0;
    for (;;) {
      const next = await Promise.race([listener.next(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
      if (!next) break;
      received++;
    }
    expect(received).toBe(100);
    await listener.return!();
  });
});
