/**
 * Saleor-style guard: resolving N products through `_entities` (what the gateway sends when
 * another subgraph references products) must cost the same number of SQL statements for
 * 1, 10 or 50 products. Runs the products schema in-process on this run's database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '#kernel';
import { testEnvironment } from '../support/clients';
import { insertProduct } from '../support/fixtures';
import { createProductsHarness, type ProductsHarness } from '../support/products-harness';

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Product { id name price { amount currency } images { url } inStock category { name path { name } } }
    }
  }
`;

let harness: ProductsHarness;
const ids: string[] = [];
beforeAll(async () => {
  const { env } = testEnvironment();
  const server = poolConfigFromUrl(env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
  const url = `mysql://${server.user}${server.password ? `:${encodeURIComponent(server.password)}` : ''}@${server.host}:${server.port}/${env.DATABASE_PREFIX}_products`;
  harness = await createProductsHarness(url, env.REDIS_URL);
  for (let i = 0; i < 50; i++) ids.push(await insertProduct({ name: `Counted ${i}` }));
});
afterAll(async () => {
  await harness?.close();
});

async function countFor(productIds: string[]): Promise<number> {
  harness.resetQueryCount();
  const result = await harness.execute(ENTITIES, { representations: productIds.map((id) => ({ __typename: 'Product', id })) });
  expect(result.errors).toBeUndefined();
  expect(result.data._entities.map((product: { id: string }) => product.id)).toEqual(productIds);
  return harness.queryCount();
}

describe('_entities for products', () => {
  it('issues a constant number of SQL queries however many products are asked for', async () => {
    const one = await countFor(ids.slice(0, 1));
    const ten = await countFor(ids.slice(1, 11));
    const fifty = await countFor(ids.slice(0, 50).reverse().concat([])); // 1..11 cached now, the rest not
    expect(one).toBe(4); // products, their images, their attributes, their stock (these products have no category)
    expect(ten).toBe(one);
    expect(fifty).toBe(one);
  });

  it('serves products from the cache on a second request (only stock is read again)', async () => {
    await countFor(ids.slice(0, 20));
    const warm = await countFor(ids.slice(0, 20));
    expect(warm).toBe(1); // stock only: products, images and attributes come from Redis
  });
});
