/**
 * The transactional outbox and the relay against the real MariaDB and NATS JetStream:
 * what is committed is published once, in order; what is rolled back never is; a crash
 * between publishing and marking, or two relays on one database, publish nothing twice.
 * Each test has its own scratch database `shop_events_<random>` and events prefix; both
 * are dropped (database, streams) afterwards.
 */
import type { StoredMsg } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrismaClient } from '../../kernel/database';
import {
  consumeEvents,
  createEventRecorder,
  EVENT_TABLES_PRISMA,
  eventStream,
  OutboxRelay,
  type EventConsumer,
  type EventDatabase,
  type EventEnvelope,
  type OutboxRelayOptions,
  type RecordEvent,
} from '../../kernel/events';
import {
  createEventsTestBed,
  interceptDatabase,
  sleep,
  waitFor,
  type EventsTestBed,
} from '../../kernel/test/events/events-test-support';
// Any domain's generated client will do: the outbox only uses its raw-SQL and transaction methods.
import { PrismaClient } from '../../subgraphs/orders/src/generated/prisma/client';
import { findSchemaDrift } from '../support/schema-drift';

const LEDGER_SQL = 'CREATE TABLE ledger (id INT AUTO_INCREMENT PRIMARY KEY, event_id CHAR(36) NOT NULL)';

let bed: EventsTestBed;
let recordEvent: RecordEvent;
const relays: OutboxRelay[] = [];
const consumers: EventConsumer[] = [];

beforeEach(async () => {
  bed = await createEventsTestBed([LEDGER_SQL]);
  recordEvent = createEventRecorder({ prefix: bed.prefix, domain: 'orders' });
});
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
  for (const relay of relays.splice(0)) await relay.stop();
  await bed.cleanup();
});

const ordersStream = () => eventStream(bed.prefix, 'orders');

function startRelay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const relay = new OutboxRelay({ db: bed.db, nats: bed.nats, log: bed.log, domain: 'orders', prefix: bed.prefix, pollIntervalMs: 50, ...options });
  relays.push(relay);
  relay.start();
  return relay;
}

async function count(sql: string): Promise<number> {
  const [row] = await bed.db.$queryRawUnsafe<{ n: bigint | number }[]>(sql);
  return Number(row!.n);
}
const unpublished = () => count('SELECT COUNT(*) AS n FROM outbox_events WHERE published_at IS NULL');
const allPublished = async () => (await unpublished()) === 0;
const envelopeOf = (message: StoredMsg) => message.json<EventEnvelope>();

/** A consumer that records every event it is handed, in order. */
async function collect(db?: EventDatabase): Promise<EventEnvelope[]> {
  const seen: EventEnvelope[] = [];
  const options = { nats: bed.nats, log: bed.log, stream: ordersStream(), durable: 'collector' };
  consumers.push(
    db
      ? await consumeEvents({ ...options, db, handle: async (event) => void seen.push(event) })
      : await consumeEvents({ ...options, handle: async (event) => void seen.push(event) }),
  );
  return seen;
}

