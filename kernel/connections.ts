import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';

/**
 * Redis client whose keys all start with `keyPrefix`, so test runs and environments
 * sharing one server never collide. Commands fail fast while disconnected instead of
 * queueing, so callers can degrade (e.g. skip a cache) rather than hang.
 */
export function createRedis(url: string, keyPrefix: string): Redis {
  return new Redis(url, {
    keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
  });
}

/** NATS connection that keeps reconnecting forever; `name` shows in the server's monitoring. */
export function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000, timeout: 3_000 });
}
