import type { EventTransaction } from './event-database';
import { EVENT_ID_PATTERN } from './event-id';

/** Longest consumer name `processed_events.consumer` holds. */
export const MAX_CONSUMER_LENGTH = 100;

/** What {@link processOnce} did. */
export type ProcessOnceResult<R> = { processed: true; result: R } | { processed: false };

/**
 * Runs `work` once per (`consumer`, `eventId`), however often the event is delivered.
 *
 * It inserts the pair into `processed_events` through `tx`, the transaction `work`
 * makes its changes in, and runs `work` only when the row is new. Because the marker
 * and the changes commit or roll back together, a delivery either changed everything
 * and is remembered, or changed nothing and is retried. A concurrent delivery of the
 * same event blocks on the primary key until the first transaction ends, then skips
 * (or runs, if the first rolled back).
 *
 * Only database changes made through `tx` are covered: an email sent or an HTTP call
 * made in `work` can happen again if the transaction fails after it.
 */
export async function processOnce<R>(
  tx: EventTransaction,
  consumer: string,
  eventId: string,
  work: () => Promise<R>,
): Promise<ProcessOnceResult<R>> {
  // INSERT IGNORE also downgrades truncation to a warning, so the inputs are checked first.
  if (!consumer || consumer.length > MAX_CONSUMER_LENGTH) {
    throw new Error(`consumer name must be 1-${MAX_CONSUMER_LENGTH} characters, got ${JSON.stringify(consumer)}`);
  }
  if (!EVENT_ID_PATTERN.test(eventId)) throw new Error(`invalid event id ${JSON.stringify(eventId)}`);
  // affectedRows is 0 when the key exists, whatever the driver's FOUND_ROWS setting.
  const inserted = await tx.$executeRawUnsafe(
    'INSERT IGNORE INTO processed_events (consumer, event_id, processed_at) VALUES (?, ?, UTC_TIMESTAMP(3))',
    consumer,
    eventId,
  );
  if (Number(inserted) === 0) return { processed: false };
  return { processed: true, result: await work() };
}
