import { ApolloServer, HeaderMap } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../src/gateway-context';
import type { GatewayRateLimit } from '../src/security/gateway-rate-limit';
import { RateLimitedError } from '../src/security/gateway-rate-limit';
import { formatOperationLimitError, operationLimitsPlugin, operationLimitsServerOptions } from '../src/security/operation-limits-plugin';
import type { OperationLimits } from '../src/security/operation-limits';

const limits: OperationLimits = { depth: 3, aliases: 2, directives: 1, tokens: 40, cost: 50, rootFields: 2, documentSize: 300 };
const counted: number[] = [];
const rateLimit = {
  consume: async (_caller: unknown, points: number) => {
    counted.push(points);
    if (points >= 10) throw new RateLimitedError(42);
  },
} as unknown as GatewayRateLimit;

const server = new ApolloServer<GatewayContext>({
  typeDefs: 'type Query { me: User items(first: Int! = 20): [User!]! } type User { id: ID! friend: User } type Mutation { login: Boolean }',
  ...operationLimitsServerOptions(limits),
  plugins: [operationLimitsPlugin({ limits, rateLimit })],
  formatError: (formatted, error) => formatOperationLimitError(formatted, error, limits) ?? formatted,
});
beforeAll(() => server.start());
afterAll(() => server.stop());

async function post(query: string, variables?: Record<string, unknown>) {
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: variables ? { query, variables } : { query } },
    context: async () => ({ identity: null, clientIp: '198.51.100.1' }) as unknown as GatewayContext,
  });
  const body = JSON.parse(response.body.kind === 'complete' ? response.body.string : '{}');
  return { status: response.status ?? 200, headers: response.headers, body };
}

describe('operationLimitsPlugin in Apollo Server', () => {
  it.each([
    ['{ me { friend { friend { id } } } }', 'depth', 3],
    ['{ me { a: id b: id c: id } }', 'aliases', 2],
    ['{ me { id @skip(if: false) @include(if: true) } }', 'directives', 1],
    [`{ me { ${'id '.repeat(40)} } }`, 'tokens', 40],
    [`{ me { id } } # ${'x'.repeat(300)}`, 'documentSize', 300],
    ['{ me { id } items(first: 1) { id } __typename }', 'rootFields', 2],
    ['{ items(first: 25) { id friend { id } } }', 'cost', 50],
  ])('answers %s with 400 and one OPERATION_LIMIT_EXCEEDED (%s)', async (query, limit, max) => {
    const { status, body } = await post(query);
    expect(status).toBe(400);
    expect(body).toEqual({ errors: [{ message: expect.stringContaining(`limit of ${max}`), extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit, max } }] });
  });

  it('drops the other validation errors of a refused document', async () => {
    const { body } = await post('{ me { nope friend { friend { id } } } }');
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.limit).toBe('depth');
  });

  it('prices the cost with the request’s variables', async () => {
    expect((await post('query ($n: Int!) { items(first: $n) { id } }', { n: 10 })).status).toBe(200);
    expect((await post('query ($n: Int!) { items(first: $n) { id } }', { n: 60 })).body.errors[0].extensions.limit).toBe('cost');
  });

  it('counts an accepted operation by its weight, and answers 429 with Retry-After when over the rate limit', async () => {
    counted.length = 0;
    const first = await post('{ me { id } }');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(counted).toEqual([1]);
    const { status, headers, body } = await post('mutation { login }');
    expect(counted).toEqual([1, 10]);
    expect(status).toBe(429);
    expect(headers.get('retry-after')).toBe('42');
    expect(body.errors).toEqual([{ message: expect.any(String), extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 42 } }]);
  });
});
