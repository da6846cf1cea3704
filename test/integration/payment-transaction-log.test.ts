/**
 * The payments transaction log against the run's real payments database: entries are
 * spooled in MySQL redacted and in id order, and stay there, nothing lost, while MongoDB
 * is unreachable or not configured. Shipping to a real MongoDB runs only when MONGO_URL
 * is set, into a database of its own that is dropped afterwards. Every entry written
 * here has a fresh payment id and is deleted at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { MongoClient, type Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createPrismaClient, databaseUrlFor } from '#kernel';
import { PrismaClient } from '../../subgraphs/payments/src/generated/prisma/client';
import { appendLog, MAX_LOG_PAYLOAD_BYTES, type LogEntryInput } from '../../subgraphs/payments/src/transaction-log/transaction-log';
import {
  startTransactionLogShipper,
  type PaymentTransactionDocument,
  type TransactionLogShipperOptions,
} from '../../subgraphs/payments/src/transaction-log/transaction-log-shipper';
import { controlService, testEnvironment } from '../support/clients';

const { MONGO_URL } = process.env;
// Port 1 refuses connections at once; the short timeout keeps each failed pass quick.
const CLOSED_MONGO_URL = 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300';

let db: PrismaClient;
const paymentIds: string[] = [];

beforeAll(async () => {
  if (!MONGO_URL) console.warn('MongoDB transaction-log tests skipped: MONGO_URL is not set');
  // With MONGO_URL set, the run's own payments process would ship (and delete) the rows these tests watch.
  else await controlService('payments', 'stop');
  const { env } = testEnvironment();
  const url = databaseUrlFor('payments', { DATABASE_URL: env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306', DATABASE_PREFIX: env.DATABASE_PREFIX! }, env);
  db = createPrismaClient(PrismaClient, url, { connectionLimit: 2 });
});
afterAll(async () => {
  await db?.paymentLogEntry.deleteMany({ where: { paymentId: { in: paymentIds } } });
  await db?.$disconnect();
  if (MONGO_URL) await controlService('payments', 'start');
});

/** A payment id of this file's own, cleaned up after. */
function newPaymentId(): string {
  const id = randomUUID();
  paymentIds.push(id);
  return id;
}

const entry = (paymentId: string, kind: LogEntryInput['kind'], payload: unknown): LogEntryInput => ({ paymentId, kind, provider: 'simulator', payload });

const spooled = (paymentId: string) => db.paymentLogEntry.findMany({ where: { paymentId }, orderBy: { id: 'asc' } });

/** A logger whose lines the test reads back. */
function capturedLog() {
  const lines: { level: string; message: string; error?: { type: string } }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, log: createLogger({ service: 'test', level: 'debug', destination }) };
}

/** A shipper whose timer never fires during a test: passes run only through `shipOnce`. */
const manualShipper = (options: Pick<TransactionLogShipperOptions, 'mongoUrl' | 'database' | 'batchSize'>) =>
  startTransactionLogShipper({ db, log: capturedLog().log, intervalMs: 3_600_000, ...options });