describe('transactional outbox', () => {
  it('never publishes an event recorded in a rolled-back transaction', async () => {
    await expect(
      bed.db.$transaction(async (tx) => {
        await recordEvent(tx, 'order.placed', { orderId: 'rolled-back' });
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    await bed.db.$transaction((tx) => recordEvent(tx, 'order.placed', { orderId: 'committed' }));

    const relay = startRelay();
    await waitFor('the committed event to be published', allPublished);
    await relay.stop();

    const messages = await bed.streamMessages(ordersStream().name);
    expect(messages.map((message) => envelopeOf(message).data)).toEqual([{ orderId: 'committed' }]);
    expect(await count('SELECT COUNT(*) AS n FROM outbox_events')).toBe(1);
  });

  it('publishes committed events once each, in order, with msgID = event id', async () => {
    const recorded: EventEnvelope[] = [];
    await bed.db.$transaction(async (tx) => {
      for (const step of ['a', 'b', 'c']) recorded.push(await recordEvent(tx, 'order.placed', { step }));
    });
    for (let i = 0; i < 20; i++) {
      recorded.push(await bed.db.$transaction((tx) => recordEvent(tx, 'order.status-changed', { i, note: 'Grüße 🚚' })));
    }
    const seen = await collect();
    const relay = startRelay({ batchSize: 7 });
    await waitFor('23 events at the consumer', () => seen.length >= 23);
    await sleep(300); // anything published twice would arrive by now

    expect(seen).toEqual(recorded);
    expect(relay.stats).toEqual({ published: 23, duplicates: 0 });
    const messages = await bed.streamMessages(ordersStream().name);
    expect(messages.map((message) => message.header.get('Nats-Msg-Id'))).toEqual(recorded.map((event) => event.id));
    expect(messages.map((message) => message.subject)).toEqual(recorded.map((event) => `${bed.prefix}.orders.${event.type}`));
    expect(await unpublished()).toBe(0);

    const { config } = await bed.jsm.streams.info(`${bed.prefix}_ORDERS`.toUpperCase());
    expect(config).toMatchObject({ subjects: [`${bed.prefix}.orders.>`], storage: 'file' });
    expect(config.duplicate_window).toBeGreaterThanOrEqual(120e9);
  });

  it('publishes an event once when the relay dies between publishing and marking it', async () => {
    const event = await bed.db.$transaction((tx) => recordEvent(tx, 'order.placed', { orderId: 'o-1' }));
    const crashing = interceptDatabase(bed.db, (sql) => {
      if (sql.startsWith('UPDATE outbox_events')) throw new Error('simulated crash before marking');
    });
    const first = startRelay({ db: crashing });
    await waitFor('the first relay to publish and fail to mark', () => first.stats.published === 1 && bed.lines.some((l) => l.level === 'warn'));
    await first.stop();
    expect(await unpublished()).toBe(1);

    const seen = await collect();
    const second = startRelay();
    await waitFor('the second relay to mark the event', allPublished);
    await waitFor('the event at the consumer', () => seen.length === 1);
    await sleep(300);

    expect(second.stats).toEqual({ published: 0, duplicates: 1 });
    expect(seen.map((e) => e.id)).toEqual([event.id]);
    expect(await bed.streamMessages(ordersStream().name)).toHaveLength(1);
  });

  it('shares the work between two relays on one database and publishes each event once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await bed.db.$transaction((tx) => recordEvent(tx, 'order.placed', { i }))).id);
    // Each statement takes a little while, so the two relays' passes overlap.
    const slow = interceptDatabase(bed.db, () => sleep(5));
    const a = startRelay({ db: slow, batchSize: 5 });
    const b = startRelay({ db: slow, batchSize: 5 });
    await waitFor('every event published', allPublished, 20_000);

    expect(a.stats.duplicates + b.stats.duplicates).toBe(0);
    expect(a.stats.published + b.stats.published).toBe(60);
    expect(a.stats.published).toBeGreaterThan(0);
    expect(b.stats.published).toBeGreaterThan(0);
    const messages = await bed.streamMessages(ordersStream().name);
    expect(messages.map((message) => envelopeOf(message).id).sort()).toEqual([...ids].sort());
  });

  it('has processOnce absorb a republish that comes after the duplicate window', async () => {
    const event = await bed.db.$transaction((tx) => recordEvent(tx, 'order.placed', { orderId: 'o-2' }));
    const crashing = interceptDatabase(bed.db, (sql) => {
      if (sql.startsWith('UPDATE outbox_events')) throw new Error('simulated crash before marking');
    });
    const first = startRelay({ db: crashing, duplicateWindowMs: 300 });
    await waitFor('the first relay to publish', () => first.stats.published === 1);
    await first.stop();
    await sleep(500); // past the window: JetStream will take the republish as a new message
    const second = startRelay({ duplicateWindowMs: 300 });
    await waitFor('the republish', allPublished);
    expect(second.stats.published).toBe(1);
    expect((await bed.streamMessages(ordersStream().name)).map((m) => envelopeOf(m).id)).toEqual([event.id, event.id]);

    let handled = 0;
    consumers.push(
      await consumeEvents({
        nats: bed.nats,
        log: bed.log,
        db: bed.db,
        stream: ordersStream(),
        durable: 'ledger',
        handle: async (delivered, { tx }) => {
          handled++;
          await tx.$executeRawUnsafe('INSERT INTO ledger (event_id) VALUES (?)', delivered.id);
        },
      }),
    );
    await waitFor('both copies acked', async () => (await bed.jsm.consumers.info(ordersStream().name, 'ledger')).ack_floor.stream_seq === 2);

    expect(handled).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM ledger')).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM processed_events WHERE consumer = 'ledger'")).toBe(1);
  });

  it('runs a pass at once on notify() and finishes the current pass on stop()', async () => {
    let selects = 0;
    const counting = interceptDatabase(bed.db, async (sql) => {
      if (sql.startsWith('SELECT')) selects++;
      if (sql.startsWith('SELECT') && selects > 1) await sleep(200); // the notified pass is slow
    });
    const relay = startRelay({ db: counting, pollIntervalMs: 60_000 });
    await waitFor('the first (empty) pass', () => selects === 1);
    await bed.db.$transaction((tx) => recordEvent(tx, 'order.placed', { orderId: 'o-3' }));

    relay.notify();
    await waitFor('the notified pass to start', () => selects === 2);
    await relay.stop();

    expect(await unpublished()).toBe(0);
    expect(relay.stats.published).toBe(1);
    await sleep(100);
    expect(selects).toBe(2);
  });

  it('logs one warning per outage, not one per attempt, and catches up afterwards', async () => {
    let down = true;
    let attempts = 0;
    const flaky = interceptDatabase(bed.db, (sql) => {
      if (!sql.startsWith('SELECT')) return;
      attempts++;
      if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
    });
    await bed.db.$transaction((tx) => recordEvent(tx, 'order.placed', { orderId: 'o-4' }));
    startRelay({ db: flaky, pollIntervalMs: 10, maxBackoffMs: 40 });
    await waitFor('several failed attempts', () => attempts >= 5);
    down = false;
    await waitFor('the event published after the outage', allPublished);
    // The relay logs its recovery once the pass's commit returns, just after the row reads as published.
    const relayLog = () => bed.lines.filter((line) => line.component === 'outbox-relay');
    await waitFor('the relay to log its recovery', () => relayLog().some((line) => line.level === 'info'));

    const relayLines = relayLog();
    expect(relayLines.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'outbox relay cannot publish events; retrying with backoff'],
      ['info', 'outbox relay publishing again'],
    ]);
    expect(relayLines[0]!.error).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:3306' });
  });
});

