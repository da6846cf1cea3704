import type { NatsConnection } from 'nats';
import { callRpc, rpcSubject, type RpcFailure } from '#kernel';

/** A line of a stock hold, priced by products at the moment it was made. */
export interface ReservedLine {
  productId: string;
  quantity: number;
  productName: string;
  /** Integer minor units, as a decimal string. */
  unitPriceAmount: string;
  currency: string;
}

/** A stock hold as the products domain answers it. */
export interface StockReservation {
  id: string;
  status: 'ACTIVE' | 'COMMITTED' | 'RELEASED' | 'EXPIRED' | 'RETURNED';
  expiresAt: string;
  lines: ReservedLine[];
}

/** Refusals products answers as data (see products' reservation.messages.ts). */
export type ReserveFailure = RpcFailure<'OUT_OF_STOCK' | 'NOT_FOUND' | 'NOT_FOR_SALE' | 'MIXED_CURRENCIES' | 'CONFLICT'> & {
  error: { productIds?: string[] };
};

/**
 * Orders' side of the products domain's stock holds (request/reply over NATS). Only
 * reserving is asked synchronously; commit and release follow from order events, which
 * products consumes durably.
 */
export class StockClient {
  constructor(
    private readonly nats: NatsConnection,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  /** Holds every line or none for `ttlSeconds`; the same key answers the same hold. */
  reserve(request: { idempotencyKey: string; lines: { productId: string; quantity: number }[]; ttlSeconds: number }) {
    return callRpc<{ ok: true; reservation: StockReservation } | ReserveFailure>(this.nats, rpcSubject(this.prefix, 'products', 'reserve'), request, {
      service: 'products',
      timeoutMs: this.timeoutMs,
    });
  }

  /** Gives a hold back at once (an order that could not be written); repeat-safe. */
  release(reservationId: string) {
    return callRpc<{ ok: boolean }>(this.nats, rpcSubject(this.prefix, 'products', 'release'), { reservationId }, {
      service: 'products',
      timeoutMs: this.timeoutMs,
    });
  }
}
