/**
 * Durable consumers and processOnce against the real MariaDB and NATS JetStream: a failed
 * handler is retried, then dead-lettered after max_deliver; redelivery changes nothing
 * twice; a stopped consumer finishes its event and a new one resumes where it left off.
 * Each test has its own scratch database `shop_events_<random>` and events prefix.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  consumeEvents,
  eventStream,
  eventSubject,
  newEventId,
  processOnce,
  type ConsumeEventsOptions,
  type EventConsumer,
  type EventEnvelope,
  type EventTransaction,
} from '../../kernel/events';
import { createEventsTestBed, sleep, waitFor, type EventsTestBed } from '../../kernel/test/events/events-test-support';

const LEDGER_SQL = 'CREATE TABLE ledger (id INT AUTO_INCREMENT PRIMARY KEY, event_id CHAR(36) NOT NULL)';

let bed: EventsTestBed;
const consumers: EventConsumer[] = [];

beforeEach(async () => {
  bed = await createEventsTestBed([LEDGER_SQL]);
});
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
  await bed.cleanup();
});

const ordersStream = () => eventStream(bed.prefix, 'orders');

async function count(sql: string): Promise<number> {
  const [row] = await bed.db.$queryRawUnsafe<{ n: bigint | number }[]>(sql);
  return Number(row!.n);
}
const ledgerRows = () => count('SELECT COUNT(*) AS n FROM ledger');
const processedRows = () => count('SELECT COUNT(*) AS n FROM processed_events');
const addToLedger = (tx: EventTransaction, event: EventEnvelope) => tx.$executeRawUnsafe('INSERT INTO ledger (event_id) VALUES (?)', event.id);

/** Publishes an envelope as the relay would (without a msgID, so a repeat is stored again). */
async function publish(data: unknown, id = newEventId()): Promise<EventEnvelope> {
  const event: EventEnvelope = { id, type: 'order.placed', occurredAt: new Date().toISOString(), data };
  await bed.nats.jetstream().publish(eventSubject(ordersStream(), event.type), JSON.stringify(event));
  return event;
}

async function start(options: Omit<ConsumeEventsOptions<EventTransaction>, 'nats' | 'log' | 'stream' | 'db'>): Promise<EventConsumer> {
  const consumer = await consumeEvents({ nats: bed.nats, log: bed.log, stream: ordersStream(), db: bed.db, ...options });
  consumers.push(consumer);
  return consumer;
}

const consumerInfo = (durable: string) => bed.jsm.consumers.info(ordersStream().name, durable);
const ackedUpTo = (durable: string, seq: number) => async () => (await consumerInfo(durable)).ack_floor.stream_seq >= seq;

