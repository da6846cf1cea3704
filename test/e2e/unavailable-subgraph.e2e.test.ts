import { afterAll, describe, expect, it } from 'vitest';
import { controlService, errorCodes, graphqlRequest, testEnvironment } from '../support/clients';
import { insertProduct } from '../support/fixtures';

const NAME_AND_SALES = `query ($id: ID!) { product(id: $id) { name } sales: product(id: $id) { soldCount } }`;

describe('a subgraph that is down', () => {
  afterAll(() => controlService('orders', 'start').catch(() => {}));

  it('costs only the fields it owns, with SERVICE_UNAVAILABLE, and recovers when it returns', async () => {
    const productId = await insertProduct({ name: 'Resilient mug' });
    await controlService('orders', 'stop');

    const degraded = await graphqlRequest(NAME_AND_SALES, { variables: { id: productId } });
    expect(degraded.status).toBe(200);
    expect(degraded.data?.product).toEqual({ name: 'Resilient mug' });
    expect(degraded.data?.sales).toBeNull();
    expect(errorCodes(degraded)).toContain('SERVICE_UNAVAILABLE');
    expect(degraded.errors?.find((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE')?.message).toMatch(/orders service/);
    expect(JSON.stringify(degraded.errors)).not.toMatch(/ECONNREFUSED|stacktrace/);

    const ready = await fetch(`${new URL(testEnvironment().gatewayUrl).origin}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', subgraphs: { orders: false, products: true } });

    await controlService('orders', 'start');
    const recovered = await graphqlRequest(NAME_AND_SALES, { variables: { id: productId } });
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data).toEqual({ product: { name: 'Resilient mug' }, sales: { soldCount: 0 } });
  });
});
