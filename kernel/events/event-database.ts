/**
 * The raw-SQL part of a Prisma client or transaction client that the outbox and the
 * consumers need. Every domain's generated `PrismaClient` and its `tx` fit, so the
 * kernel depends on no domain's generated code; tests can put a plain `mariadb`
 * connection behind it. Placeholders are `?` (MySQL); values are always parameters.
 */
export interface EventTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Prisma's interactive-transaction options that the kernel sets. */
export interface EventTransactionOptions {
  /** Longest wait for a connection, in ms. */
  maxWait?: number;
  /** Longest the transaction may stay open, in ms (Prisma rolls it back after). */
  timeout?: number;
}

/** A database the outbox relay and consumers open transactions on: a domain's Prisma client. */
export interface EventDatabase<TTx = EventTransaction> extends EventTransaction {
  $transaction<R>(fn: (tx: TTx) => Promise<R>, options?: EventTransactionOptions): Promise<R>;
}

/** `2026-01-31 12:34:56.789`: a UTC `DATETIME(3)` literal, as Prisma stores `DateTime`. */
export function toSqlDateTime(time: Date | number): string {
  return new Date(time).toISOString().replace('T', ' ').replace('Z', '');
}
