import type { RpcServer } from '#kernel';
import { orderSubjects, PayableOrderRequest, type PayableOrderReply } from './order.messages';
import type { OrderService } from './order.service';

/** Answers other domains' questions about orders. Service-to-service only: not in the public schema. */
export function serveOrders(rpc: RpcServer, prefix: string, orders: OrderService): void {
  rpc.serve(orderSubjects(prefix).payableOrder, PayableOrderRequest, async ({ orderId }): Promise<PayableOrderReply> => {
    const order = await orders.findCurrent(orderId);
    if (!order) return { ok: false, error: { code: 'NOT_FOUND', message: `Order ${orderId} does not exist.` } };
    return {
      ok: true,
      order: {
        id: order.id,
        userId: order.user.id,
        status: order.status,
        totalAmount: String(order.total.amount),
        currency: order.total.currency,
        paymentDueAt: order.paymentDueAt?.toISOString() ?? null,
      },
    };
  });
}
