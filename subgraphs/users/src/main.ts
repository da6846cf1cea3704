import { createPrismaClient, runMain, startSubgraph } from '#kernel';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
import { buildSchema, createServices } from './schema';
import { consumeUserRegistered } from './user/user-registered.consumer';

runMain(() =>
  startSubgraph({
    domain: 'users',
    createDatabase: (url) => createPrismaClient(PrismaClient, url),
    setup: async (deps) => {
      const services = createServices(deps.db);
      const profiles = await consumeUserRegistered(deps, services.users);
      return { schema: await buildSchema(services), createLoaders: () => createLoaders(services), workers: [profiles] };
    },
  }),
);
