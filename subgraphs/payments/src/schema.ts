import { buildFederatedSchema, resolverContainer, type EventOutbox, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from './generated/prisma/client';
import { orderReference } from './order/order.reference';
import { OrderResolver } from './order/order.resolver';
import { OrderClient } from './payment/order.client';
import { PaymentCreationService } from './payment/payment-creation.service';
import { PaymentRefundService } from './payment/payment-refund.service';
import { PaymentSettlementService } from './payment/payment-settlement.service';
import { paymentReference } from './payment/payment.reference';
import { PaymentResolver } from './payment/payment.resolver';
import { PaymentService } from './payment/payment.service';
import type { PaymentsConfig } from './payments-config';
import type { PaymentProvider } from './provider/payment-provider';

/** The payments subgraph's services, built once per process. */
export interface PaymentsServices {
  payments: PaymentService;
  creation: PaymentCreationService;
  settlement: PaymentSettlementService;
  refunds: PaymentRefundService;
}

export function createServices(
  { db, nats, log, config }: SubgraphDeps<PrismaClient>,
  paymentsConfig: PaymentsConfig,
  provider: PaymentProvider,
  events: EventOutbox,
): PaymentsServices {
  const refunds = new PaymentRefundService(db, provider, events, log);
  return {
    payments: new PaymentService(db),
    creation: new PaymentCreationService(db, new OrderClient(nats, config.EVENTS_PREFIX, paymentsConfig.PAYMENT_RPC_TIMEOUT_MS), provider, log),
    settlement: new PaymentSettlementService(db, provider, refunds, events, log),
    refunds,
  };
}

export function buildSchema(services: PaymentsServices) {
  return buildFederatedSchema({
    resolvers: [PaymentResolver, OrderResolver],
    container: resolverContainer([
      new PaymentResolver(services.payments, services.creation, services.settlement, services.refunds),
      new OrderResolver(services.payments),
    ]),
    referenceResolvers: {
      Payment: paymentReference(services.payments),
      Order: orderReference(services.payments),
    },
  });
}
