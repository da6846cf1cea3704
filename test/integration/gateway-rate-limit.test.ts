import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createRedis } from '#kernel';
import { GatewayRateLimit, RateLimitedError, type RateLimitCaller } from '../../gateway/src/security/gateway-rate-limit';

// The gateway's rate limit against the machine's Redis: leases must never let callers
// past the window's points, one instance alone or several together.
const prefix = `shop-ratelimit-test:${randomBytes(4).toString('hex')}:`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const clients = [createRedis(redisUrl, prefix), createRedis(redisUrl, prefix), createRedis(redisUrl, prefix)];
const [redis] = clients as [ReturnType<typeof createRedis>];
const log = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

beforeAll(() => Promise.all(clients.map((client) => client.connect())));
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys.map((key) => key.slice(prefix.length)));
  clients.forEach((client) => client.disconnect());
});

const limitOf = (points: number, windowSeconds = 60, client = redis) => new GatewayRateLimit({ redis: client, log, points, windowSeconds });
const anonymous = (): RateLimitCaller => ({ identity: null, clientIp: `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID()}` });
/** The window's count in Redis for `caller`'s address under a limit of `points` per `windowSeconds`. */
const countedFor = async (caller: RateLimitCaller, points: number, windowSeconds = 60) =>
  Number(await redis.get(`gateway:ratelimit:${points}/${windowSeconds}s:ip:${caller.clientIp}`));
const outcome = (promise: Promise<void>) => promise.then(() => 'allowed' as const, (error: unknown) => error);

describe('GatewayRateLimit with Redis', () => {
  it('lets one instance spend exactly the window’s points, then refuses until the window ends', async () => {
    const limit = limitOf(10);
    const caller = anonymous();
    for (let operation = 0; operation < 10; operation++) await limit.consume(caller, 1);
    const refusal = await outcome(limit.consume(caller, 1));
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect((refusal as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((refusal as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await countedFor(caller, 10)).toBe(10);
  });

  it('weighs operations: a heavy one refused for want of points leaves them to a lighter one', async () => {
    const limit = limitOf(70);
    const caller = anonymous();
    await limit.consume(caller, 25);
    await limit.consume(caller, 25);
    expect(await outcome(limit.consume(caller, 25))).toBeInstanceOf(RateLimitedError);
    // 20 points are left in the window, and this instance holds them.
    await limit.consume(caller, 20);
    expect(await outcome(limit.consume(caller, 1))).toBeInstanceOf(RateLimitedError);
    expect(await countedFor(caller, 70)).toBe(70);
  });

  it('counts a signed-in caller per user across addresses, and per address across users', async () => {
    const limit = limitOf(3);
    const identity = { userId: randomUUID(), roles: ['CUSTOMER' as const], sessionId: randomUUID() };
    for (let request = 0; request < 3; request++) await limit.consume({ identity, clientIp: anonymous().clientIp }, 1);
    expect(await outcome(limit.consume({ identity, clientIp: anonymous().clientIp }, 1))).toBeInstanceOf(RateLimitedError);
    // Anonymous from a fresh address: only the address counts.
    await expect(limit.consume(anonymous(), 1)).resolves.toBeUndefined();
  });

  it('asks Redis once for concurrent operations of one caller', async () => {
    const limit = limitOf(1000); // leases of 50 points
    const caller = anonymous();
    const results = await Promise.all(Array.from({ length: 30 }, () => outcome(limit.consume(caller, 1))));
    expect(results.every((result) => result === 'allowed')).toBe(true);
    expect(await countedFor(caller, 1000)).toBe(50);
  });

  it('never lets several instances together past the window’s points', async () => {
    const instances = clients.map((client) => limitOf(50, 60, client)); // leases of 3 points each
    const caller = anonymous();
    // Each instance gets more operations than the window holds, all at once.
    const results = await Promise.all(instances.flatMap((limit) => Array.from({ length: 100 }, () => outcome(limit.consume(caller, 1)))));
    expect(results.filter((result) => result === 'allowed')).toHaveLength(50);
    expect(results.filter((result) => result instanceof RateLimitedError)).toHaveLength(250);
    expect(await countedFor(caller, 50)).toBe(50);
  });

  it('keeps the counts of gateways with other limits apart', async () => {
    // A generous gateway (a test suite's, say) leases 50,000 points at once; a strict one beside it must not read them as spent.
    const generous = limitOf(1_000_000);
    const strict = limitOf(3);
    const caller = anonymous();
    await generous.consume(caller, 1);
    for (let operation = 0; operation < 3; operation++) await strict.consume(caller, 1);
    expect(await outcome(strict.consume(caller, 1))).toBeInstanceOf(RateLimitedError);
    await expect(generous.consume(caller, 1)).resolves.toBeUndefined();
  });

  it('gives the points back when the window ends', async () => {
    const limit = limitOf(2, 1);
    const caller = anonymous();
    await limit.consume(caller, 1);
    await limit.consume(caller, 1);
    const refusal = await outcome(limit.consume(caller, 1));
    expect((refusal as RateLimitedError).retryAfterSeconds).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(limit.consume(caller, 1)).resolves.toBeUndefined();
    expect(await countedFor(caller, 2, 1)).toBe(1);
  });
});
