/**
 * Products read throughput, in-process (schema → services → MariaDB/Redis, no HTTP):
 * listing pages, full-text search, and the SQL statements per `_entities` batch.
 *
 *   npx vitest run --config bench/vitest.config.mts
 *
 * Seeds BENCH_PRODUCTS products (default 5000) into a scratch database
 * `shop_bench_<random>_products` on DATABASE_URL, runs each case for BENCH_SECONDS
 * (default 3) with BENCH_CONCURRENCY operations in flight (default 8), prints the figures,
 * and drops the database. Bounded in time; talks to 127.0.0.1 services only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { createConnection } from 'mariadb';
import { afterAll, beforeAll, it } from 'vitest';
import { migrateDatabase, parseDatabaseUrl } from '../scripts/migrate';
import { createProductsHarness, type ProductsHarness } from '../test/support/products-harness';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WORDS = ['mug', 'lamp', 'chair', 'table', 'kettle', 'blanket', 'lantern', 'stool', 'vase', 'clock', 'basket', 'pillow'];

const server = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
server.pathname = `/shop_bench_${randomBytes(4).toString('hex')}_products`;
const databaseUrl = server.toString();
let harness: ProductsHarness;

beforeAll(async () => {
  await migrateDatabase({ databaseUrl, migrationsDir: path.join(__dirname, '..', 'prisma', 'products', 'migrations') });
  const { server: connection, database } = parseDatabaseUrl(databaseUrl);
  const db = await createConnection({ ...connection, database });
  try {
    for (let start = 0; start < PRODUCTS; start += 500) {
      const rows = Array.from({ length: Math.min(500, PRODUCTS - start) }, (_, i) => {
        const n = start + i;
        const word = WORDS[n % WORDS.length]!;
        return [randomUUID(), `bench-${n}`, `${word} ${n}`, `A ${word} with ${WORDS[(n * 7) % WORDS.length]} details`, 100 + (n % 997), 'USD', 'ACTIVE'];
      });
      await db.batch('INSERT INTO products (id, slug, name, description, price_amount, currency, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))', rows);
    }
  } finally {
    await db.end();
  }
  harness = await createProductsHarness(databaseUrl);
});

afterAll(async () => {
  await harness?.close();
  const { server: connection, database } = parseDatabaseUrl(databaseUrl);
  const admin = await createConnection(connection);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
});

/** Runs `operation` with CONCURRENCY in flight for SECONDS; returns operations per second. */
async function throughput(operation: (i: number) => Promise<unknown>): Promise<{ perSecond: number; total: number }> {
  const deadline = Date.now() + SECONDS * 1000;
  let total = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) await operation(total++);
    }),
  );
  return { perSecond: Math.round((total / (Date.now() - started)) * 1000), total };
}

const LIST = `query ($after: String, $sort: ProductSort) { products(first: 20, after: $after, sort: $sort) { totalCount edges { cursor node { id name price { amount } } } pageInfo { endCursor } } }`;
const SEARCH = `query ($search: String!) { products(search: $search, first: 20) { totalCount edges { node { id name } } } }`;
const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name price { amount } inStock } } }`;

it('prints product list and search throughput, and SQL per _entities batch', async () => {
  const check = (result: { errors?: readonly unknown[] }) => {
    if (result.errors) throw new Error(JSON.stringify(result.errors));
  };
  const list = await throughput(async (i) => check(await harness.execute(LIST, { sort: i % 2 ? 'PRICE_ASC' : 'NEWEST' })));
  const search = await throughput(async (i) => check(await harness.execute(SEARCH, { search: WORDS[i % WORDS.length] })));

  const ids = (await harness.db.product.findMany({ select: { id: true }, take: 100 })).map((row) => row.id);
  const perBatch: string[] = [];
  for (const size of [1, 10, 100]) {
    harness.resetQueryCount();
    check(await harness.execute(ENTITIES, { r: ids.slice(0, size).map((id) => ({ __typename: 'Product', id })) }));
    perBatch.push(`${size}: ${harness.queryCount()}`);
    await harness.close().catch(() => {}); // cold cache for the next size
    harness = await createProductsHarness(databaseUrl);
  }

  console.log(
    [
      `products bench: ${PRODUCTS} products, ${SECONDS}s per case, ${CONCURRENCY} in flight`,
      `  list (first 20, NEWEST/PRICE_ASC): ${list.perSecond} req/s (${list.total} requests)`,
      `  search (FULLTEXT, first 20):        ${search.perSecond} req/s (${search.total} requests)`,
      `  SQL statements per _entities batch (cold cache), batch size: count → ${perBatch.join(', ')}`,
    ].join('\n'),
  );
});
