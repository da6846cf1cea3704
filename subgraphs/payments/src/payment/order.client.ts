import type { NatsConnection } from 'nats';
import { callRpc, rpcSubject, type RpcFailure } from '#kernel';

/** What payments needs of an order (see the orders domain's order.messages.ts). */
export interface PayableOrder {
  id: string;
  userId: string;
  status: string;
  totalAmount: string;
  currency: string;
  paymentDueAt: string | null;
}

/** Asks the orders domain what an order costs and whose it is (request/reply over NATS). */
export class OrderClient {
  constructor(
    private readonly nats: NatsConnection,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  /** The order, or null when it does not exist. */
  async find(orderId: string): Promise<PayableOrder | null> {
    const reply = await callRpc<{ ok: true; order: PayableOrder } | RpcFailure<'NOT_FOUND'>>(
      this.nats,
      rpcSubject(this.prefix, 'orders', 'payable-order'),
      { orderId },
      { service: 'orders', timeoutMs: this.timeoutMs },
    );
    if (reply.ok) return reply.order;
    if (reply.error.code === 'NOT_FOUND') return null;
    throw new Error(`orders answered ${reply.error.code} to a payable-order request: ${reply.error.message}`);
  }
}
