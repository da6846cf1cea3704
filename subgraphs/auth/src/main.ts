import { createLogger, createPrismaClient, runMain, sendJson, startEventOutbox, startSubgraph } from '#kernel';
import { loadAuthConfig } from './auth-config';
import { createLoaders } from './context';
import { PrismaClient } from './generated/prisma/client';
import { buildSchema, createServices } from './schema';
import { loadSigningKeys } from './token/signing-keys';
import { consumeUserDeleted } from './account/user-deleted.consumer';

runMain(async () => {
  const config = loadAuthConfig();
  const keys = loadSigningKeys(config.AUTH_SIGNING_KEYS, config.NODE_ENV === 'production', createLogger({ service: 'auth' }));
  const jwks = JSON.stringify(keys.jwks());
  return startSubgraph({
    domain: 'auth',
    createDatabase: (url) => createPrismaClient(PrismaClient, url),
    // Public: gateways fetch it to verify access tokens without sharing a secret.
    routes: {
      'GET /.well-known/jwks.json': (_req, res) => {
        res.setHeader('cache-control', 'public, max-age=300');
        sendJson(res, 200, JSON.parse(jwks));
      },
    },
    setup: async (deps) => {
      const events = startEventOutbox(deps, 'auth');
      const services = createServices(deps, config, keys, events);
      const deletions = await consumeUserDeleted(deps, services.accounts);
      return { schema: await buildSchema(services), createLoaders: () => createLoaders(services), workers: [events.worker, deletions] };
    },
  });
});
