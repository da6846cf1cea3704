import { describe, expect, it } from 'vitest';
import { errorCodes, graphqlRequest, testEnvironment } from '../support/clients';
import { insertOrder, insertProduct } from '../support/fixtures';

const PRODUCT_WITH_SALES = /* GraphQL */ `
  query ProductWithSales($id: ID!) {
    product(id: $id) { id name price { amount currency } soldCount }
  }
`;

describe('the supergraph through the gateway', () => {
  it('is healthy and ready once every subgraph answers', async () => {
    const base = new URL(testEnvironment().gatewayUrl).origin;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      subgraphs: { auth: true, users: true, products: true, orders: true, payments: true },
    });
  });

  it('answers one query with fields from the products and orders subgraphs', async () => {
    const productId = await insertProduct({ name: 'Federated mug', priceAmount: 2599, currency: 'EUR' });
    await insertOrder({ lines: [{ productId, quantity: 2 }] });
    await insertOrder({ lines: [{ productId, quantity: 3 }] });
    await insertOrder({ status: 'CANCELLED', lines: [{ productId, quantity: 50 }] });

    const result = await graphqlRequest(PRODUCT_WITH_SALES, { variables: { id: productId } });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      product: { id: productId, name: 'Federated mug', price: { amount: 2599, currency: 'EUR' }, soldCount: 5 },
    });
  });

  it('resolves the sales of several products in one batch, each with its own count', async () => {
    const first = await insertProduct();
    const second = await insertProduct();
    const unsold = await insertProduct();
    await insertOrder({ lines: [{ productId: first, quantity: 1 }, { productId: second, quantity: 4 }] });

    const result = await graphqlRequest(
      `query ($a: ID!, $b: ID!, $c: ID!) {
        a: product(id: $a) { soldCount } b: product(id: $b) { soldCount } c: product(id: $c) { soldCount }
      }`,
      { variables: { a: first, b: second, c: unsold } },
    );

    expect(result.data).toEqual({ a: { soldCount: 1 }, b: { soldCount: 4 }, c: { soldCount: 0 } });
  });

  it('hides products that are not on sale from anonymous callers', async () => {
    const draft = await insertProduct({ status: 'DRAFT' });
    const result = await graphqlRequest(PRODUCT_WITH_SALES, { variables: { id: draft } });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ product: null });
  });

  it('refuses private data to anonymous callers with UNAUTHENTICATED', async () => {
    const productId = await insertProduct();
    const orderId = await insertOrder({ lines: [{ productId, quantity: 1 }] });

    const result = await graphqlRequest(`query ($id: ID!) { order(id: $id) { id total { amount } } }`, { variables: { id: orderId } });

    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.data).toEqual({ order: null });
    expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|at \w+ \(/);
  });
});

describe('bad requests get coded errors, never stack traces', () => {
  it('rejects an unknown field with GRAPHQL_VALIDATION_FAILED', async () => {
    const result = await graphqlRequest('{ product(id: "x") { priceInFloats } }');
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('rejects a missing required argument', async () => {
    const result = await graphqlRequest('query ($id: ID!) { product(id: $id) { id } }');
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects a syntax error with GRAPHQL_PARSE_FAILED', async () => {
    const result = await graphqlRequest('{ product(id: "x") { id }');
    expect(errorCodes(result)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('rejects a body that is not JSON', async () => {
    const response = await fetch(testEnvironment().gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('refuses a simple cross-site request (CSRF prevention)', async () => {
    const url = `${testEnvironment().gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`;
    const response = await fetch(url, { headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF|preflight/i);
  });
});
