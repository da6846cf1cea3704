import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '#kernel';
import { GatewayRateLimit } from '../src/security/gateway-rate-limit';

describe('GatewayRateLimit', () => {
  // Nothing listens on port 1: every command fails at once (no offline queue), as when Redis is down.
  const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  afterAll(() => redis.disconnect());

  it('lets operations through while Redis is unreachable, warning once per outage', async () => {
    const warn = vi.fn();
    const log = { warn, info: vi.fn() } as unknown as Logger;
    const limit = new GatewayRateLimit({ redis, log, points: 1, windowSeconds: 60 });
    const caller = { clientIp: '198.51.100.7', identity: { userId: 'u1', roles: ['CUSTOMER' as const], sessionId: 's1' } };
    await expect(limit.consume(caller, 10)).resolves.toBeUndefined();
    await expect(limit.consume(caller, 10)).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatch(/letting requests through/);
  });
});
