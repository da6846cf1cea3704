import DataLoader from 'dataloader';
import { byKeyLoader, type SubgraphContext } from '#kernel';
import type { Address } from './address/address.type';
import type { Preference, Profile } from './generated/prisma/client';
import type { UsersServices } from './schema';

/** Per-request DataLoaders of the users subgraph: N users' data costs one query per kind. */
export interface UsersLoaders {
  /** Profiles by user id (through the Redis cache); null when the account has no profile yet. */
  profile: DataLoader<string, Profile | null>;
  /** Addresses by user id; empty when none. */
  addresses: DataLoader<string, Address[]>;
  /** Saved preferences by user id; null means all defaults. */
  preferences: DataLoader<string, Preference | null>;
}

export type UsersContext = SubgraphContext<UsersLoaders>;

export function createLoaders(services: UsersServices): UsersLoaders {
  return {
    profile: byKeyLoader((userIds) => services.users.findProfilesByUserIds(userIds), (profile) => profile.userId),
    addresses: new DataLoader(
      async (userIds) => {
        const byUser = await services.addresses.findByUserIds(userIds);
        return userIds.map((id) => byUser.get(id) ?? []);
      },
      { maxBatchSize: 500 },
    ),
    preferences: byKeyLoader((userIds) => services.preferences.findByUserIds(userIds), (row) => row.userId),
  };
}
