import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import type { GraphQLSchema } from 'graphql';
import { createLogger, createRedis, poolConfigFromUrl, traceFromHeader, type EventOutbox, type Identity } from '#kernel';
import { createLoaders } from '../../subgraphs/products/src/context';
import { PrismaClient } from '../../subgraphs/products/src/generated/prisma/client';
import { buildSchema, createServices, type ProductsServices } from '../../subgraphs/products/src/schema';

// The schema comes from @apollo/subgraph, which loads graphql's CommonJS build; vitest would
// give this file the ESM build, and graphql refuses schemas "from another module or realm".
const { graphql } = createRequire(join(process.cwd(), 'package.json'))('graphql') as typeof import('graphql');

/** The products subgraph built in-process over a real database, counting the SQL it sends. */
export interface ProductsHarness {
  schema: GraphQLSchema;
  services: ProductsServices;
  db: PrismaClient;
  /** SQL statements sent since the last {@link ProductsHarness.resetQueryCount}. */
  queryCount: () => number;
  resetQueryCount: () => void;
  /** Runs one operation as the subgraph would (a fresh request context: new DataLoaders). */
  execute: (source: string, variables?: Record<string, unknown>, identity?: Identity | null) => Promise<{ data?: any; errors?: readonly unknown[] }>;
  close: () => Promise<void>;
}

/**
 * Builds the products schema against `databaseUrl` (already migrated) and a real Redis under
 * a fresh key prefix, so every run starts with a cold cache. Writes record events with no
 * relay running: the harness is for reads (query counts, benchmarks).
 */
export async function createProductsHarness(databaseUrl: string, redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<ProductsHarness> {
  const db = new PrismaClient({
    adapter: new PrismaMariaDb({ ...poolConfigFromUrl(databaseUrl), connectionLimit: 10 } as ConstructorParameters<typeof PrismaMariaDb>[0]),
    log: [{ emit: 'event', level: 'query' }],
  });
  let queries = 0;
  db.$on('query', () => queries++);
  const redis = createRedis(redisUrl, `shop-harness:${randomBytes(4).toString('hex')}:`);
  await redis.connect();
  const log = createLogger({ service: 'products-harness', level: 'silent' });
  const events: EventOutbox = {
    record: async () => {
      throw new Error('the products harness is read-only');
    },
    published: () => {},
    worker: { name: 'none', stop: async () => {} },
  };
  const services = createServices({ db, redis, log, nats: undefined as never, config: undefined as never }, events);
  const schema = await buildSchema(services);
  return {
    schema,
    services,
    db,
    queryCount: () => queries,
    resetQueryCount: () => {
      queries = 0;
    },
    execute: (source, variables, identity = null) =>
      graphql({
        schema,
        source,
        variableValues: variables,
        contextValue: { identity, clientIp: null, trace: traceFromHeader(null), log, loaders: createLoaders(services) },
      }),
    close: async () => {
      // ioredis does not prefix KEYS patterns, and del() prefixes the names it is given.
      const prefix = String(redis.options.keyPrefix);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys.map((key) => key.slice(prefix.length)));
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
