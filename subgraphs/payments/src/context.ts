import { byIdLoader, byKeyLoader, type SubgraphContext } from '#kernel';
import type DataLoader from 'dataloader';
import type { Payment, Refund } from './payment/payment.type';
import type { PaymentsServices } from './schema';

/** Per-request DataLoaders of the payments subgraph. */
export interface PaymentsLoaders {
  payment: DataLoader<string, Payment | null>;
  /** The most recent payment of each order id; null when the order has none. */
  latestPaymentOfOrder: DataLoader<string, Payment | null>;
  /** Refunds by payment id. */
  refunds: DataLoader<string, { paymentId: string; refunds: Refund[] } | null>;
}

export type PaymentsContext = SubgraphContext<PaymentsLoaders>;

export function createLoaders(services: PaymentsServices): PaymentsLoaders {
  return {
    payment: byIdLoader((ids) => services.payments.findByIds(ids)),
    latestPaymentOfOrder: byKeyLoader((orderIds) => services.payments.findLatestByOrderIds(orderIds), (payment) => payment.order.id),
    refunds: byKeyLoader((ids) => services.payments.refundsByPaymentIds(ids), (entry) => entry.paymentId),
  };
}
