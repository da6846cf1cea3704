import { rpcSubject } from '#kernel';
import { z } from 'zod';

/**
 * The request/reply contract between orders and products, over the kernel's RPC
 * (core NATS, `<EVENTS_PREFIX>.rpc.products.<action>`).
 */
export const reservationSubjects = (prefix: string) => ({
  reserve: rpcSubject(prefix, 'products', 'reserve'),
  release: rpcSubject(prefix, 'products', 'release'),
  commit: rpcSubject(prefix, 'products', 'commit'),
});

/** Shortest and longest hold; orders usually ask for the time a payment may take. */
export const RESERVATION_TTL = { min: 1, max: 86_400, default: 900 } as const;

export const ReserveRequest = z.object({
  /** The same key always yields the same reservation (e.g. the order id). */
  idempotencyKey: z.string().trim().min(1).max(200),
  lines: z
    .array(z.object({ productId: z.string().min(1).max(36), quantity: z.number().int().min(1).max(10_000) }))
    .min(1)
    .max(100),
  ttlSeconds: z.number().int().min(RESERVATION_TTL.min).max(RESERVATION_TTL.max).default(RESERVATION_TTL.default),
});
export type ReserveRequest = z.infer<typeof ReserveRequest>;

/** Release or commit: by reservation id. */
export const ReservationRef = z.object({ reservationId: z.string().min(1).max(36) });
export type ReservationRef = z.infer<typeof ReservationRef>;

/** Statuses of a reservation: held, sold, given back before payment, lapsed, or sold and then put back on hand. */
export type ReservationStatusName = 'ACTIVE' | 'COMMITTED' | 'RELEASED' | 'EXPIRED' | 'RETURNED';

/**
 * One product of a reservation with the product as it was when reserved: the name and unit
 * price orders copies onto its order line. A repeated reserve request answers with this same
 * snapshot, whatever the product costs now.
 */
export interface ReservationLineView {
  productId: string;
  quantity: number;
  productName: string;
  /** Unit price in minor units of `currency`, as a decimal string (BigInt-safe JSON). */
  unitPriceAmount: string;
  /** ISO 4217; the same on every line of a reservation. */
  currency: string;
}

/** A reservation as orders sees it. Lines are one per product, sorted by product id. */
export interface ReservationView {
  id: string;
  idempotencyKey: string;
  status: ReservationStatusName;
  expiresAt: string;
  lines: ReservationLineView[];
}

/**
 * Expected refusals, answered as data for orders to act on. Reserve: `NOT_FOUND` (unknown
 * products, in `productIds`), `NOT_FOR_SALE` (products not ACTIVE, in `productIds`),
 * `MIXED_CURRENCIES`, `OUT_OF_STOCK` (short products in `productIds`), `CONFLICT` (the
 * idempotency key was used for other lines). Release and commit: `NOT_FOUND` (unknown
 * reservation), `NOT_ACTIVE`. Returning stock: `NOT_FOUND`, `NOT_COMMITTED`. Nothing changes
 * on a refusal.
 */
export type ReservationFailureCode =
  | 'OUT_OF_STOCK'
  | 'NOT_FOUND'
  | 'NOT_FOR_SALE'
  | 'MIXED_CURRENCIES'
  | 'NOT_ACTIVE'
  | 'NOT_COMMITTED'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'INTERNAL';

/** Every reply: `ok` with the reservation, or a failure with a code. */
export type ReservationReply =
  | { ok: true; reservation: ReservationView }
  | { ok: false; error: { code: ReservationFailureCode; message: string; productIds?: string[] } };
