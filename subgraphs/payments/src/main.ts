import { createPrismaClient, runMain, startSubgraph } from '#kernel';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
import { buildSchema, createServices } from './schema';

runMain(() =>
  startSubgraph({
    domain: 'payments',
    createDatabase: (url) => createPrismaClient(PrismaClient, url),
    setup: async ({ db }) => {
      const services = createServices(db);
      return { schema: await buildSchema(services), createLoaders: () => createLoaders(services) };
    },
  }),
);
