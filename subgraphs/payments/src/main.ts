import { createPrismaClient, runMain, startEventOutbox, startPeriodicWorker, startSubgraph } from '#kernel';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
import { consumeOrderEvents } from './payment/order-events.consumer';
import { paymentWebhookRoutes } from './payment/payment-webhook.route';
import { loadPaymentsConfig } from './payments-config';
import { SimulatorProvider } from './provider/simulator.provider';
import { buildSchema, createServices } from './schema';
import { startTransactionLogShipper } from './transaction-log/transaction-log-shipper';

runMain(async () => {
  const config = loadPaymentsConfig();
  return startSubgraph({
    domain: 'payments',
    createDatabase: (url) => createPrismaClient(PrismaClient, url),
    setup: async (deps) => {
      const events = startEventOutbox(deps, 'payments');
      const provider = new SimulatorProvider({
        redis: deps.redis,
        webhookUrl: config.PAYMENT_WEBHOOK_URL,
        secret: config.PAYMENT_SIMULATOR_SECRET,
        toleranceSeconds: config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
        log: deps.log.child({ component: 'payment-simulator' }),
      });
      const services = createServices(deps, config, provider, events);
      const orderEvents = await consumeOrderEvents(deps, services.refunds, services.settlement);
      return {
        schema: await buildSchema(services),
        createLoaders: () => createLoaders(services),
        routes: paymentWebhookRoutes(services.settlement),
        workers: [
          orderEvents,
          // Payments whose webhook never came are asked about, so none stays open forever.
          startPeriodicWorker({
            name: 'payment reconciliation',
            intervalMs: config.PAYMENT_RECONCILE_INTERVAL_MS,
            log: deps.log,
            pass: () => services.settlement.reconcileOpen({ olderThanMs: config.PAYMENT_RECONCILE_AFTER_MS }),
          }),
          { name: 'payment simulator', stop: () => provider.stop() },
          startTransactionLogShipper({ db: deps.db, mongoUrl: config.MONGO_URL, log: deps.log }),
          events.worker,
        ],
      };
    },
  });
});
