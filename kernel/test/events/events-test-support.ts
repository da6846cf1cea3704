/**
 * What the event integration tests share: a scratch database behind the kernel's minimal
 * {@link EventDatabase} interface (the `mariadb` driver directly: no domain's Prisma
 * schema has the event tables yet), a per-test events prefix whose streams are deleted
 * afterwards, and a logger whose lines the test can read.
 */
import { randomBytes } from 'node:crypto';
import { connect, type JetStreamManager, type NatsConnection, type StoredMsg } from 'nats';
import { createConnection, createPool, type Pool, type PoolConnection } from 'mariadb';
import { poolConfigFromUrl } from '../../database';
import { createLogger, type Logger } from '../../logger';
import {
  EVENT_TABLES_SQL,
  type EventDatabase,
  type EventTransaction,
  type EventTransactionOptions,
} from '../../events';
import { splitStatements } from '../../../scripts/migrate';

const DATABASE_URL = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Runs a query on a pool or one connection and shapes the result like Prisma's raw methods. */
function rawClient(run: (sql: string, values: unknown[]) => Promise<unknown>): EventTransaction {
  return {
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return [...((await run(query, values)) as unknown[])] as T;
    },
    async $executeRawUnsafe(query: string, ...values: unknown[]) {
      return Number((await run(query, values) as { affectedRows: number | bigint }).affectedRows);
    },
  };
}

/** A Prisma-like client over a `mariadb` pool: `$transaction` runs `fn` on one connection. */
export class MariaDbEventDatabase implements EventDatabase {
  readonly $queryRawUnsafe: EventTransaction['$queryRawUnsafe'];
  readonly $executeRawUnsafe: EventTransaction['$executeRawUnsafe'];

  constructor(readonly pool: Pool) {
    const client = rawClient((sql, values) => pool.query(sql, values));
    this.$queryRawUnsafe = client.$queryRawUnsafe;
    this.$executeRawUnsafe = client.$executeRawUnsafe;
  }

  async $transaction<R>(fn: (tx: EventTransaction) => Promise<R>, _options?: EventTransactionOptions): Promise<R> {
    const connection: PoolConnection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const result = await fn(rawClient((sql, values) => connection.query(sql, values)));
      await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      await connection.release();
    }
  }
}

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { level: string; message: string };

/** Everything one test needs; `cleanup()` drops the database and deletes the streams. */
export interface EventsTestBed {
  /** Unique per test, so runs and tests never share a stream. */
  prefix: string;
  databaseName: string;
  databaseUrl: string;
  db: MariaDbEventDatabase;
  nats: NatsConnection;
  jsm: JetStreamManager;
  log: Logger;
  lines: LogLine[];
  /** Every message of a stream, in stream order. */
  streamMessages(streamName: string): Promise<StoredMsg[]>;
  cleanup(): Promise<void>;
}

/** Creates scratch database `shop_events_<random>` with the event tables (and `extraSql`), and a fresh prefix. */
export async function createEventsTestBed(extraSql: string[] = []): Promise<EventsTestBed> {
  const run = randomBytes(5).toString('hex');
  const prefix = `evt_${run}`;
  const databaseName = `shop_events_${run}`;
  const server = poolConfigFromUrl(DATABASE_URL);
  const admin = await createConnection({ ...server, database: undefined });
  try {
    await admin.query(`CREATE DATABASE \`${databaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const databaseUrl = new URL(DATABASE_URL);
  databaseUrl.pathname = `/${databaseName}`;
  const pool = createPool({ ...server, database: databaseName, connectionLimit: 8 });
  for (const statement of [...splitStatements(EVENT_TABLES_SQL), ...extraSql]) await pool.query(statement);

  const nats = await connect({ servers: NATS_URL, name: `events-test-${run}` });
  const jsm = await nats.jetstreamManager();
  const lines: LogLine[] = [];
  const log = createLogger({
    service: 'events-test',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });

  return {
    prefix,
    databaseName,
    databaseUrl: databaseUrl.toString(),
    db: new MariaDbEventDatabase(pool),
    nats,
    jsm,
    log,
    lines,
    async streamMessages(streamName) {
      const { state } = await jsm.streams.info(streamName);
      const messages: StoredMsg[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        messages.push(await jsm.streams.getMessage(streamName, { seq }));
      }
      return messages;
    },
    async cleanup() {
      const ours = `${prefix}_`.toUpperCase();
      for await (const name of jsm.streams.names()) if (name.startsWith(ours)) await jsm.streams.delete(name);
      await nats.close();
      await pool.end();
      const connection = await createConnection({ ...server, database: undefined });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** Polls `condition` every 20 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * `db` with `before(sql)` run ahead of every statement, in and out of transactions: to
 * slow a relay down, or to fail one statement as a crash or an outage would.
 */
export function interceptDatabase(db: EventDatabase, before: (sql: string) => void | Promise<void>): EventDatabase {
  const wrap = (client: EventTransaction): EventTransaction => ({
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      await before(query);
      return client.$queryRawUnsafe<T>(query, ...values);
    },
    async $executeRawUnsafe(query: string, ...values: unknown[]) {
      await before(query);
      return client.$executeRawUnsafe(query, ...values);
    },
  });
  return {
    ...wrap(db),
    $transaction: (fn, options) => db.$transaction((tx) => fn(wrap(tx)), options),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
