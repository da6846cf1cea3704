import type { Redis } from 'ioredis';
import type { Logger } from '#kernel';
import type { Profile } from '../generated/prisma/client';

/** Options of {@link ProfileCache}. */
export interface ProfileCacheOptions {
  redis: Redis;
  log: Logger;
  /** Lifetime of a cached profile, in seconds; defaults to 300. Writes invalidate earlier. */
  ttlSeconds?: number;
}

const DATE_FIELDS = ['birthday', 'deletedAt', 'createdAt', 'updatedAt'] as const;

/**
 * Profiles by user id in Redis (`users:profile:<id>`), in front of the database.
 *
 * Every write deletes the key after its transaction commits, so a reader that comes after
 * a write never sees the older profile (read-your-writes). A read racing a write can still
 * put the older row back for up to `ttlSeconds`; that window is why the TTL is short.
 * Redis failing is never an error: reads and writes fall through to the database and
 * one warning is logged per outage.
 */
export class ProfileCache {
  private readonly ttlSeconds: number;
  private degraded = false;

  constructor(private readonly options: ProfileCacheOptions) {
    this.ttlSeconds = options.ttlSeconds ?? 300;
  }

  /** The cached profiles among `userIds`, by user id; missing ones are absent. */
  async getMany(userIds: readonly string[]): Promise<Map<string, Profile>> {
    const found = new Map<string, Profile>();
    if (!userIds.length) return found;
    const values = await this.attempt(() => this.options.redis.mget(userIds.map(keyOf)));
    values?.forEach((value, index) => {
      if (value) found.set(userIds[index]!, parse(value));
    });
    return found;
  }

  async setMany(profiles: readonly Profile[]): Promise<void> {
    if (!profiles.length) return;
    const pipeline = this.options.redis.multi();
    for (const profile of profiles) pipeline.set(keyOf(profile.userId), JSON.stringify(profile), 'EX', this.ttlSeconds);
    await this.attempt(() => pipeline.exec());
  }

  /** Forgets a user's profile; call after the transaction that changed it committed. */
  async invalidate(userId: string): Promise<void> {
    await this.attempt(() => this.options.redis.del(keyOf(userId)));
  }

  private async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      if (this.degraded) this.options.log.info('profile cache is available again');
      this.degraded = false;
      return result;
    } catch (error) {
      if (!this.degraded) this.options.log.warn({ error }, 'profile cache unavailable; reading profiles from the database');
      this.degraded = true;
      return undefined;
    }
  }
}

const keyOf = (userId: string) => `users:profile:${userId}`;

function parse(value: string): Profile {
  const raw = JSON.parse(value) as Record<string, unknown>;
  for (const field of DATE_FIELDS) if (typeof raw[field] === 'string') raw[field] = new Date(raw[field]);
  return raw as unknown as Profile;
}
