import { createPrismaClient, runMain, startEventOutbox, startPeriodicWorker, startRpcServer, startSubgraph } from '#kernel';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
import { serveOrders } from './order/order.rpc';
import { consumePaymentEvents } from './order/payment-events.consumer';
import { loadOrdersConfig } from './orders-config';
import { buildSchema, createServices } from './schema';

runMain(async () => {
  const config = loadOrdersConfig();
  return startSubgraph({
    domain: 'orders',
    createDatabase: (url) => createPrismaClient(PrismaClient, url),
    setup: async (deps) => {
      const events = startEventOutbox(deps, 'orders');
      const services = createServices(deps, config, events);
      const feed = services.statusFeed.start();
      const payments = await consumePaymentEvents(deps, services.lifecycle);
      const rpc = startRpcServer({ nats: deps.nats, log: deps.log, queue: 'orders' });
      serveOrders(rpc, deps.config.EVENTS_PREFIX, services.orders);
      return {
        schema: await buildSchema(services),
        createLoaders: () => createLoaders(services),
        workers: [
          rpc.worker,
          feed,
          payments,
          startPeriodicWorker({ name: 'unpaid order expiry', intervalMs: config.ORDER_EXPIRY_SWEEP_MS, log: deps.log, pass: () => services.lifecycle.cancelUnpaid() }),
          events.worker,
        ],
      };
    },
  });
});
