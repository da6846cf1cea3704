import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { CodedError, ErrorCode, type Identity, type Logger } from '#kernel';

/** Options of {@link GatewayRateLimit}. */
export interface GatewayRateLimitOptions {
  /** The gateway's Redis client (its key prefix applies: keys are `<prefix>gateway:ratelimit:{ip,user}:<id>`). */
  redis: Redis;
  /** Points per window (GATEWAY_RATE_LIMIT_POINTS, default 600). */
  points: number;
  /** Window length in seconds (GATEWAY_RATE_LIMIT_WINDOW_SECONDS, default 60). */
  windowSeconds: number;
  log: Logger;
}

/** Who an operation is counted against. */
export interface RateLimitCaller {
  identity: Identity | null;
  clientIp: string | null;
}

/** The refusal of an operation over the rate limit: TOO_MANY_REQUESTS with `retryAfterSeconds`. */
export class RateLimitedError extends CodedError {
  constructor(readonly retryAfterSeconds: number) {
    super(ErrorCode.TOO_MANY_REQUESTS, `Too many requests; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
}

/**
 * Operations per window at the gateway, counted in Redis so every instance shares the
 * count: per client IP always, and per user when signed in, each with the same points.
 * An operation costs its {@link requestWeight}. When Redis cannot be reached the
 * operation is let through (fail open, one warning per outage): availability comes
 * first here, and sign-in has its own fail-closed limits in the auth subgraph.
 */
export class GatewayRateLimit {
  private readonly byIp: RateLimiterRedis;
  private readonly byUser: RateLimiterRedis;
  private outage = false;

  constructor(private readonly options: GatewayRateLimitOptions) {
    const common = { storeClient: options.redis, points: options.points, duration: options.windowSeconds, rejectIfRedisNotReady: true };
    this.byIp = new RateLimiterRedis({ ...common, keyPrefix: 'gateway:ratelimit:ip' });
    this.byUser = new RateLimiterRedis({ ...common, keyPrefix: 'gateway:ratelimit:user' });
  }

  /** Counts `points` for the caller; over the limit throws {@link RateLimitedError}. */
  async consume(caller: RateLimitCaller, points: number): Promise<void> {
    const counts = [
      ...(caller.clientIp ? [this.byIp.consume(caller.clientIp, points)] : []),
      ...(caller.identity ? [this.byUser.consume(caller.identity.userId, points)] : []),
    ];
    const results = await Promise.allSettled(counts);
    let retryAfterMs = 0;
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      if (result.reason instanceof RateLimiterRes) retryAfterMs = Math.max(retryAfterMs, result.reason.msBeforeNext);
      else this.failOpen(result.reason);
    }
    if (results.every((result) => result.status === 'fulfilled') && this.outage) {
      this.outage = false;
      this.options.log.info('gateway rate limit: Redis is back, counting again');
    }
    if (retryAfterMs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }

  private failOpen(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.options.log.warn({ error: (error as Error)?.message ?? String(error) }, 'gateway rate limit: Redis is unavailable, letting requests through');
  }
}
