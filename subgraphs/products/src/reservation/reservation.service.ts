import type { EventOutbox, Logger } from '#kernel';
import { crossesLowStock, InventoryEventType, type InventoryLowStock, lowStockOf } from '../inventory/inventory.events';
import type { PrismaClient, Reservation, ReservationLine } from '../generated/prisma/client';
import type { ReservationReply, ReservationView, ReserveRequest } from './reservation.messages';

/** A transaction of the products database: the reservation service's own, or an event consumer's. */
export type ReservationTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
type ReservationRow = Reservation & { lines: ReservationLine[] };
type Settlement = 'RELEASED' | 'COMMITTED' | 'EXPIRED' | 'RETURNED';
type RequestLine = { productId: string; quantity: number };

type Failure = Extract<ReservationReply, { ok: false }>;

/** A refusal that rolls the reserve transaction back and becomes the reply. */
class Refusal extends Error {
  constructor(readonly reply: Failure) {
    super(reply.error.message);
  }
}
const failure = (code: Failure['error']['code'], message: string, productIds?: string[]): Failure => ({
  ok: false,
  error: { code, message, ...(productIds && { productIds }) },
});
const refuse = (code: Failure['error']['code'], message: string, productIds?: string[]) => new Refusal(failure(code, message, productIds));

/** Interactive transactions wait this long for a pooled connection under a burst of orders. */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;
const DEADLOCK_RETRIES = 3;

/**
 * Holds stock for orders. A reservation is refused as a whole when a product is unknown,
 * not ACTIVE, or priced in another currency than the rest; otherwise each line stores the
 * product's name and unit price as they are now (the snapshot orders sells at). Each line's
 * check and increment is ONE conditional UPDATE (`reserved + q` only where
 * `on_hand - reserved >= q`), so under any concurrency available stock never goes below
 * zero; a reservation's lines share one transaction, so it holds all of them or none;
 * crossing a low-stock threshold records `inventory.low_stock` in the same transaction.
 * Release, commit, expiry and return flip the status with a conditional UPDATE first, so
 * each moves stock exactly once.
 */
export class ReservationService {
  constructor(
    private readonly db: PrismaClient,
    private readonly log: Logger,
    private readonly events: EventOutbox,
  ) {}

  async reserve(request: ReserveRequest): Promise<ReservationReply> {
    const lines = mergeLines(request.lines);
    const existing = await this.findByKey(request.idempotencyKey);
    if (existing) return sameRequest(existing, lines);
    try {
      const row = await this.inTransaction(async (tx) => {
        const snapshots = await productSnapshots(tx, lines);
        const reservation = await tx.reservation.create({
          data: { idempotencyKey: request.idempotencyKey, expiresAt: new Date(Date.now() + request.ttlSeconds * 1000) },
        });
        const short: string[] = [];
        // One lock order for every transaction (by product id), so multi-line reservations cannot deadlock each other.
        for (const line of lines) {
          const held = await tx.$executeRaw`
            UPDATE inventory SET reserved = reserved + ${line.quantity}, updated_at = UTC_TIMESTAMP(3)
            WHERE product_id = ${line.productId} AND on_hand - reserved >= ${line.quantity}`;
          if (held !== 1) short.push(line.productId);
        }
        if (short.length) throw refuse('OUT_OF_STOCK', 'Not enough stock for every line; nothing was reserved.', short);
        const rows = lines.map((line) => ({ reservationId: reservation.id, ...line, ...snapshots.get(line.productId)! }));
        await tx.reservationLine.createMany({ data: rows });
        const stock = await tx.inventory.findMany({ where: { productId: { in: lines.map((line) => line.productId) } } });
        for (const row of stock) {
          const quantity = lines.find((line) => line.productId === row.productId)!.quantity;
          const available = row.onHand - row.reserved;
          if (crossesLowStock(available + quantity, available, row.lowStockThreshold)) {
            await this.events.record<InventoryLowStock>(tx, InventoryEventType.lowStock, lowStockOf(row));
          }
        }
        return { ...reservation, lines: rows };
      });
      this.events.published();
      this.log.info({ reservationId: row.id, lines: lines.length }, 'stock reserved');
      return { ok: true, reservation: view(row) };
    } catch (error) {
      if (error instanceof Refusal) return error.reply;
      // The same key raced us and won: answer with its reservation.
      if ((error as { code?: string }).code === 'P2002') {
        const winner = await this.findByKey(request.idempotencyKey);
        if (winner) return sameRequest(winner, lines);
      }
      throw error;
    }
  }

