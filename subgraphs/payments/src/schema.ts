import { buildFederatedSchema, resolverContainer } from '#kernel';
import type { PrismaClient } from './generated/prisma/client';
import { orderReference } from './order/order.reference';
import { OrderResolver } from './order/order.resolver';
import { paymentReference } from './payment/payment.reference';
import { PaymentResolver } from './payment/payment.resolver';
import { PaymentService } from './payment/payment.service';

/** The payments subgraph's services, built once per process. */
export interface PaymentsServices {
  payments: PaymentService;
}

export function createServices(db: PrismaClient): PaymentsServices {
  return { payments: new PaymentService(db) };
}

export function buildSchema(services: PaymentsServices) {
  return buildFederatedSchema({
    resolvers: [PaymentResolver, OrderResolver],
    container: resolverContainer([new PaymentResolver(services.payments), new OrderResolver(services.payments)]),
    referenceResolvers: {
      Payment: paymentReference(services.payments),
      Order: orderReference(services.payments),
    },
  });
}
