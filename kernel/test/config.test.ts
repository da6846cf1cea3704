import { describe, expect, it } from 'vitest';
import { ConfigError, databaseUrlFor, loadConfig, servicePort, subgraphEnv } from '#kernel';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig(subgraphEnv, {});
    expect(config).toMatchObject({ NODE_ENV: 'development', DATABASE_PREFIX: 'shop', REDIS_KEY_PREFIX: 'shop:' });
  });

  it('names the variable, the rule and the value it refused', () => {
    expect(() => loadConfig(subgraphEnv, { REDIS_URL: 'localhost:6379' })).toThrowError(
      new ConfigError('invalid environment: REDIS_URL must be a URL with scheme redis:// or rediss:// (got "localhost:6379")'),
    );
    expect(() => servicePort('users', { USERS_PORT: 'abc' })).toThrow(/USERS_PORT .*\(got "abc"\)/);
    expect(() => loadConfig(subgraphEnv, { DATABASE_PREFIX: 'shop; DROP' })).toThrow(/DATABASE_PREFIX must be 1-40 letters/);
  });
});

describe('databaseUrlFor', () => {
  const settings = { DATABASE_URL: 'mysql://app:s3cret@db.internal:3307', DATABASE_PREFIX: 'shop_test_1' };

  it('derives each domain’s database from one server URL and a prefix', () => {
    expect(databaseUrlFor('orders', settings, {})).toBe('mysql://app:s3cret@db.internal:3307/shop_test_1_orders');
  });

  it('lets one domain point elsewhere', () => {
    expect(databaseUrlFor('orders', settings, { ORDERS_DATABASE_URL: 'mysql://root@other/orders' })).toBe('mysql://root@other/orders');
  });
});
