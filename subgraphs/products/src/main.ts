import { createPrismaClient, runMain, startEventOutbox, startRpcServer, startSubgraph } from '#kernel';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
import { consumeOrderEvents } from './reservation/order-events.consumer';
import { startReservationExpiry } from './reservation/reservation-expiry';
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
          startReservationExpiry({ reservations, log: deps.log }),
          events.worker,
          orderEvents,
        ],
      };
    },
  }),
);
