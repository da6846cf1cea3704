import type { Redis } from 'ioredis';
import { revokedSessionKey } from '#kernel';

/**
 * Writes the deny-list the gateway checks on every request (kernel/token-revocation.ts):
 * a revoked session refuses all its access tokens at once, on every gateway instance,
 * until they would have expired anyway.
 */
export class SessionRevocation {
  constructor(
    private readonly redis: Redis,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  async revokeSessions(sessionIds: string[]): Promise<void> {
    if (!sessionIds.length) return;
    const pipeline = this.redis.pipeline();
    // One extra minute covers clock skew between auth and the gateways.
    for (const id of sessionIds) pipeline.set(revokedSessionKey(id), '1', 'EX', this.accessTokenTtlSeconds + 60);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
