import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sharedQueryKey } from '../src/execution/shared-queries';

const keyOf = sharedQueryKey({ trustProxy: false });
const request = (headers: Record<string, string> = {}, remoteAddress = '10.0.0.5', method = 'POST') =>
  ({ method, socket: { remoteAddress }, headers: { 'content-type': 'application/json', ...headers } }) as unknown as IncomingMessage;
const body = (payload: unknown) => Buffer.from(JSON.stringify(payload));
const products = body({ query: '{ products(first: 2) { edges { node { id } } } }' });

describe('sharedQueryKey', () => {
  it('gives identical queries of one caller the same key', () => {
    const key = keyOf(request({ authorization: 'Bearer a' }), products);
    expect(key).toBeDefined();
    expect(keyOf(request({ authorization: 'Bearer a' }), products)).toBe(key);
  });

  it('never shares between identities, addresses, bodies or negotiated formats', () => {
    const key = keyOf(request({ authorization: 'Bearer a' }), products);
    expect(keyOf(request({ authorization: 'Bearer b' }), products)).not.toBe(key);
    expect(keyOf(request({}), products)).not.toBe(key);
    expect(keyOf(request({ authorization: 'Bearer a' }, '10.0.0.6'), products)).not.toBe(key);
    expect(keyOf(request({ authorization: 'Bearer a', accept: 'application/graphql-response+json' }), products)).not.toBe(key);
    const otherVariables = body({ query: 'query($n: Int) { products(first: $n) { edges { node { id } } } }', variables: { n: 3 } });
    const sameDocument = body({ query: 'query($n: Int) { products(first: $n) { edges { node { id } } } }', variables: { n: 4 } });
    expect(keyOf(request(), otherVariables)).not.toBe(keyOf(request(), sameDocument));
  });

  it('never shares mutations, subscriptions, incremental delivery, GET or what Apollo Server must refuse', () => {
    expect(keyOf(request(), body({ query: 'mutation { logout }' }))).toBeUndefined();
    expect(keyOf(request(), body({ query: 'subscription { orderStatusChanged(orderId: "x") { id } }' }))).toBeUndefined();
    expect(keyOf(request(), body({ query: '{ me { id ... @defer { email } } }' }))).toBeUndefined();
    expect(keyOf(request({}, '10.0.0.5', 'GET'), products)).toBeUndefined();
    expect(keyOf(request(), Buffer.from('{not json'))).toBeUndefined();
    expect(keyOf(request(), body({ query: '{ unclosed' }))).toBeUndefined();
  });

  it('picks the named operation of a document holding a query and a mutation', () => {
    const document = 'query Read { me { id } } mutation Write { logout }';
    expect(keyOf(request(), body({ query: document, operationName: 'Read' }))).toBeDefined();
    expect(keyOf(request(), body({ query: document, operationName: 'Write' }))).toBeUndefined();
  });
});
