import { nextEventId } from '#kernel';
import { Prisma, type PaymentLogKind } from '../generated/prisma/client';

/**
 * Where log entries are spooled: the PrismaClient, or the transaction client of the
 * change the entries describe (so they commit or roll back with it).
 */
export type LogWriter = Pick<Prisma.TransactionClient, 'paymentLogEntry'>;

/** One thing to record in the payments transaction log. */
export interface LogEntryInput {
  /** The payment it concerns; null for a webhook that names no payment we know. */
  paymentId: string | null;
  kind: PaymentLogKind;
  /** Provider name, e.g. `simulator`. */
  provider: string;
  /** What was sent or received; stored through {@link redactPayload}. */
  payload: unknown;
}

/** Largest serialized payload kept whole; a bigger one is stored as a truncated preview. */
export const MAX_LOG_PAYLOAD_BYTES = 64 * 1024;

/** What replaces the value of a key that may hold a secret or card data. */
export const REDACTED = '[redacted]';

const SENSITIVE_KEY = /token|secret|password|signature|card|cvc|cvv|authorization/i;

/** Words of a camelCase, snake_case or kebab-case key, lower-cased. */
const wordsOf = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);

// "pan" (primary account number) only as a whole word: as a substring it would also hide "company" or "timespan".
const isSensitiveKey = (key: string) => SENSITIVE_KEY.test(key) || wordsOf(key).includes('pan');

/**
 * A JSON copy of `payload` safe to keep for years: BigInts become decimal strings, the
 * values of keys that look sensitive (tokens, secrets, signatures, card data,
 * authorization) become `[redacted]`, and a payload whose JSON exceeds
 * {@link MAX_LOG_PAYLOAD_BYTES} is replaced by `{ truncated: true, bytes, preview }` so
 * one giant webhook cannot break the spool.
 */
export function redactPayload(payload: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload, (key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      return key !== '' && value != null && isSensitiveKey(key) ? REDACTED : value;
    });
  } catch (error) {
    // A circular structure: record that, rather than lose the entry.
    return { unserializable: (error as Error).message };
  }
  if (json === undefined || json === 'null') return Prisma.JsonNull;
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_LOG_PAYLOAD_BYTES) return JSON.parse(json) as Prisma.InputJsonValue;
  return truncated(json, bytes);
}

/** The marker kept for an oversized payload: its size and as much of its JSON text as fits. */
function truncated(json: string, bytes: number): Prisma.InputJsonValue {
  let preview = json.slice(0, MAX_LOG_PAYLOAD_BYTES);
  for (;;) {
    const marker = { truncated: true, bytes, preview };
    // Escaping inside the preview string makes it longer than the text it holds: shrink until it fits.
    const excess = Buffer.byteLength(JSON.stringify(marker)) - MAX_LOG_PAYLOAD_BYTES;
    if (excess <= 0) return marker;
    preview = preview.slice(0, preview.length - excess);
  }
}

/**
 * Spools log entries in MySQL (`payment_log_entries`), whence the shipper moves them to
 * MongoDB. Pass the transaction client of the change they describe so both commit
 * together. Ids are UUIDv7, so log order is id order; `createdAt` is the id's own time.
 * Returns the new entries' ids, in order.
 */
export async function appendLog(db: LogWriter, entries: LogEntryInput | LogEntryInput[]): Promise<string[]> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return [];
  const data = list.map(({ paymentId, kind, provider, payload }) => {
    const { id, timestamp } = nextEventId();
    return { id, paymentId, kind, provider, payload: redactPayload(payload), createdAt: new Date(timestamp) };
  });
  await db.paymentLogEntry.createMany({ data });
  return data.map((entry) => entry.id);
}