describe('event tables', () => {
  it('EVENT_TABLES_SQL creates exactly what EVENT_TABLES_PRISMA describes', async () => {
    const ledger = 'model Ledger {\n  id      Int    @id @default(autoincrement())\n  eventId String @map("event_id") @db.Char(36)\n\n  @@map("ledger")\n}\n';
    const datamodel = `datasource db {\n  provider = "mysql"\n}\n\n${EVENT_TABLES_PRISMA}\n${ledger}`;
    const drift = await findSchemaDrift({ databaseUrl: bed.databaseUrl, datamodel, label: 'events' });
    expect(drift, drift.join('\n')).toEqual([]);
  });

  it('work through a domain\'s generated Prisma client', async () => {
    const prisma = createPrismaClient(PrismaClient, bed.databaseUrl, { connectionLimit: 4 });
    try {
      const event = await prisma.$transaction((tx) => recordEvent(tx, 'order.placed', { orderId: 'o-5', total: { amount: 1999, currency: 'EUR' } }));
      await expect(
        prisma.$transaction(async (tx) => {
          await recordEvent(tx, 'order.placed', { orderId: 'rolled-back' });
          throw new Error('out of stock');
        }),
      ).rejects.toThrow('out of stock');

      const handled: EventEnvelope[] = [];
      consumers.push(
        await consumeEvents({
          nats: bed.nats,
          log: bed.log,
          db: prisma,
          stream: ordersStream(),
          durable: 'prisma',
          handle: async (delivered, { tx }) => {
            handled.push(delivered);
            await tx.$executeRawUnsafe('INSERT INTO ledger (event_id) VALUES (?)', delivered.id);
          },
        }),
      );
      startRelay({ db: prisma });
      await waitFor('the event handled', async () => (await count('SELECT COUNT(*) AS n FROM processed_events')) === 1);

      expect(handled).toEqual([event]);
      expect(await count('SELECT COUNT(*) AS n FROM ledger')).toBe(1);
      expect(await count('SELECT COUNT(*) AS n FROM outbox_events')).toBe(1);
      expect(await unpublished()).toBe(0);
    } finally {
      for (const consumer of consumers.splice(0)) await consumer.stop();
      for (const relay of relays.splice(0)) await relay.stop();
      await prisma.$disconnect();
    }
  });
});
