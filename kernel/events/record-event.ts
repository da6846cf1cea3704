import type { Domain } from '../config';
import type { EventTransaction } from './event-database';
import { toSqlDateTime } from './event-database';
import type { EventEnvelope } from './event-envelope';
import { nextEventId } from './event-id';
import { eventStream, eventSubject, type EventStream } from './event-names';

/**
 * Largest envelope accepted, in bytes. NATS refuses messages over its `max_payload`
 * (1 MiB by default); a row the relay can never publish would hold up every event after
 * it, so an oversized event fails in the caller's transaction instead.
 */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * Writes an event into the domain's `outbox_events` table through `tx`, the Prisma
 * transaction client the state change is made with: the event commits or rolls back
 * with it. Returns the envelope that will be published. `data` must be JSON (money as
 * integer minor units, never BigInt or floats).
 */
export type RecordEvent = <T>(tx: EventTransaction, type: string, data: T) => Promise<EventEnvelope<T>>;

/**
 * The `recordEvent` of one domain, e.g. in a service:
 *
 * ```ts
 * const recordEvent = createEventRecorder({ prefix: config.EVENTS_PREFIX, domain: 'orders' });
 * await db.$transaction(async (tx) => {
 *   const order = await tx.order.create({ data });
 *   await recordEvent(tx, 'order.placed', { orderId: order.id, userId: order.userId });
 * });
 * relay.notify(); // publish now rather than at the next poll
 * ```
 */
export function createEventRecorder(options: { prefix: string; domain: Domain } | EventStream): RecordEvent {
  const stream = 'name' in options ? options : eventStream(options.prefix, options.domain);
  return async <T>(tx: EventTransaction, type: string, data: T): Promise<EventEnvelope<T>> => {
    const subject = eventSubject(stream, type);
    if (data === undefined) throw new Error(`event ${type}: data must be a JSON value, got undefined`);
    const { id, timestamp } = nextEventId();
    const envelope: EventEnvelope<T> = { id, type, occurredAt: new Date(timestamp).toISOString(), data };
    const payload = JSON.stringify(envelope);
    if (Buffer.byteLength(payload) > MAX_EVENT_BYTES) {
      throw new Error(`event ${type} is ${Buffer.byteLength(payload)} bytes; the limit is ${MAX_EVENT_BYTES}`);
    }
    // created_at is the id's own millisecond, so (created_at, id) order is id order and the
    // relay's scan can follow the (published_at, created_at) index.
    await tx.$executeRawUnsafe(
      'INSERT INTO outbox_events (id, type, subject, payload, created_at) VALUES (?, ?, ?, ?, ?)',
      id,
      type,
      subject,
      payload,
      toSqlDateTime(timestamp),
    );
    return envelope;
  };
}
