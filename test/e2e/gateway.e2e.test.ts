import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/repo-root';
import { errorCodes, graphqlRequest, testEnvironment } from '../support/clients';
import { insertProduct } from '../support/fixtures';
import { startUntilHealthy, stopProcess } from '../support/processes';
import { freePort } from '../support/test-env';

describe('the gateway in development (the run’s own gateway)', () => {
  it('serves Apollo Sandbox to a browser', async () => {
    const response = await fetch(testEnvironment().gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  it('allows introspection', async () => {
    const result = await graphqlRequest('{ __schema { queryType { name } } }');
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('the gateway serving another supergraph file in production mode', () => {
  let gateway: ChildProcess;
  let url: string;

  beforeAll(async () => {
    // A supergraph of the products subgraph alone, composed from its committed SDL.
    const { env } = testEnvironment();
    const productsSdl = readFileSync(join(repoRoot(), 'subgraphs/products/schema.graphql'), 'utf8');
    const composed = composeServices([{ name: 'products', url: env.PRODUCTS_URL!, typeDefs: parse(productsSdl) }]);
    expect(composed.errors).toBeUndefined();
    const file = join(mkdtempSync(join(tmpdir(), 'supergraph-')), 'products-only.graphql');
    writeFileSync(file, composed.supergraphSdl!);

    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    gateway = await startUntilHealthy(
      'gateway/src/main.js',
      ['--supergraph', file, '--port', String(port)],
      { ...process.env, ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
      `http://127.0.0.1:${port}/health`,
    );
  });
  afterAll(() => stopProcess(gateway));

  it('answers from the subgraphs that file names', async () => {
    const productId = await insertProduct({ name: 'Solo mug' });
    const result = await graphqlRequest(`query ($id: ID!) { product(id: $id) { name } }`, { url, variables: { id: productId } });
    expect(result.data).toEqual({ product: { name: 'Solo mug' } });
  });

  it('knows nothing of the fields other subgraphs add', async () => {
    const result = await graphqlRequest('{ product(id: "x") { soldCount } }', { url });
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses introspection', async () => {
    const result = await graphqlRequest('{ __schema { queryType { name } } }', { url });
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('serves no landing page', async () => {
    const response = await fetch(url, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toMatch(/sandbox/i);
  });
});
