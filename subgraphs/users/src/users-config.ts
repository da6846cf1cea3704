import { z } from 'zod';
import { loadConfig, type Config } from '#kernel';

/** Settings of the users subgraph beyond the shared ones; each names its variable and default. */
export const usersEnv = {
  /** Directory of uploaded avatar images (LocalDiskAvatarStorage); created if missing. */
  AVATAR_DIR: z.string().min(1).default('.data/avatars'),
  /** Largest avatar upload accepted, in bytes; larger ones get 413. */
  AVATAR_MAX_BYTES: z.coerce.number().int().min(1024).max(20 * 1024 * 1024).default(2 * 1024 * 1024),
  /** Lifetime of a cached profile in Redis, in seconds; writes invalidate it earlier. */
  PROFILE_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
};

export type UsersConfig = Config<typeof usersEnv>;

export const loadUsersConfig = (env: NodeJS.ProcessEnv = process.env): UsersConfig => loadConfig(usersEnv, env);
