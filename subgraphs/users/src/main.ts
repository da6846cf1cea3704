import { createPrismaClient, runMain, startEventOutbox, startRpcServer, startSubgraph } from '#kernel';
import { serveAddresses } from './address/address.rpc';
import { avatarRoutes } from './avatar/avatar.routes';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
import { buildSchema, createServices } from './schema';
import { consumeUserEmailVerified } from './user/user-email-verified.consumer';
import { consumeUserRegistered } from './user/user-registered.consumer';
import { consumeUserRolesChanged } from './user/user-roles-changed.consumer';
import { loadUsersConfig } from './users-config';

runMain(async () => {
  const config = loadUsersConfig();
  return startSubgraph({
    domain: 'users',
    createDatabase: (url) => createPrismaClient(PrismaClient, url),
    setup: async (deps) => {
      const events = startEventOutbox(deps, 'users');
      const services = createServices(deps, config, events);
      const registered = await consumeUserRegistered(deps, services.users);
      const verified = await consumeUserEmailVerified(deps, services.users);
      const rolesChanged = await consumeUserRolesChanged(deps, services.users);
      const rpc = startRpcServer({ nats: deps.nats, log: deps.log, queue: 'users' });
      serveAddresses(rpc, deps.config.EVENTS_PREFIX, services.addresses);
      return {
        schema: await buildSchema(services),
        createLoaders: () => createLoaders(services),
        workers: [rpc.worker, events.worker, registered, verified, rolesChanged],
        routes: avatarRoutes({
          avatars: services.avatars,
          storage: services.storage,
          gatewaySecret: deps.config.GATEWAY_SECRET,
          maxBytes: config.AVATAR_MAX_BYTES,
          log: deps.log,
        }),
      };
    },
  });
});
