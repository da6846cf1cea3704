import type { EventOutbox, Logger } from '#kernel';
import { crossesLowStock, InventoryEventType, type InventoryLowStock, lowStockOf } from '../inventory/inventory.events';
import type { PrismaClient, Reservation, ReservationLine } from '../generated/prisma/client';
import type { ReservationReply, ReservationView, ReserveRequest } from './reservation.messages';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
type ReservationRow = Reservation & { lines: ReservationLine[] };

/** A refusal that rolls the transaction back and becomes the reply. */
class Refusal extends Error {
  constructor(readonly reply: Extract<ReservationReply, { ok: false }>) {
    super(reply.error.message);
  }
}
const refuse = (code: Extract<ReservationReply, { ok: false }>['error']['code'], message: string, productIds?: string[]) =>
  new Refusal({ ok: false, error: { code, message, ...(productIds && { productIds }) } });

/** Interactive transactions wait this long for a pooled connection under a burst of orders. */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;
const DEADLOCK_RETRIES = 3;

/**
 * Holds stock for orders. Each line's check and increment is ONE conditional UPDATE
 * (`reserved + q` only where `on_hand - reserved >= q`), so under any concurrency
 * available stock never goes below zero; a reservation's lines share one transaction, so
 * it holds all of them or none; crossing a low-stock threshold records
 * `inventory.low_stock` in the same transaction. Release, commit and expiry flip the status with a
 * conditional UPDATE first, so each gives stock back (or takes it out) exactly once.
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
        await tx.reservationLine.createMany({ data: lines.map((line) => ({ reservationId: reservation.id, ...line })) });
        const stock = await tx.inventory.findMany({ where: { productId: { in: lines.map((line) => line.productId) } } });
        for (const row of stock) {
          const quantity = lines.find((line) => line.productId === row.productId)!.quantity;
          const available = row.onHand - row.reserved;
          if (crossesLowStock(available + quantity, available, row.lowStockThreshold)) {
            await this.events.record<InventoryLowStock>(tx, InventoryEventType.lowStock, lowStockOf(row));
          }
        }
        return { ...reservation, lines: lines.map((line) => ({ reservationId: reservation.id, ...line })) };
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

  /** Gives an ACTIVE reservation's units back; releasing again changes nothing. */
  release(reservationId: string): Promise<ReservationReply> {
    return this.settle(reservationId, 'RELEASED');
  }

  /** Turns an ACTIVE, unexpired reservation into a sale: units leave both reserved and on hand. */
  commit(reservationId: string): Promise<ReservationReply> {
    return this.settle(reservationId, 'COMMITTED');
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

  private async settle(reservationId: string, to: 'RELEASED' | 'COMMITTED' | 'EXPIRED'): Promise<ReservationReply> {
    try {
      const row = await this.inTransaction(async (tx) => {
        // Only the transaction that flips ACTIVE moves stock; a repeat or a race sees 0 rows.
        const flipped =
          to === 'COMMITTED'
            ? await tx.$executeRaw`UPDATE reservations SET status = 'COMMITTED', updated_at = UTC_TIMESTAMP(3)
                WHERE id = ${reservationId} AND status = 'ACTIVE' AND expires_at > UTC_TIMESTAMP(3)`
            : await tx.$executeRaw`UPDATE reservations SET status = ${to}, updated_at = UTC_TIMESTAMP(3)
                WHERE id = ${reservationId} AND status = 'ACTIVE'`;
        const reservation = await tx.reservation.findUnique({ where: { id: reservationId }, include: { lines: { orderBy: { productId: 'asc' } } } });
        if (!reservation) throw refuse('NOT_FOUND', `Reservation ${reservationId} does not exist.`);
        if (flipped !== 1) {
          if (reservation.status === to) return reservation; // a repeat: same answer, nothing moves
          throw refuse('NOT_ACTIVE', `Reservation ${reservationId} is ${reservation.status === 'ACTIVE' ? 'past its expiry' : reservation.status}.`);
        }
        for (const line of reservation.lines) {
          if (to === 'COMMITTED') {
            await tx.$executeRaw`UPDATE inventory SET reserved = reserved - ${line.quantity}, on_hand = on_hand - ${line.quantity},
              updated_at = UTC_TIMESTAMP(3) WHERE product_id = ${line.productId}`;
          } else {
            await tx.$executeRaw`UPDATE inventory SET reserved = reserved - ${line.quantity}, updated_at = UTC_TIMESTAMP(3)
              WHERE product_id = ${line.productId}`;
          }
        }
        return reservation;
      });
      return { ok: true, reservation: view(row) };
    } catch (error) {
      if (error instanceof Refusal) return error.reply;
      throw error;
    }
  }

  private findByKey(idempotencyKey: string): Promise<ReservationRow | null> {
    return this.db.reservation.findUnique({ where: { idempotencyKey }, include: { lines: { orderBy: { productId: 'asc' } } } });
  }

  /** Runs `work` in a transaction, again when InnoDB picked it as a deadlock victim. */
  private async inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
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

/** One line per product (quantities of repeated products added), sorted by product id. */
function mergeLines(lines: ReserveRequest['lines']): { productId: string; quantity: number }[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}

/** The stored reservation for a repeated key, unless the key is reused for different lines. */
function sameRequest(existing: ReservationRow, lines: { productId: string; quantity: number }[]): ReservationReply {
  const stored = existing.lines.map((line) => `${line.productId}:${line.quantity}`).join(',');
  if (stored !== lines.map((line) => `${line.productId}:${line.quantity}`).join(',')) {
    return { ok: false, error: { code: 'CONFLICT', message: 'This idempotency key was used for different lines.' } };
  }
  return { ok: true, reservation: view(existing) };
}

function view(row: ReservationRow): ReservationView {
  return {
    id: row.id,
    idempotencyKey: row.idempotencyKey,
    status: row.status,
    expiresAt: row.expiresAt.toISOString(),
    lines: row.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
  };
}
