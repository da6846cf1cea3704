import { randomBytes } from 'node:crypto';

/** Largest value of the 12-bit counter a UUIDv7 carries after its timestamp (RFC 9562, method 1). */
const MAX_COUNTER = 0xfff;

let lastMs = 0;
let counter = 0;

/** A new event id and the millisecond it was minted in (the id's own timestamp). */
export interface EventIdWithTime {
  id: string;
  timestamp: number;
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter, then 62
 * random bits. Ids from one process sort in the order they were made, even within one
 * millisecond and when the clock steps back (the timestamp then stays on the last one),
 * so the outbox can publish in id order. Ids from several processes sort by time,
 * ties broken arbitrarily.
 */
export function nextEventId(): EventIdWithTime {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    // Start low in the counter's range so a burst within one millisecond has room.
    counter = randomBytes(2).readUInt16BE(0) & 0x3ff;
  } else if (++counter > MAX_COUNTER) {
    lastMs += 1;
    counter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, timestamp: lastMs };
}

/** A new time-ordered event id (UUIDv7); see {@link nextEventId}. */
export const newEventId = (): string => nextEventId().id;

/** Any UUID in its canonical 36-character form: what `outbox_events.id` and `processed_events.event_id` hold. */
export const EVENT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
