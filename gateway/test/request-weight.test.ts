import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { requestWeight } from '../src/security/request-weight';
import { operationVariables } from '../src/security/operation-variables';
import { fragmentsOf } from '../src/security/root-field-count';

const weight = (query: string, variables?: Record<string, unknown>) => {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  return requestWeight(operation, fragmentsOf(document), operationVariables(operation, variables));
};

describe('requestWeight', () => {
  it('is 1 for an ordinary operation', () => {
    expect(weight('{ me { id } }')).toBe(1);
    expect(weight('{ product(id: 1) { id } categories { id } }')).toBe(2);
  });

  it('weighs sign-in and checkout fields', () => {
    expect(weight('mutation { login(input: {}) { accessToken } }')).toBe(10);
    expect(weight('mutation { register(input: {}) { accessToken } }')).toBe(10);
    expect(weight('mutation { requestPasswordReset(email: "a") }')).toBe(10);
    expect(weight('mutation { resetPassword(input: {}) }')).toBe(10);
    expect(weight('mutation { refreshToken(refreshToken: "r") { accessToken } }')).toBe(5);
    expect(weight('mutation { placeOrder(input: {}) { id } }')).toBe(5);
    expect(weight('mutation { createPayment(input: {}) { id } }')).toBe(5);
  });

  it('counts every aliased copy, through fragments too', () => {
    const logins = Array.from({ length: 8 }, (_, i) => `l${i}: login(input: {}) { accessToken }`).join(' ');
    expect(weight(`mutation { ${logins} }`)).toBe(80);
    expect(weight('mutation { ...M ... on Mutation { b: login(input: {}) { accessToken } } } fragment M on Mutation { a: login(input: {}) { accessToken } }')).toBe(20);
  });

  it('weighs products 5 only with a search text', () => {
    expect(weight('{ products(search: "mug") { totalCount } }')).toBe(5);
    expect(weight('query ($q: String) { products(search: $q) { totalCount } }', { q: 'mug' })).toBe(5);
    expect(weight('query ($q: String) { products(search: $q) { totalCount } }', {})).toBe(1);
    expect(weight('{ products(search: null) { totalCount } }')).toBe(1);
    expect(weight('{ products { totalCount } }')).toBe(1);
  });
});
