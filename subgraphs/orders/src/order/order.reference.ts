import type { OrdersContext } from '../context';
import type { OrderService } from './order.service';

/** `Order.__resolveReference`: batched through the request's DataLoader; null when not visible. */
export const orderReference = (orders: OrderService) => ({
  __resolveReference: (reference: { id: string }, context: OrdersContext) => orders.findReferenced(context, reference.id),
});
