import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/gateway-config';

const PRODUCTION = { NODE_ENV: 'production', GATEWAY_SECRET: 'a-production-secret-of-at-least-32-characters' };

describe('loadGatewayConfig: protections', () => {
  it('has documented defaults for every limit', () => {
    const config = loadGatewayConfig([], {});
    expect(config.operationLimits).toEqual({ depth: 12, aliases: 15, directives: 10, tokens: 2000, cost: 5000, rootFields: 10, documentSize: 20_000 });
    expect(config.rateLimit).toEqual({ points: 600, windowSeconds: 60 });
    expect(config.requestTimeoutMs).toBe(30_000);
    expect(config.corsOrigins).toEqual([]);
  });

  it('reads each limit from its variable', () => {
    const config = loadGatewayConfig([], {
      MAX_QUERY_DEPTH: '8',
      MAX_ALIASES: '0',
      MAX_DIRECTIVES: '3',
      MAX_TOKENS: '500',
      MAX_COST: '1000',
      MAX_ROOT_FIELDS: '4',
      MAX_DOCUMENT_BYTES: '4096',
      GATEWAY_RATE_LIMIT_POINTS: '70',
      GATEWAY_RATE_LIMIT_WINDOW_SECONDS: '10',
      GATEWAY_REQUEST_TIMEOUT_MS: '5000',
    });
    expect(config.operationLimits).toEqual({ depth: 8, aliases: 0, directives: 3, tokens: 500, cost: 1000, rootFields: 4, documentSize: 4096 });
    expect(config.rateLimit).toEqual({ points: 70, windowSeconds: 10 });
    expect(config.requestTimeoutMs).toBe(5000);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadGatewayConfig([], { MAX_QUERY_DEPTH: '0' })).toThrow(/MAX_QUERY_DEPTH/);
    expect(() => loadGatewayConfig([], { MAX_COST: 'lots' })).toThrow(/MAX_COST/);
    expect(() => loadGatewayConfig([], { GATEWAY_RATE_LIMIT_POINTS: '-1' })).toThrow(/GATEWAY_RATE_LIMIT_POINTS/);
    expect(() => loadGatewayConfig([], { GATEWAY_REQUEST_TIMEOUT_MS: '10' })).toThrow(/GATEWAY_REQUEST_TIMEOUT_MS/);
  });

  it('reads CORS_ORIGINS as a comma-separated list of exact origins', () => {
    expect(loadGatewayConfig([], { CORS_ORIGINS: 'https://shop.example, http://localhost:3000' }).corsOrigins).toEqual([
      'https://shop.example',
      'http://localhost:3000',
    ]);
    expect(() => loadGatewayConfig([], { CORS_ORIGINS: 'https://shop.example/' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadGatewayConfig([], { CORS_ORIGINS: 'shop.example' })).toThrow(/CORS_ORIGINS/);
  });

  it('allows any origin (*) outside production only', () => {
    expect(loadGatewayConfig([], { CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(() => loadGatewayConfig([], { ...PRODUCTION, CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
    expect(loadGatewayConfig([], { ...PRODUCTION, CORS_ORIGINS: 'https://shop.example' }).corsOrigins).toEqual(['https://shop.example']);
  });
});
