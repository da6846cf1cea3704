import { describe, expect, it } from 'vitest';
import { commonEnv, ConfigError, databaseUrlFor, DEVELOPMENT_GATEWAY_SECRET, loadConfig, servicePort, subgraphEnv } from '#kernel';

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

describe('GATEWAY_SECRET', () => {
  const strong = 'x'.repeat(40);

  it('has an insecure development default outside production', () => {
    expect(loadConfig(commonEnv, {}).GATEWAY_SECRET).toBe(DEVELOPMENT_GATEWAY_SECRET);
    expect(loadConfig(commonEnv, { NODE_ENV: 'test', GATEWAY_SECRET: '' }).GATEWAY_SECRET).toBe(DEVELOPMENT_GATEWAY_SECRET);
  });

  it('is required in production, where the development default is refused', () => {
    expect(() => loadConfig(commonEnv, { NODE_ENV: 'production' })).toThrowError(
      new ConfigError('invalid environment: GATEWAY_SECRET must be set to a random secret of at least 32 characters in production, the same in every service (it is not set)'),
    );
    expect(() => loadConfig(commonEnv, { NODE_ENV: 'production', GATEWAY_SECRET: '' })).toThrow(/GATEWAY_SECRET .*\(it is not set\)/);
    expect(() => loadConfig(commonEnv, { NODE_ENV: 'production', GATEWAY_SECRET: DEVELOPMENT_GATEWAY_SECRET })).toThrow(/GATEWAY_SECRET must be set/);
    expect(loadConfig(commonEnv, { NODE_ENV: 'production', GATEWAY_SECRET: strong }).GATEWAY_SECRET).toBe(strong);
  });

  it('must be at least 32 characters, and is never printed', () => {
    expect(() => loadConfig(commonEnv, { GATEWAY_SECRET: 'hunter2-but-longer' })).toThrowError(
      new ConfigError('invalid environment: GATEWAY_SECRET must be at least 32 characters (got 18 characters)'),
    );
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
