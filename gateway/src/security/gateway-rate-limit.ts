import type { Redis } from 'ioredis';
import { CodedError, ErrorCode, type Identity, type Logger } from '#kernel';

/** Options of {@link GatewayRateLimit}. */
export interface GatewayRateLimitOptions {
  /**
   * The gateway's Redis client. Its key prefix applies: keys are
   * `<prefix>gateway:ratelimit:<points>/<windowSeconds>s:{ip,user}:<id>`, so gateways
   * configured with other limits (a canary, a test's second gateway) never read each
   * other's counts as their own.
   */
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

/** Share of a window's points one instance takes from Redis at a time. */
const LEASE_SHARE = 0.05;

/** Fewest leases kept before expired ones are swept out. */
const SWEEP_THRESHOLD = 1024;

/**
 * Takes up to ARGV[1] points from the window count at KEYS[1], never beyond ARGV[2] in
 * all; the window (ARGV[3] ms) starts with its first points. Returns the points taken,
 * the ms left in the window, and 1 when this call started the window.
 */
const LEASE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local taken = math.max(0, math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used))
if taken > 0 then redis.call('INCRBY', KEYS[1], taken) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  left = tonumber(ARGV[3])
end
return {taken, left, used == 0 and 1 or 0}`;

/** The Redis client with {@link LEASE_SCRIPT} defined on it (ioredis runs it by its SHA). */
type LeasingRedis = Redis & { leaseRateLimitPoints(key: string, want: number, points: number, windowMs: number): Promise<[number, number, number]> };

/** Points this instance took from one caller's window count and has not spent yet. */
interface Lease {
  left: number;
  /** When the window in Redis ends (ms since the epoch); the points go with it. */
  endsAt: number;
  /** Redis gave fewer points than asked: the window is spent until `endsAt`. */
  dry: boolean;
  /** The Redis call taking more points, while one runs; resolves false when Redis failed. */
  refill?: Promise<boolean>;
}

/**
 * Operations per window at the gateway, per client IP always and per user when signed
 * in, each with the same points. An operation costs its {@link requestWeight}.
 *
 * The count lives in Redis so every gateway instance shares it, but an instance does not
 * ask Redis per operation: it takes a lease of points ({@link LEASE_SHARE} of the window,
 * or what one operation needs) and spends it locally, so most operations are counted with
 * no round trip. Every point is counted in Redis before it is spent, so the callers never
 * get more than the window's points across all instances; one instance alone counts
 * exactly, and with several a caller may be refused by one while another still holds a
 * few of its points (the `retryAfterSeconds` then still names the window's end).
 * When Redis cannot be reached the operation is let through (fail open, one warning per
 * outage): availability comes first here, and sign-in has its own fail-closed limits in
 * the auth subgraph.
 */
export class GatewayRateLimit {
  private readonly redis: LeasingRedis;
  private readonly leases = new Map<string, Lease>();
  private readonly leaseSize: number;
  private readonly keyPrefix: string;
  private sweepAt = SWEEP_THRESHOLD;
  private outage = false;

  constructor(private readonly options: GatewayRateLimitOptions) {
    const redis = options.redis as LeasingRedis;
    if (typeof redis.leaseRateLimitPoints !== 'function') redis.defineCommand('leaseRateLimitPoints', { numberOfKeys: 1, lua: LEASE_SCRIPT });
    this.redis = redis;
    this.leaseSize = Math.max(1, Math.ceil(options.points * LEASE_SHARE));
    this.keyPrefix = `gateway:ratelimit:${options.points}/${options.windowSeconds}s`;
  }

  /** Counts `points` for the caller; over the limit throws {@link RateLimitedError}. */
  async consume(caller: RateLimitCaller, points: number): Promise<void> {
    const waits = await Promise.all([
      caller.clientIp ? this.take(`${this.keyPrefix}:ip:${caller.clientIp}`, points) : 0,
      caller.identity ? this.take(`${this.keyPrefix}:user:${caller.identity.userId}`, points) : 0,
    ]);
    const retryAfterMs = Math.max(...waits);
    if (retryAfterMs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }

  /** Spends `points` of the lease on `key`, refilling it from Redis when short; returns 0, or the ms until the window ends. */
  private async take(key: string, points: number): Promise<number> {
    for (;;) {
      const now = Date.now();
      let lease = this.leases.get(key);
      if (lease && lease.endsAt <= now) {
        this.leases.delete(key);
        lease = undefined;
      }
      if (lease && lease.left >= points) {
        lease.left -= points;
        return 0;
      }
      if (lease?.dry) return lease.endsAt - now;
      if (!lease) lease = this.open(key, now);
      // Concurrent operations of one caller share one Redis call, then try again.
      lease.refill ??= this.refill(key, lease, Math.max(points - lease.left, this.leaseSize));
      if (!(await lease.refill)) return 0;
    }
  }

  private open(key: string, now: number): Lease {
    if (this.leases.size >= this.sweepAt) {
      for (const [stale, lease] of this.leases) if (lease.endsAt <= now && !lease.refill) this.leases.delete(stale);
      this.sweepAt = Math.max(SWEEP_THRESHOLD, this.leases.size * 2);
    }
    // No window known yet: it lasts until Redis says when it ends.
    const lease: Lease = { left: 0, endsAt: Infinity, dry: false };
    this.leases.set(key, lease);
    return lease;
  }

  private async refill(key: string, lease: Lease, want: number): Promise<boolean> {
    try {
      const [taken, windowLeftMs, newWindow] = await this.redis.leaseRateLimitPoints(key, want, this.options.points, this.options.windowSeconds * 1000);
      // Points left from a window that ended in Redis a moment before ours go with it.
      lease.left = newWindow ? taken : lease.left + taken;
      lease.endsAt = Date.now() + windowLeftMs;
      lease.dry = taken < want;
      this.recovered();
      return true;
    } catch (error) {
      if (lease.left === 0 && this.leases.get(key) === lease) this.leases.delete(key);
      this.failOpen(error);
      return false;
    } finally {
      lease.refill = undefined;
    }
  }

  private recovered(): void {
    if (!this.outage) return;
    this.outage = false;
    this.options.log.info('gateway rate limit: Redis is back, counting again');
  }

  private failOpen(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.options.log.warn({ error: (error as Error)?.message ?? String(error) }, 'gateway rate limit: Redis is unavailable, letting requests through');
  }
}
