import { describe, expect, it } from 'vitest';
import { testEnvironment } from '../support/clients';
import { runToExit } from '../support/processes';

const productsMain = 'subgraphs/products/src/main.js';

describe('a process started with a bad setup exits 1 with one clear line', () => {
  it('names an invalid variable', async () => {
    const { env } = testEnvironment();
    const result = await runToExit(productsMain, [], { ...process.env, ...env, PRODUCTS_PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/PRODUCTS_PORT.*"eighty"/);
  });

  it('names a database that does not exist and how to create it', async () => {
    const { env } = testEnvironment();
    const result = await runToExit(productsMain, [], { ...process.env, ...env, DATABASE_PREFIX: 'shop_missing', PRODUCTS_PORT: '0', LOG_LEVEL: 'silent' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('failed to start: database shop_missing_products does not exist; run `npm run migrate` to create it');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a supergraph file that cannot be read', async () => {
    const { env } = testEnvironment();
    const result = await runToExit('gateway/src/main.js', ['--supergraph', '/nonexistent/supergraph.graphql', '--port', '0'], { ...process.env, ...env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read supergraph \/nonexistent\/supergraph\.graphql/);
  });

  it('refuses an unknown gateway flag', async () => {
    const result = await runToExit('gateway/src/main.js', ['--superglue', 'x'], process.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/usage: gateway/);
  });
});
