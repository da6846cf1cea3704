import { rpcSubject } from '#kernel';
import { z } from 'zod';

/**
 * The request/reply contract orders serves over the kernel's RPC
 * (`<EVENTS_PREFIX>.rpc.orders.<action>`): payments asks what an order costs and whose it
 * is before charging for it, so amount and payer never come from the client.
 */
export const orderSubjects = (prefix: string) => ({
  payableOrder: rpcSubject(prefix, 'orders', 'payable-order'),
});

export const PayableOrderRequest = z.object({ orderId: z.string().min(1).max(36) });
export type PayableOrderRequest = z.infer<typeof PayableOrderRequest>;

/** What payments needs of an order: who pays, how much, and whether it can still be paid. */
export interface PayableOrder {
  id: string;
  userId: string;
  status: string;
  /** Integer minor units, as a decimal string. */
  totalAmount: string;
  currency: string;
  /** When it is cancelled if still unpaid; null once paid or cancelled. */
  paymentDueAt: string | null;
}

export type PayableOrderReply = { ok: true; order: PayableOrder } | { ok: false; error: { code: 'NOT_FOUND'; message: string } };
