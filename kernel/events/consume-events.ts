import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { ZodError } from 'zod';
import type { Logger } from '../logger';
import type { EventDatabase, EventTransaction } from './event-database';
import { parseEventEnvelope, type EventEnvelope } from './event-envelope';
import type { EventStream } from './event-names';
import { ensureEventStream, jetStreamErrorCode, JS_CONSUMER_NOT_FOUND } from './event-stream';
import { MAX_CONSUMER_LENGTH, processOnce } from './process-once';

/** One delivery of an event to a handler. */
export interface EventDelivery<TTx> {
  subject: string;
  /** 1 on the first delivery, 2 on the first redelivery, ... */
  attempt: number;
  /** The transaction the handler makes its changes in, when the consumer has a `db`; else `undefined`. */
  tx: TTx;
}

/** Options of {@link consumeEvents}. */
export interface ConsumeEventsOptions<TTx> {
  nats: NatsConnection;
  /** The producing domain's stream, from `eventStream(prefix, domain)`; created if missing. */
  stream: EventStream;
  /**
   * Durable consumer name, e.g. `payments-on-order-placed`: letters, digits, `_` and `-`.
   * JetStream remembers its position across restarts; instances with the same name share
   * the messages. It is also the `processed_events.consumer` key.
   */
  durable: string;
  /**
   * Subjects to receive, e.g. `[eventSubject(orders, 'order.placed')]`; defaults to the
   * whole stream. Servers before NATS 2.10 take only one.
   */
  filterSubjects?: string[];
  /**
   * Handles one event. With `db`, it runs inside a transaction together with the
   * {@link processOnce} marker and must make its changes through `delivery.tx`; a
   * redelivered event then skips it. Without `db`, the handler must be idempotent itself.
   * Throwing makes the event come back after a delay, up to `maxDeliver` deliveries;
   * a zod `ZodError` (a payload the handler's schema refuses) dead-letters it at once.
   */
  handle: (event: EventEnvelope, delivery: EventDelivery<TTx>) => Promise<void>;
  /** The consuming domain's Prisma client, whose database has `processed_events`. */
  db?: EventDatabase<TTx>;
  log: Logger;
  /** Deliveries before an event is given up on and logged as dead-lettered; defaults to 5. */
  maxDeliver?: number;
  /** How long JetStream waits for an ack before redelivering, in ms; defaults to 30 000. The handler's run is kept alive past it. */
  ackWaitMs?: number;
  /** Delay before redelivering a failed event, in ms, by attempt; defaults to 1 s doubling to 30 s. */
  retryDelayMs?: (attempt: number) => number;
  /** Messages fetched ahead of the one being handled; defaults to 10. */
  maxMessages?: number;
}

/** A running consumer. */
export interface EventConsumer {
  durable: string;
  /** Finishes the event being handled (acked or naked), returns the rest to JetStream, and stops. */
  stop(): Promise<void>;
}

const DURABLE_PATTERN = /^[A-Za-z0-9_-]+$/;
const defaultRetryDelay = (attempt: number) => Math.min(1_000 * 2 ** (attempt - 1), 30_000);

/**
 * Starts a durable pull consumer on a domain's event stream and hands each event to
 * `handle`, one at a time in stream order.
 *
 * Delivery is at least once: an event is acked only after `handle` (and, with `db`, its
 * transaction) succeeded; a failure naks it with a growing delay; after `maxDeliver`
 * deliveries it is terminated and logged at error level as `dead-lettered event` with its
 * id, subject and last error, for someone to replay. A message that is not an event
 * envelope is dead-lettered at once. With `db`, {@link processOnce} turns at-least-once
 * delivery into exactly-once effects.
 */
