import { byKeyLoader, type SubgraphContext } from '#kernel';
import type DataLoader from 'dataloader';
import type { Profile } from './generated/prisma/client';
import type { UsersServices } from './schema';

/** Per-request DataLoaders of the users subgraph. */
export interface UsersLoaders {
  /** Profiles by user id; null when the account has no profile yet. */
  profile: DataLoader<string, Profile | null>;
}

export type UsersContext = SubgraphContext<UsersLoaders>;

export function createLoaders(services: UsersServices): UsersLoaders {
  return { profile: byKeyLoader((userIds) => services.users.findProfilesByUserIds(userIds), (profile) => profile.userId) };
}