describe('consumeEvents', () => {
  it('changes nothing twice when the same event is delivered again', async () => {
    let handled = 0;
    await start({
      durable: 'ledger',
      handle: async (event, { tx }) => {
        handled++;
        await addToLedger(tx, event);
      },
    });
    const event = await publish({ orderId: 'o-1' });
    await publish(event.data, event.id);
    await publish(event.data, event.id);
    await waitFor('three copies acked', ackedUpTo('ledger', 3));

    expect(handled).toBe(1);
    expect(await ledgerRows()).toBe(1);
    expect(await processedRows()).toBe(1);
  });

  it('redelivers after a handler failure, then processes the event once', async () => {
    const attempts: number[] = [];
    await start({
      durable: 'flaky',
      retryDelayMs: () => 100,
      handle: async (event, { tx, attempt }) => {
        attempts.push(attempt);
        await addToLedger(tx, event);
        if (attempt === 1) throw new Error('inventory unavailable');
      },
    });
    const event = await publish({ orderId: 'o-2' });
    await waitFor('the event acked', ackedUpTo('flaky', 1));

    expect(attempts).toEqual([1, 2]);
    expect(await ledgerRows()).toBe(1); // the failed attempt's insert rolled back with it
    expect(await processedRows()).toBe(1);
    const retry = bed.lines.find((line) => line.message === 'event handler failed; will retry');
    expect(retry).toMatchObject({ level: 'warn', eventId: event.id, attempt: 1, retryInMs: 100, error: { message: 'inventory unavailable' } });
  });

  it('dead-letters an event after max_deliver failures and goes on with the next', async () => {
    const attempts: string[] = [];
    await start({
      durable: 'doomed',
      maxDeliver: 3,
      retryDelayMs: () => 50,
      handle: async (event, { tx }) => {
        attempts.push((event.data as { orderId: string }).orderId);
        await addToLedger(tx, event);
        if (event.data && (event.data as { orderId: string }).orderId === 'poison') throw new Error('cannot handle');
      },
    });
    const poison = await publish({ orderId: 'poison' });
    await publish({ orderId: 'fine' });
    await waitFor('the dead-letter line', () => bed.lines.some((line) => line.message === 'dead-lettered event: failed 3 times'));
    await waitFor('the next event handled', () => attempts.includes('fine'));
    await sleep(300);

    expect(attempts.filter((id) => id === 'poison')).toHaveLength(3);
    expect(bed.lines.find((line) => line.level === 'error')).toMatchObject({
      eventId: poison.id,
      subject: `${bed.prefix}.orders.order.placed`,
      attempt: 3,
      error: { message: 'cannot handle' },
    });
    expect(await ledgerRows()).toBe(1);
    expect((await consumerInfo('doomed')).num_ack_pending).toBe(0);
  });

  it('dead-letters a message that is not an event envelope at once', async () => {
    const handled: unknown[] = [];
    await start({ durable: 'strict', handle: async (event) => void handled.push(event.data) });
    await bed.nats.jetstream().publish(`${bed.prefix}.orders.order.placed`, 'not json');
    await publish({ orderId: 'o-3' });
    await waitFor('the valid event handled', () => handled.length === 1);

    expect(handled).toEqual([{ orderId: 'o-3' }]);
    expect(bed.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'dead-lettered event: not an event envelope',
    ]);
  });

  it('dead-letters at once an event whose payload the handler\'s schema refuses', async () => {
    const attempts: unknown[] = [];
    const OrderPlaced = z.object({ orderId: z.string() });
    await start({
      durable: 'validating',
      retryDelayMs: () => 50,
      handle: async (event) => void attempts.push(OrderPlaced.parse(event.data)),
    });
    const malformed = await publish({ order: 'no id' });
    await publish({ orderId: 'o-4' });
    await waitFor('the valid event handled', () => attempts.length === 1);
    await sleep(300);

    expect(attempts).toEqual([{ orderId: 'o-4' }]);
    expect(bed.lines.filter((line) => line.level === 'error')).toEqual([
      expect.objectContaining({ eventId: malformed.id, attempt: 1, message: 'dead-lettered event: its payload is not what the handler expects' }),
    ]);
    expect((await consumerInfo('validating')).num_ack_pending).toBe(0);
  });

  it('finishes the event in hand on stop, and a new instance resumes after it', async () => {
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const first = await start({
      durable: 'resumable',
      handle: async (event) => {
        started = true;
        await gate;
        await sleep(50); // still at work when stop() is called and after the gate opens
        handled.push(event.id);
      },
    });
    const one = await publish({ n: 1 });
    await waitFor('the handler to start', () => started);

    const stopped = first.stop();
    await sleep(100);
    expect(handled).toEqual([]); // stop waits for the handler
    release();
    await stopped;
    expect(handled).toEqual([one.id]);

    const two = await publish({ n: 2 });
    await sleep(300);
    expect(handled).toEqual([one.id]);

    await start({ durable: 'resumable', handle: async (event) => void handled.push(event.id) });
    await waitFor('the second event', () => handled.length === 2);
    await sleep(200);
    expect(handled).toEqual([one.id, two.id]);
  });

  it('receives only the filtered subjects', async () => {
    const types: string[] = [];
    await start({
      durable: 'paid-only',
      filterSubjects: [eventSubject(ordersStream(), 'order.paid')],
      handle: async (event) => void types.push(event.type),
    });
    await publish({ orderId: 'o-4' }); // order.placed
    const paid: EventEnvelope = { id: newEventId(), type: 'order.paid', occurredAt: new Date().toISOString(), data: {} };
    await bed.nats.jetstream().publish(eventSubject(ordersStream(), 'order.paid'), JSON.stringify(paid));
    await waitFor('the paid event', () => types.length === 1);
    await sleep(200);

    expect(types).toEqual(['order.paid']);
  });
});

describe('processOnce', () => {
  const work = (tx: EventTransaction, eventId: string, runs: { n: number }) => async () => {
    runs.n++;
    await tx.$executeRawUnsafe('INSERT INTO ledger (event_id) VALUES (?)', eventId);
    return 'done';
  };

  it('runs the work once per consumer and event', async () => {
    const id = newEventId();
    const runs = { n: 0 };
    const results = [];
    for (const consumer of ['billing', 'billing', 'billing', 'shipping']) {
      results.push(await bed.db.$transaction((tx) => processOnce(tx, consumer, id, work(tx, id, runs))));
    }
    expect(results).toEqual([{ processed: true, result: 'done' }, { processed: false }, { processed: false }, { processed: true, result: 'done' }]);
    expect(runs.n).toBe(2);
    expect(await ledgerRows()).toBe(2);
  });

  it('forgets the event when the work fails, so a retry runs it', async () => {
    const id = newEventId();
    const runs = { n: 0 };
    await expect(
      bed.db.$transaction((tx) =>
        processOnce(tx, 'billing', id, async () => {
          await work(tx, id, runs)();
          throw new Error('declined');
        }),
      ),
    ).rejects.toThrow('declined');
    expect(await processedRows()).toBe(0);

    expect(await bed.db.$transaction((tx) => processOnce(tx, 'billing', id, work(tx, id, runs)))).toEqual({ processed: true, result: 'done' });
    expect(runs.n).toBe(2);
    expect(await ledgerRows()).toBe(1);
  });

  it('runs the work once when two deliveries race', async () => {
    const id = newEventId();
    const runs = { n: 0 };
    const slowWork = (tx: EventTransaction) => async () => {
      const result = await work(tx, id, runs)();
      await sleep(150); // hold the transaction open while the other one arrives
      return result;
    };
    const results = await Promise.all([
      bed.db.$transaction((tx) => processOnce(tx, 'billing', id, slowWork(tx))),
      bed.db.$transaction((tx) => processOnce(tx, 'billing', id, slowWork(tx))),
    ]);
    expect(results.map((result) => result.processed).sort()).toEqual([false, true]);
    expect(runs.n).toBe(1);
    expect(await ledgerRows()).toBe(1);
  });

  it('refuses names and ids the table would truncate', async () => {
    await expect(bed.db.$transaction((tx) => processOnce(tx, 'x'.repeat(101), newEventId(), async () => 1))).rejects.toThrow(/consumer name/);
    await expect(bed.db.$transaction((tx) => processOnce(tx, 'billing', 'not-an-id', async () => 1))).rejects.toThrow(/invalid event id/);
  });
});
