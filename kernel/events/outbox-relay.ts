import type { JetStreamClient, NatsConnection } from 'nats';
import type { Domain } from '../config';
import type { Logger } from '../logger';
import type { EventDatabase } from './event-database';
import { eventStream, type EventStream } from './event-names';
import { ensureEventStream } from './event-stream';

/** Options of {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  /** The domain's Prisma client (or anything with its raw-SQL and transaction methods). */
  db: EventDatabase;
  nats: NatsConnection;
  log: Logger;
  domain: Domain;
  /** `config.EVENTS_PREFIX`. */
  prefix: string;
  /** Pause between passes when the outbox is empty, in ms; defaults to 500. */
  pollIntervalMs?: number;
  /** Rows taken and published per transaction; defaults to 50. */
  batchSize?: number;
  /** Longest pause between attempts while NATS or the database is down, in ms; defaults to 15 000. */
  maxBackoffMs?: number;
  /** JetStream's duplicate window for the stream, in ms; defaults to 2 minutes. */
  duplicateWindowMs?: number;
  /** Longest wait for JetStream to acknowledge one publish, in ms; defaults to 5 000. */
  publishTimeoutMs?: number;
}

/** Counters of one relay since it started. */
export interface OutboxRelayStats {
  /** Events JetStream stored. */
  published: number;
  /** Publishes JetStream dropped as repeats of a stored `Nats-Msg-Id`. */
  duplicates: number;
}

interface OutboxRow {
  id: string;
  subject: string;
  payload: string;
}

/**
 * Publishes a domain's `outbox_events` to its JetStream stream (`<PREFIX>_<DOMAIN>`).
 *
 * Each pass, in one database transaction: take the oldest unpublished rows with
 * `SELECT ... FOR UPDATE SKIP LOCKED` (id order, `batchSize` at most), publish each with
 * `Nats-Msg-Id` = event id and wait for JetStream's acknowledgement, then set
 * `published_at` on the ones acknowledged and commit. A full batch is followed at once
 * by the next; otherwise the relay sleeps `pollIntervalMs` or until {@link notify}.
 *
 * **Nothing is lost.** An event row commits in the same transaction as the change it
 * describes, so a rolled-back change has no event and a committed one has its row. The
 * row is marked published only after JetStream has stored the message (file storage),
 * so a crash, a NATS outage or a database outage at any point leaves it unmarked, and a
 * later pass (of this relay or another) publishes it again.
 *
 * **Nothing is duplicated.** The row locks keep two relays on one database from taking
 * the same rows; `SKIP LOCKED` lets them share the work instead of waiting. If the relay
 * dies after publishing but before its mark commits, the row is published again with
 * the same `Nats-Msg-Id`, and JetStream drops the repeat inside its duplicate window
 * (2 min). Only if that republish comes later than the window can a second copy reach
 * the stream; durable consumers absorb it with {@link processOnce}, keyed by the same id.
 *
 * **Order.** One relay publishes in id order (UUIDv7: commit order within a process).
 * With several relays, or a transaction that commits long after it recorded its event,
 * events can reach the stream out of id order; consumers that care compare versions.
 *
 * While NATS or the database is down it retries with exponential backoff up to
 * `maxBackoffMs`, logging one warning when the outage starts and one line when it ends.
 */
export class OutboxRelay {
  readonly stream: EventStream;
  readonly stats: OutboxRelayStats = { published: 0, duplicates: 0 };

