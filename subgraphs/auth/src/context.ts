import { byIdLoader, type SubgraphContext } from '#kernel';
import type DataLoader from 'dataloader';
import type { AuthServices } from './schema';
import type { User } from './user/user.type';

/** Per-request DataLoaders of the auth subgraph. */
export interface AuthLoaders {
  user: DataLoader<string, User | null>;
}

export type AuthContext = SubgraphContext<AuthLoaders>;

export function createLoaders(services: AuthServices): AuthLoaders {
  return { user: byIdLoader((ids) => services.users.findByIds(ids)) };
}
