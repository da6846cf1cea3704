import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema, resolverContainer } from '#kernel';
import type { PrismaClient } from './generated/prisma/client';
import { userReference } from './user/user.reference';
import { UserResolver } from './user/user.resolver';
import { UserService } from './user/user.service';
import { User } from './user/user.type';

/** The auth subgraph's services, built once per process. */
export interface AuthServices {
  users: UserService;
}

export function createServices(db: PrismaClient): AuthServices {
  return { users: new UserService(db) };
}

export function buildSchema(services: AuthServices): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [UserResolver],
    // No root field reaches User here: auth only contributes fields to the shared entity.
    orphanedTypes: [User],
    container: resolverContainer([new UserResolver(services.users)]),
    referenceResolvers: { User: userReference(services.users) },
  });
}