  private readonly db: EventDatabase;
  private readonly log: Logger;
  private readonly js: JetStreamClient;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private readonly publishTimeoutMs: number;
  private running?: Promise<void>;
  private stopping = false;
  private notified = false;
  private wake?: () => void;
  private streamReady = false;
  private failures = 0;
  private outageSince?: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.stream = eventStream(options.prefix, options.domain);
    this.db = options.db;
    this.log = options.log.child({ component: 'outbox-relay', stream: this.stream.name });
    this.js = options.nats.jetstream();
    this.pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? 500);
    this.batchSize = positiveInteger('batchSize', options.batchSize ?? 50);
    this.maxBackoffMs = positiveInteger('maxBackoffMs', options.maxBackoffMs ?? 15_000);
    this.publishTimeoutMs = positiveInteger('publishTimeoutMs', options.publishTimeoutMs ?? 5_000);
  }

  /** Starts the polling loop; a second call does nothing. */
  start(): void {
    this.running ??= this.run();
  }

  /** Asks for a pass now, e.g. right after committing a transaction that recorded events. */
  notify(): void {
    this.notified = true;
    // During an outage the backoff wins: each commit must not become a retry.
    if (this.outageSince === undefined) this.wake?.();
  }

  /** Lets the current pass finish (its publishes are marked), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    let delay = 0;
    while (!this.stopping) {
      if (delay > 0 && !(this.notified && this.outageSince === undefined)) await this.sleep(delay);
      if (this.stopping) break;
      this.notified = false;
      try {
        const taken = await this.pass();
        this.recovered();
        delay = taken === this.batchSize ? 0 : this.pollIntervalMs;
      } catch (error) {
        delay = this.failed(error);
      }
    }
  }

  /** One transaction: take a batch, publish it, mark what JetStream acknowledged. Returns the rows taken. */
  private async pass(): Promise<number> {
    if (!this.streamReady) {
      await ensureEventStream(await this.options.nats.jetstreamManager(), this.stream, {
        duplicateWindowMs: this.options.duplicateWindowMs,
      });
      this.streamReady = true;
    }
    let failure: unknown;
    const taken = await this.db.$transaction(
      async (tx) => {
        // The batch size is a validated integer from options, not input: inlined because
        // drivers disagree on binding LIMIT parameters.
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          'SELECT id, subject, CAST(payload AS CHAR) AS payload FROM outbox_events ' +
            `WHERE published_at IS NULL ORDER BY created_at, id LIMIT ${this.batchSize} FOR UPDATE SKIP LOCKED`,
        );
        const acknowledged: string[] = [];
        for (const row of rows) {
          try {
            const ack = await this.js.publish(row.subject, row.payload, {
              msgID: row.id,
              expect: { streamName: this.stream.name },
              timeout: this.publishTimeoutMs,
            });
            if (ack.duplicate) this.stats.duplicates++;
            else this.stats.published++;
            acknowledged.push(row.id);
          } catch (error) {
            // Keep what JetStream has stored; the rest stays for the next pass.
            failure = error;
            break;
          }
        }
        if (acknowledged.length > 0) {
          await tx.$executeRawUnsafe(
            `UPDATE outbox_events SET published_at = UTC_TIMESTAMP(3) WHERE id IN (${acknowledged.map(() => '?').join(', ')})`,
            ...acknowledged,
          );
        }
        return rows.length;
      },
      { maxWait: 5_000, timeout: this.batchSize * this.publishTimeoutMs + 10_000 },
    );
    if (failure) throw failure;
    return taken;
  }

  private failed(error: unknown): number {
    this.failures += 1;
    // The stream may be what went away (deleted, or JetStream restarted without it).
    this.streamReady = false;
    if (this.outageSince === undefined) {
      this.outageSince = Date.now();
      this.log.warn({ error }, 'outbox relay cannot publish events; retrying with backoff');
    }
    return Math.min(this.pollIntervalMs * 2 ** this.failures, this.maxBackoffMs);
  }

  private recovered(): void {
    if (this.outageSince !== undefined) {
      this.log.info({ downForMs: Date.now() - this.outageSince, attempts: this.failures }, 'outbox relay publishing again');
    }
    this.outageSince = undefined;
    this.failures = 0;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`OutboxRelay: ${name} must be a positive integer, got ${value}`);
  return value;
}
