import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { CodedError, ErrorCode } from './errors';

/** Options of {@link RateLimit}. */
export interface RateLimitOptions {
  /** Names the limit in Redis keys and messages, e.g. `login-ip`. */
  name: string;
  /** Attempts allowed per window. */
  points: number;
  /** Window length in seconds. */
  durationSeconds: number;
}

/**
 * A fixed-window counter in Redis shared by every instance (rate-limiter-flexible).
 * While Redis is unreachable an in-memory limiter per process takes over, so an outage
 * neither opens the door wide nor locks everyone out.
 */
export class RateLimit {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, private readonly options: RateLimitOptions) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `rate:${options.name}`,
      points: options.points,
      duration: options.durationSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: options.points, duration: options.durationSeconds }),
    });
  }

  /** Counts one attempt for `key`; over the limit → TOO_MANY_REQUESTS with `retryAfter` seconds. */
  async consume(key: string, points = 1): Promise<void> {
    try {
      await this.limiter.consume(key, points);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new CodedError(ErrorCode.TOO_MANY_REQUESTS, `Too many attempts; try again in ${retryAfter} s.`, {
        retryAfter,
        limit: this.options.name,
      });
    }
  }

  /** Forgets the attempts of `key` (e.g. failed logins after a successful one). */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(key).catch(() => undefined);
  }
}
