import { createPrismaClient, runMain, startEventOutbox, startSubgraph } from '#kernel';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
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
      return {
        schema: await buildSchema(services),
        createLoaders: () => createLoaders(services),
        workers: [
          serveReservations({ nats: deps.nats, log: deps.log, prefix: deps.config.EVENTS_PREFIX, reservations }),
          startReservationExpiry({ reservations, log: deps.log }),
          events.worker,
        ],
      };
    },
  }),
);
