import { buildFederatedSchema, resolverContainer } from '#kernel';
import type { PrismaClient } from './generated/prisma/client';
import { userReference } from './user/user.reference';
import { UserResolver } from './user/user.resolver';
import { UserService } from './user/user.service';

/** The users subgraph's services, built once per process. */
export interface UsersServices {
  users: UserService;
}

export function createServices(db: PrismaClient): UsersServices {
  return { users: new UserService(db) };
}

export function buildSchema(services: UsersServices) {
  return buildFederatedSchema({
    resolvers: [UserResolver],
    container: resolverContainer([new UserResolver(services.users)]),
    referenceResolvers: { User: userReference(services.users) },
  });
}