  /**
   * Gives an ACTIVE reservation's units back; releasing again changes nothing. With `tx`
   * it runs in the caller's transaction (an event consumer's), else in its own.
   */
  release(reservationId: string, tx?: ReservationTx): Promise<ReservationReply> {
    return this.settle(reservationId, 'RELEASED', tx);
  }

  /** Turns an ACTIVE, unexpired reservation into a sale: units leave both reserved and on hand. `tx` as in {@link release}. */
  commit(reservationId: string, tx?: ReservationTx): Promise<ReservationReply> {
    return this.settle(reservationId, 'COMMITTED', tx);
  }

  /**
   * Puts a COMMITTED reservation's units back on hand (its order was cancelled after
   * payment) and marks it RETURNED; returning again changes nothing. `tx` as in {@link release}.
   */
  returnStock(reservationId: string, tx?: ReservationTx): Promise<ReservationReply> {
    return this.settle(reservationId, 'RETURNED', tx);
  }

  /**
   * What an order's cancellation means for its stock, in the caller's transaction: an ACTIVE
   * reservation is released, a COMMITTED one returned; in any other state (released,
   * expired, returned, unknown) there is nothing to give back and the answer is `null`. The
   * reservation row is locked first, so a concurrent commit or expiry cannot slip between
   * the look and the change.
   */
  async cancel(reservationId: string, tx: ReservationTx): Promise<ReservationReply | null> {
    const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM reservations WHERE id = ${reservationId} FOR UPDATE`;
    if (row?.status === 'ACTIVE') return this.settle(reservationId, 'RELEASED', tx);
    if (row?.status === 'COMMITTED') return this.settle(reservationId, 'RETURNED', tx);
    return null;
  }

  /** Releases every reservation past its expiry; returns how many. Safe to run in several processes. */
  async expireDue(limit = 100): Promise<number> {
    const due = await this.db.reservation.findMany({
      where: { status: 'ACTIVE', expiresAt: { lte: new Date() } },
      select: { id: true },
      take: limit,
      orderBy: { expiresAt: 'asc' },
    });
    let expired = 0;
    for (const { id } of due) if ((await this.settle(id, 'EXPIRED')).ok) expired++;
    if (expired) this.log.info({ expired }, 'expired reservations released');
    return expired;
  }

  /** In the caller's transaction when there is one (it retries as a whole), else in a new one retried on deadlock. */
  private settle(reservationId: string, to: Settlement, tx?: ReservationTx): Promise<ReservationReply> {
    return tx ? this.settleIn(tx, reservationId, to) : this.inTransaction((own) => this.settleIn(own, reservationId, to));
  }

  /** Flips the status, then moves stock; a refusal is returned before anything changed. */
  private async settleIn(tx: ReservationTx, reservationId: string, to: Settlement): Promise<ReservationReply> {
    const from = to === 'RETURNED' ? 'COMMITTED' : 'ACTIVE';
    // Only the transaction that flips the status moves stock; a repeat or a race sees 0 rows.
    const flipped =
      to === 'COMMITTED'
        ? await tx.$executeRaw`UPDATE reservations SET status = 'COMMITTED', updated_at = UTC_TIMESTAMP(3)
            WHERE id = ${reservationId} AND status = 'ACTIVE' AND expires_at > UTC_TIMESTAMP(3)`
        : await tx.$executeRaw`UPDATE reservations SET status = ${to}, updated_at = UTC_TIMESTAMP(3)
            WHERE id = ${reservationId} AND status = ${from}`;
    const reservation = await tx.reservation.findUnique({ where: { id: reservationId }, include: { lines: { orderBy: { productId: 'asc' } } } });
    if (!reservation) return failure('NOT_FOUND', `Reservation ${reservationId} does not exist.`);
    if (flipped !== 1) {
      if (reservation.status === to) return { ok: true, reservation: view(reservation) }; // a repeat: same answer, nothing moves
      if (to === 'RETURNED') return failure('NOT_COMMITTED', `Reservation ${reservationId} is ${reservation.status}, not COMMITTED.`);
      return failure('NOT_ACTIVE', `Reservation ${reservationId} is ${reservation.status === 'ACTIVE' ? 'past its expiry' : reservation.status}.`);
    }
    for (const line of reservation.lines) {
      if (to === 'COMMITTED') {
        await tx.$executeRaw`UPDATE inventory SET reserved = reserved - ${line.quantity}, on_hand = on_hand - ${line.quantity},
          updated_at = UTC_TIMESTAMP(3) WHERE product_id = ${line.productId}`;
      } else if (to === 'RETURNED') {
        await tx.$executeRaw`UPDATE inventory SET on_hand = on_hand + ${line.quantity}, updated_at = UTC_TIMESTAMP(3)
          WHERE product_id = ${line.productId}`;
      } else {
        await tx.$executeRaw`UPDATE inventory SET reserved = reserved - ${line.quantity}, updated_at = UTC_TIMESTAMP(3)
          WHERE product_id = ${line.productId}`;
      }
    }
    if (to === 'RETURNED') this.log.info({ reservationId, lines: reservation.lines.length }, 'sold stock returned');
    return { ok: true, reservation: view(reservation) };
  }

  private findByKey(idempotencyKey: string): Promise<ReservationRow | null> {
    return this.db.reservation.findUnique({ where: { idempotencyKey }, include: { lines: { orderBy: { productId: 'asc' } } } });
  }

  /** Runs `work` in a transaction, again when InnoDB picked it as a deadlock victim. */
  private async inTransaction<T>(work: (tx: ReservationTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.$transaction(work, TRANSACTION_OPTIONS);
      } catch (error) {
        if (attempt >= DEADLOCK_RETRIES || !isDeadlock(error)) throw error;
      }
    }
  }
}

function isDeadlock(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'P2034' || /deadlock|1213/i.test(message ?? '');
}

/**
 * Name, unit price and currency of every product of `lines`, as they are now; refuses
 * (NOT_FOUND, NOT_FOR_SALE, MIXED_CURRENCIES) when the products cannot be sold together.
 */
async function productSnapshots(tx: ReservationTx, lines: RequestLine[]): Promise<Map<string, { productName: string; unitPriceAmount: bigint; currency: string }>> {
  const products = await tx.product.findMany({
    where: { id: { in: lines.map((line) => line.productId) } },
    select: { id: true, name: true, priceAmount: true, currency: true, status: true },
  });
  const byId = new Map(products.map((product) => [product.id, product]));
  const unknown = lines.filter((line) => !byId.has(line.productId)).map((line) => line.productId);
  if (unknown.length) throw refuse('NOT_FOUND', 'Some products do not exist; nothing was reserved.', unknown);
  const notForSale = lines.filter((line) => byId.get(line.productId)!.status !== 'ACTIVE').map((line) => line.productId);
  if (notForSale.length) throw refuse('NOT_FOR_SALE', 'Some products are not for sale; nothing was reserved.', notForSale);
  if (new Set(products.map((product) => product.currency)).size > 1) {
    throw refuse('MIXED_CURRENCIES', 'The products are priced in different currencies; reserve them separately.');
  }
  return new Map(products.map((product) => [product.id, { productName: product.name, unitPriceAmount: product.priceAmount, currency: product.currency }]));
}

/** One line per product (quantities of repeated products added), sorted by product id. */
function mergeLines(lines: ReserveRequest['lines']): RequestLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}

/** The stored reservation for a repeated key, unless the key is reused for different lines. */
function sameRequest(existing: ReservationRow, lines: RequestLine[]): ReservationReply {
  const stored = existing.lines.map((line) => `${line.productId}:${line.quantity}`).join(',');
  if (stored !== lines.map((line) => `${line.productId}:${line.quantity}`).join(',')) {
    return failure('CONFLICT', 'This idempotency key was used for different lines.');
  }
  return { ok: true, reservation: view(existing) };
}

function view(row: ReservationRow): ReservationView {
  return {
    id: row.id,
    idempotencyKey: row.idempotencyKey,
    status: row.status,
    expiresAt: row.expiresAt.toISOString(),
    lines: row.lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      productName: line.productName,
      unitPriceAmount: line.unitPriceAmount.toString(),
      currency: line.currency,
    })),
  };
}