export async function consumeEvents<TTx extends EventTransaction | undefined = undefined>(options: ConsumeEventsOptions<TTx>): Promise<EventConsumer> {
  const { nats, stream, durable, handle, db } = options;
  if (!DURABLE_PATTERN.test(durable) || durable.length > MAX_CONSUMER_LENGTH) {
    throw new Error(`invalid durable consumer name ${JSON.stringify(durable)}: use letters, digits, _ and - (at most ${MAX_CONSUMER_LENGTH})`);
  }
  const maxDeliver = options.maxDeliver ?? 5;
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelay;
  const log = options.log.child({ component: 'event-consumer', stream: stream.name, durable });

  const jsm = await nats.jetstreamManager();
  await ensureEventStream(jsm, stream, { createOnly: true });
  const filters = options.filterSubjects ?? [stream.subjects];
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    max_deliver: maxDeliver,
    ack_wait: nanos(ackWaitMs),
    ...(filters.length === 1 ? { filter_subject: filters[0] } : { filter_subjects: filters }),
  };
  try {
    const { config: existing } = await jsm.consumers.info(stream.name, durable);
    const changed = (Object.keys(config) as (keyof ConsumerConfig)[]).some(
      (key) => JSON.stringify(existing[key]) !== JSON.stringify(config[key]),
    );
    if (changed) await jsm.consumers.update(stream.name, durable, config);
  } catch (error) {
    if (jetStreamErrorCode(error) !== JS_CONSUMER_NOT_FOUND) throw error;
    await jsm.consumers.add(stream.name, { ...config, durable_name: durable, deliver_policy: DeliverPolicy.All });
  }

  const consumer = await nats.jetstream().consumers.get(stream.name, durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: options.maxMessages ?? 10 });
  let stopping = false;

  async function handleMessage(message: JsMsg): Promise<void> {
    const attempt = message.info.deliveryCount;
    const where = { subject: message.subject, streamSequence: message.info.streamSequence, attempt };
    let event: EventEnvelope;
    try {
      event = parseEventEnvelope(message.data);
    } catch (error) {
      log.error({ ...where, error }, 'dead-lettered event: not an event envelope');
      message.term();
      return;
    }
    const context = { ...where, eventId: event.id, type: event.type };
    // Tell JetStream the handler is still at work, so a slow one is not redelivered meanwhile.
    const keepAlive = setInterval(() => message.working(), Math.max(ackWaitMs / 3, 100));
    try {
      if (db) {
        const outcome = await db.$transaction((tx) =>
          processOnce(tx as EventTransaction, durable, event.id, () => handle(event, { subject: message.subject, attempt, tx })),
        );
        if (!outcome.processed) log.debug(context, 'event already processed; skipped');
      } else {
        await handle(event, { subject: message.subject, attempt, tx: undefined as TTx });
      }
      clearInterval(keepAlive);
      await message.ackAck().catch((error: unknown) => log.warn({ ...context, error }, 'ack not confirmed; the event may come again'));
    } catch (error) {
      clearInterval(keepAlive);
      if (error instanceof ZodError) {
        // A payload the handler's schema refuses is refused again on every redelivery.
        log.error({ ...context, error: error.issues }, 'dead-lettered event: its payload is not what the handler expects');
        message.term();
      } else if (attempt >= maxDeliver) {
        log.error({ ...context, error }, `dead-lettered event: failed ${attempt} times`);
        message.term();
      } else {
        const delay = retryDelayMs(attempt);
        log.warn({ ...context, error, retryInMs: delay }, 'event handler failed; will retry');
        message.nak(delay);
      }
    }
  }

  const loop = (async () => {
    try {
      for await (const message of messages) {
        // Messages fetched ahead of a stop go back at once instead of waiting out ack_wait.
        if (stopping) message.nak();
        else await handleMessage(message);
      }
    } catch (error) {
      log.error({ error }, 'event consumer stopped');
    }
  })();

  return {
    durable,
    async stop() {
      stopping = true;
      // The loop ends once the iterator has handed over what it had buffered; closing's own
      // promise is not awaited, as it never settles when the loop already ended on an error.
      void messages.close();
      await loop;
    },
  };
}
