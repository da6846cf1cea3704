import { z } from 'zod';

/**
 * The request/reply contract between orders and products, over core NATS (not JetStream).
 * Subjects are `<EVENTS_PREFIX>.rpc.products.<action>`: deliberately outside
 * `<EVENTS_PREFIX>.products.>`, which the products event stream captures; JetStream would
 * otherwise store each request and answer it with its own publish acknowledgement.
 */
export const reservationSubjects = (prefix: string) => ({
  reserve: `${prefix}.rpc.products.reserve`,
  release: `${prefix}.rpc.products.release`,
  commit: `${prefix}.rpc.products.commit`,
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

/** A reservation as orders sees it. */
export interface ReservationView {
  id: string;
  idempotencyKey: string;
  status: 'ACTIVE' | 'COMMITTED' | 'RELEASED' | 'EXPIRED';
  expiresAt: string;
  lines: { productId: string; quantity: number }[];
}

/** Expected refusals, answered as data for orders to act on. */
export type ReservationFailureCode = 'OUT_OF_STOCK' | 'NOT_FOUND' | 'NOT_ACTIVE' | 'CONFLICT' | 'BAD_REQUEST' | 'INTERNAL';

/** Every reply: `ok` with the reservation, or a failure with a code. */
export type ReservationReply =
  | { ok: true; reservation: ReservationView }
  | { ok: false; error: { code: ReservationFailureCode; message: string; productIds?: string[] } };
