import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema, resolverContainer, type EventOutbox, type SubgraphDeps } from '#kernel';
import { AddressResolver } from './address/address.resolver';
import { AddressService } from './address/address.service';
import { LocalDiskAvatarStorage, type AvatarStorage } from './avatar/avatar-storage';
import { AvatarService } from './avatar/avatar.service';
import type { PrismaClient } from './generated/prisma/client';
import { PreferenceResolver } from './preference/preference.resolver';
import { PreferenceService } from './preference/preference.service';
import { ProfileCache } from './user/profile-cache';
import { UserSearchService } from './user/user-search.service';
import { userReference } from './user/user.reference';
import { UserResolver } from './user/user.resolver';
import { UserService } from './user/user.service';
import type { UsersConfig } from './users-config';

/** The users subgraph's services, built once per process. */
export interface UsersServices {
  users: UserService;
  search: UserSearchService;
  addresses: AddressService;
  preferences: PreferenceService;
  avatars: AvatarService;
  storage: AvatarStorage;
}

export function createServices({ db, redis, log }: SubgraphDeps<PrismaClient>, config: UsersConfig, events: EventOutbox): UsersServices {
  const cache = new ProfileCache({ redis, log, ttlSeconds: config.PROFILE_CACHE_TTL_SECONDS });
  const storage = new LocalDiskAvatarStorage(config.AVATAR_DIR);
  return {
    users: new UserService(db, cache, storage, events),
    search: new UserSearchService(db),
    addresses: new AddressService(db),
    preferences: new PreferenceService(db),
    avatars: new AvatarService(db, storage, cache),
    storage,
  };
}

export function buildSchema(services: UsersServices): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [UserResolver, AddressResolver, PreferenceResolver],
    container: resolverContainer([
      new UserResolver(services.users, services.search),
      new AddressResolver(services.addresses),
      new PreferenceResolver(services.preferences),
    ]),
    referenceResolvers: { User: userReference(services.users) },
  });
}
