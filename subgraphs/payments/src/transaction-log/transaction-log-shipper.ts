import { MongoBulkWriteError, MongoClient, type Collection, type MongoClientOptions } from 'mongodb';
import { startPeriodicWorker, type BackgroundWorker, type Logger } from '#kernel';
import type { PaymentLogEntry, PaymentLogKind, PrismaClient } from '../generated/prisma/client';

/** Options of {@link startTransactionLogShipper}. */
export interface TransactionLogShipperOptions {
  db: PrismaClient;
  /** The MongoDB to ship to; when undefined the log stays in MySQL, where nothing is lost. */
  mongoUrl: string | undefined;
  log: Logger;
  /** Time between passes; defaults to 1000 ms. */
  intervalMs?: number;
  /** Entries per pass, oldest first; defaults to 200. */
  batchSize?: number;
  /** Defaults to `shop_payments`. */
  database?: string;
  /** Defaults to `payment_transactions`. */
  collection?: string;
}

/** The shipper's background worker, plus one pass on demand. */
export interface TransactionLogShipper extends BackgroundWorker {
  /**
   * One pass now, whatever the back-off: ships up to `batchSize` of the oldest entries
   * and returns how many MongoDB accepted (and so left MySQL). Never throws for MongoDB
   * being unreachable: that ships nothing and returns 0.
   */
  shipOnce(): Promise<number>;
}

/** A log entry in MongoDB: `_id` is the spooled entry's id, so shipping one twice is a duplicate key. */
export interface PaymentTransactionDocument {
  _id: string;
  paymentId: string | null;
  kind: PaymentLogKind;
  provider: string;
  payload: unknown;
  at: Date;
}

const NAME = 'transaction-log-shipper';
const DUPLICATE_KEY = 11000;
const MAX_BACKOFF_MS = 30_000;
// The driver waits 30 s by default for a server; a pass should fail fast and retry later instead.
const SHORT_TIMEOUTS = { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000 } as const;

/**
 * Moves the transaction log from its MySQL spool (`payment_log_entries`) to MongoDB, at
 * least once and without duplicates: each pass inserts the oldest entries with `_id` =
 * entry id, unordered, counts a duplicate key as already there (a crash between insert
 * and delete, or another payments process shipping the same rows), then deletes from
 * MySQL exactly the entries MongoDB has. While MongoDB is unreachable the rows stay,
 * passes back off up to 30 s, and the outage is logged once when it starts and once
 * when it ends.
 */
