import { createPrismaClient, runMain, startEventOutbox, startPeriodicWorker, startRpcServer, startSubgraph } from '#kernel';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
import { consumeOrderEvents } from './reservation/order-events.consumer';
import { serveReservations } from './reservation/reservation.rpc';
import { ReservationService } from './reservation/reservation.service';
import { buildSchema, createServices } from './schema';

runMain(() =>
  startSubgraph({
    domain: 'products',
    createDatabase: (url) => createPrismaClient(PrismaClient, url),
    setup: async (deps) => {
      const events = startEventOutbox(deps, 'products');
      const services = createServices(deps, events);
      const reservations = new ReservationService(deps.db, deps.log, events);
      const orderEvents = await consumeOrderEvents(deps, reservations);
      const rpc = startRpcServer({ nats: deps.nats, log: deps.log, queue: 'products' });
      serveReservations(rpc, deps.config.EVENTS_PREFIX, reservations);
      return {
        schema: await buildSchema(services),
        createLoaders: () => createLoaders(services),
        workers: [
          rpc.worker,
          // Several processes may sweep at once: only the sweep that flips a hold from ACTIVE moves its stock.
          startPeriodicWorker({ name: 'reservation expiry', intervalMs: 1000, log: deps.log, pass: () => reservations.expireDue() }),
          events.worker,
          orderEvents,
        ],
      };
    },
  }),
);
