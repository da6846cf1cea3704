import { EVENT_ID_PATTERN } from './event-id';

/**
 * What every event message carries, as JSON. `id` is a time-ordered UUIDv7, also the
 * message's `Nats-Msg-Id` and the consumers' idempotency key; `occurredAt` is the ISO
 * time of the transaction that recorded it; `data` is the event's own payload.
 */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  occurredAt: string;
  data: T;
}

/** Parses a message body into an envelope; throws when it is not one (such a message can never succeed). */
export function parseEventEnvelope(body: Uint8Array | string): EventEnvelope {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const value: unknown = JSON.parse(text);
  const envelope = value as Partial<EventEnvelope> | null;
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    typeof envelope.id !== 'string' ||
    !EVENT_ID_PATTERN.test(envelope.id) ||
    typeof envelope.type !== 'string' ||
    typeof envelope.occurredAt !== 'string' ||
    !('data' in envelope)
  ) {
    throw new Error('not an event envelope: expected { id, type, occurredAt, data }');
  }
  return envelope as EventEnvelope;
}