export function startTransactionLogShipper(options: TransactionLogShipperOptions): TransactionLogShipper {
  const { db, mongoUrl, log, intervalMs = 1000, batchSize = 200 } = options;
  if (mongoUrl === undefined) {
    log.info('transaction log kept in MySQL only: MONGO_URL is not set');
    return { name: NAME, stop: async () => {}, shipOnce: async () => 0 };
  }
  const url = mongoUrl;
  const database = options.database ?? 'shop_payments';
  const collection = options.collection ?? 'payment_transactions';
  let client: MongoClient | undefined;
  let indexed = false;
  let outage: { since: number; failures: number; retryAt: number } | undefined;
  let inFlight: Promise<number> | undefined;
  let stopped = false;

  /** The collection, connecting on first use. */
  async function transactions(): Promise<Collection<PaymentTransactionDocument>> {
    client ??= new MongoClient(url, shortTimeoutsUnlessSet(url));
    const target = client.db(database).collection<PaymentTransactionDocument>(collection);
    if (!indexed) {
      await target.createIndexes([{ key: { paymentId: 1, at: 1 } }, { key: { at: 1 } }]);
      indexed = true;
    }
    return target;
  }

  /** Ids MongoDB now holds: inserted, or there already. Throws when that is not known for each document. */
  async function insert(documents: PaymentTransactionDocument[]): Promise<string[]> {
    const target = await transactions();
    try {
      await target.insertMany(documents, { ordered: false });
      return documents.map((document) => document._id);
    } catch (error) {
      // Trust the outcome only when every document is accounted for, inserted or with its
      // own write error. A wrapped network or write-concern error proves nothing (its
      // insertedIds even lists every attempted id): nothing is deleted, the next pass retries.
      if (!(error instanceof MongoBulkWriteError) || error.result?.getWriteConcernError()) throw error;
      const writeErrors = [error.writeErrors].flat();
      if (writeErrors.length === 0 || error.insertedCount + writeErrors.length !== documents.length) throw error;
      const rejected = new Map(writeErrors.filter((e) => e.code !== DUPLICATE_KEY).map((e) => [e.index, e]));
      if (rejected.size > 0) {
        const failures = [...rejected].map(([index, e]) => ({ id: documents[index]!._id, code: e.code, message: e.errmsg }));
        log.warn({ worker: NAME, failures }, 'MongoDB refused some transaction-log entries; they stay in MySQL');
      }
      return documents.filter((_, index) => !rejected.has(index)).map((document) => document._id);
    }
  }

  async function ship(): Promise<number> {
    const entries = await db.paymentLogEntry.findMany({ orderBy: { id: 'asc' }, take: batchSize });
    if (entries.length === 0) return 0;
    let accepted: string[];
    try {
      accepted = await insert(entries.map(toDocument));
    } catch (error) {
      noteFailure(error);
      await discardClient();
      return 0;
    }
    noteSuccess();
    // Deleting by id is idempotent, so two shippers deleting the same rows is harmless.
    if (accepted.length > 0) await db.paymentLogEntry.deleteMany({ where: { id: { in: accepted } } });
    return accepted.length;
  }

  // A client whose first connection failed stays closed ("Topology is closed") for good: start afresh next time.
  async function discardClient() {
    const stale = client;
    client = undefined;
    indexed = false;
    await stale?.close().catch(() => {});
  }

  function noteFailure(error: unknown) {
    const now = Date.now();
    if (!outage) {
      outage = { since: now, failures: 0, retryAt: now };
      log.warn({ error, worker: NAME }, 'MongoDB is unreachable: the transaction log stays in MySQL until it is back');
    } else {
      log.debug({ error, worker: NAME, failures: outage.failures + 1 }, 'MongoDB still unreachable');
    }
    outage.failures += 1;
    outage.retryAt = now + Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** (outage.failures - 1));
  }

  function noteSuccess() {
    if (!outage) return;
    log.info({ worker: NAME, downForMs: Date.now() - outage.since }, 'MongoDB is reachable again: shipping the transaction log');
    outage = undefined;
  }

  // One pass at a time per process, whether the timer or a caller asks.
  const shipOnce = async () => (stopped ? 0 : (inFlight ??= ship().finally(() => (inFlight = undefined))));

  const worker = startPeriodicWorker({
    name: NAME,
    intervalMs,
    log,
    pass: async () => (outage && Date.now() < outage.retryAt ? 0 : shipOnce()),
  });
  return {
    name: NAME,
    shipOnce,
    stop: async () => {
      stopped = true;
      await worker.stop();
      await inFlight?.catch(() => {});
      await client?.close();
    },
  };
}

const toDocument = (entry: PaymentLogEntry): PaymentTransactionDocument => ({
  _id: entry.id,
  paymentId: entry.paymentId,
  kind: entry.kind,
  provider: entry.provider,
  payload: entry.payload,
  at: entry.createdAt,
});

/** Short timeouts, unless the URL sets its own (options given here would override the URL's). */
function shortTimeoutsUnlessSet(mongoUrl: string): MongoClientOptions {
  const setInUrl = (option: string) => new RegExp(`[?&]${option}=`, 'i').test(mongoUrl);
  return Object.fromEntries(Object.entries(SHORT_TIMEOUTS).filter(([option]) => !setInUrl(option)));
}