describe('appendLog', () => {
  it('spools entries in id order with secrets redacted and BigInts as decimal strings', async () => {
    const paymentId = newPaymentId();
    const ids = await appendLog(db, [
      entry(paymentId, 'PROVIDER_REQUEST', {
        amount: 1999n,
        currency: 'EUR',
        cardToken: 'tok_visa',
        card: { number: '4242424242424242', cvc: '123' },
        pan: '4242424242424242',
        company: 'ACME',
        headers: { Authorization: 'Bearer abc', 'Stripe-Signature': 't=1,v1=f00' },
        attempts: [{ client_secret: 'pi_secret', password: 'hunter2', ok: true }],
      }),
      entry(paymentId, 'PROVIDER_RESPONSE', { id: 'sim_1', status: 'succeeded', captured: 1999n }),
      entry(paymentId, 'STATE_CHANGE', { from: 'PENDING', to: 'CAPTURED' }),
    ]);

    const rows = await spooled(paymentId);
    expect(rows.map((row) => row.id)).toEqual(ids);
    expect([...ids].sort()).toEqual(ids);
    expect(rows.map((row) => row.kind)).toEqual(['PROVIDER_REQUEST', 'PROVIDER_RESPONSE', 'STATE_CHANGE']);
    expect(rows[0]!.payload).toEqual({
      amount: '1999',
      currency: 'EUR',
      cardToken: '[redacted]',
      card: '[redacted]',
      pan: '[redacted]',
      company: 'ACME',
      headers: { Authorization: '[redacted]', 'Stripe-Signature': '[redacted]' },
      attempts: [{ client_secret: '[redacted]', password: '[redacted]', ok: true }],
    });
    expect(rows[1]!.payload).toEqual({ id: 'sim_1', status: 'succeeded', captured: '1999' });
  });

  it("writes within the caller's transaction: a rollback leaves no entry", async () => {
    const paymentId = newPaymentId();
    const rollback = db.$transaction(async (tx) => {
      await appendLog(tx, entry(paymentId, 'STATE_CHANGE', { to: 'FAILED' }));
      throw new Error('the change failed');
    });
    await expect(rollback).rejects.toThrow('the change failed');
    expect(await spooled(paymentId)).toEqual([]);
  });

  it('keeps a truncated preview of a payload too big to store', async () => {
    const paymentId = newPaymentId();
    // Quotes double in size when escaped, twice over inside the preview: the cap must still hold.
    const huge = { events: Array.from({ length: 5_000 }, (_, i) => ({ i, note: '"quoted" text '.repeat(5) })) };
    await appendLog(db, entry(paymentId, 'WEBHOOK', huge));

    const [row] = await spooled(paymentId);
    const payload = row!.payload as { truncated: boolean; bytes: number; preview: string };
    expect(payload).toMatchObject({ truncated: true, bytes: Buffer.byteLength(JSON.stringify(huge)) });
    expect(payload.preview.startsWith('{"events":[{"i":0,"note":"\\"quoted\\" text')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(MAX_LOG_PAYLOAD_BYTES);
  });
});

describe('transaction-log shipper without MongoDB', () => {
  it('keeps every entry in MySQL while MongoDB is unreachable, warning once per outage', async () => {
    const paymentId = newPaymentId();
    const ids = await appendLog(db, [entry(paymentId, 'PROVIDER_REQUEST', { amount: 500n }), entry(paymentId, 'PROVIDER_RESPONSE', { status: 'ok' })]);
    const { lines, log } = capturedLog();
    const shipper = startTransactionLogShipper({ db, log, mongoUrl: CLOSED_MONGO_URL, intervalMs: 3_600_000 });
    try {
      for (let pass = 0; pass < 3; pass++) expect(await shipper.shipOnce()).toBe(0);
    } finally {
      await shipper.stop();
    }

    expect((await spooled(paymentId)).map((row) => row.id)).toEqual(ids);
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/MongoDB is unreachable/);
    // Every pass really tried the server (none gave up on a client closed by the first failure).
    const retries = lines.filter((line) => line.level === 'debug');
    expect(retries.map((line) => line.error?.type)).toEqual(['MongoServerSelectionError', 'MongoServerSelectionError']);
    expect(lines.filter((line) => /reachable again/.test(line.message))).toEqual([]);
  });

  it('backs off between passes while the outage lasts', async () => {
    const { lines, log } = capturedLog();
    const shipper = startTransactionLogShipper({ db, log, mongoUrl: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=20', intervalMs: 25 });
    await appendLog(db, entry(newPaymentId(), 'WEBHOOK', {})); // something to ship, so passes reach MongoDB
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await shipper.stop();

    // Without back-off a pass every ~45 ms would make some 30 attempts; doubling waits make about 5.
    const attempts = lines.filter((line) => line.error?.type === 'MongoServerSelectionError').length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(10);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('only says so when MONGO_URL is not set, and leaves the entries in MySQL', async () => {
    const paymentId = newPaymentId();
    const ids = await appendLog(db, entry(paymentId, 'WEBHOOK', { type: 'payment.succeeded' }));
    const { lines, log } = capturedLog();
    const shipper = startTransactionLogShipper({ db, log, mongoUrl: undefined });
    expect(await shipper.shipOnce()).toBe(0);
    await shipper.stop();

    expect(lines).toEqual([expect.objectContaining({ level: 'info', message: 'transaction log kept in MySQL only: MONGO_URL is not set' })]);
    expect((await spooled(paymentId)).map((row) => row.id)).toEqual(ids);
  });
});

describe.skipIf(!MONGO_URL)('transaction-log shipper with MongoDB', () => {
  const database = `shop_payments_test_${randomBytes(4).toString('hex')}`;
  let mongo: MongoClient;
  let transactions: Collection<PaymentTransactionDocument>;

  beforeAll(async () => {
    mongo = await new MongoClient(MONGO_URL!).connect();
    transactions = mongo.db(database).collection('payment_transactions');
  });
  afterAll(async () => {
    await mongo?.db(database).dropDatabase();
    await mongo?.close();
  });

  /** Runs passes until the spool is empty (it may hold other specs' entries too). */
  async function drain(shipper: { shipOnce(): Promise<number> }) {
    while ((await shipper.shipOnce()) > 0);
  }

  it('moves entries to MongoDB, indexed by payment and time, and deletes them from MySQL', async () => {
    const paymentId = newPaymentId();
    await appendLog(db, [entry(paymentId, 'PROVIDER_REQUEST', { amount: 700n, token: 'tok' }), entry(paymentId, 'PROVIDER_RESPONSE', { status: 'ok' })]);
    const rows = await spooled(paymentId);
    const shipper = manualShipper({ mongoUrl: MONGO_URL, database });
    try {
      await drain(shipper);
    } finally {
      await shipper.stop();
    }

    expect(await spooled(paymentId)).toEqual([]);
    const documents = await transactions.find({ paymentId }).sort({ _id: 1 }).toArray();
    expect(documents).toEqual(
      rows.map((row) => ({ _id: row.id, paymentId, kind: row.kind, provider: 'simulator', payload: row.payload, at: row.createdAt })),
    );
    const keys = (await transactions.indexes()).map((index) => index.key);
    expect(keys).toEqual(expect.arrayContaining([{ paymentId: 1, at: 1 }, { at: 1 }]));
  });

  it('counts entries MongoDB already has as shipped (a crash between insert and delete), storing each once', async () => {
    const paymentId = newPaymentId();
    await appendLog(db, [1, 2, 3].map((n) => entry(paymentId, 'WEBHOOK', { n })));
    const rows = await spooled(paymentId);
    // The previous shipper inserted the first two, then died before deleting them from MySQL.
    await transactions.insertMany(rows.slice(0, 2).map((row) => ({ _id: row.id, paymentId, kind: row.kind, provider: row.provider, payload: row.payload, at: row.createdAt })));
    const shipper = manualShipper({ mongoUrl: MONGO_URL, database });
    try {
      await drain(shipper);
    } finally {
      await shipper.stop();
    }

    expect(await spooled(paymentId)).toEqual([]);
    expect(await transactions.countDocuments({ paymentId })).toBe(3);
  });

  it('lets two processes ship the same spool at once without duplicates or losses', async () => {
    const paymentId = newPaymentId();
    const ids = await appendLog(db, Array.from({ length: 50 }, (_, n) => entry(paymentId, 'STATE_CHANGE', { n })));
    const shippers = [0, 1].map(() => manualShipper({ mongoUrl: MONGO_URL, database, batchSize: 20 }));
    try {
      await Promise.all(shippers.map(drain));
    } finally {
      await Promise.all(shippers.map((shipper) => shipper.stop()));
    }

    expect(await spooled(paymentId)).toEqual([]);
    const documents = await transactions.find({ paymentId }, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray();
    expect(documents.map((document) => document._id)).toEqual(ids);
  });
});
