import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { afterAll, describe, expect, it } from 'vitest';
import { revokedSessionKey, revokedTokenKey } from '#kernel';
import { freshEcKey, mintAccessToken, runSigningKeys, unsignedToken } from '../support/access-tokens';
import { errorCodes, graphqlRequest, testEnvironment, type GraphQLResult } from '../support/clients';
import { insertOrder, insertProduct } from '../support/fixtures';

/**
 * The gateway verifies the bearer token once per request: ES256 signed by a key the auth
 * subgraph publishes in its JWKS, right issuer and audience, not expired, not on the
 * Redis deny-list. Anything else fails the whole request with 401 UNAUTHENTICATED.
 */
const ORDER = /* GraphQL */ `query ($id: ID!) { order(id: $id) { id user { id } } }`;
const PRODUCT = /* GraphQL */ `query ($id: ID!) { product(id: $id) { name } }`;

/** The run's auth signing key (the global setup gives it to the auth subgraph as AUTH_SIGNING_KEYS). */
const authKey = () => runSigningKeys(testEnvironment().env)[0]!;
const realToken = (claims: Parameters<typeof mintAccessToken>[0]['claims'] = {}) =>
  mintAccessToken({ privateKey: authKey().privateKeyPem, kid: authKey().kid, claims });

/** Sends ORDER with `authorization` exactly as given. */
const orderWith = (authorization: string, id = randomUUID()) => graphqlRequest(ORDER, { variables: { id }, headers: { authorization } });

function expectRefused(result: GraphQLResult, message?: RegExp) {
  expect(result.status).toBe(401);
  expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  expect(result.data).toBeUndefined();
  if (message) expect(result.errors?.[0]?.message).toMatch(message);
}

let redis: Redis | undefined;
afterAll(() => redis?.quit());

describe('a request without a token', () => {
  it('is anonymous: public data works, private data is UNAUTHENTICATED from the subgraph', async () => {
    const productId = await insertProduct({ name: 'Anonymous mug' });
    const product = await graphqlRequest(PRODUCT, { variables: { id: productId } });
    expect(product.status).toBe(200);
    expect(product.data).toEqual({ product: { name: 'Anonymous mug' } });

    const order = await graphqlRequest(ORDER, { variables: { id: randomUUID() } });
    expect(order.status).toBe(200);
    expect(errorCodes(order)).toEqual(['UNAUTHENTICATED']);
    expect(order.data).toEqual({ order: null });
  });
});

describe('a token the gateway must refuse, with 401 for the whole request', () => {
  it('answers with a WWW-Authenticate challenge and no data', async () => {
    const response = await fetch(testEnvironment().gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual({
      errors: [{ message: 'The access token is not valid; sign in again.', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it.each([
    ['garbage', 'Bearer garbage'],
    ['three empty segments', 'Bearer ..'],
    ['three base64 segments that are not JSON', 'Bearer YQ.Yg.Yw'],
    ['an empty bearer', 'Bearer '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['two tokens', 'Bearer a.b.c d.e.f'],
  ])('refuses a malformed header: %s', async (_name, authorization) => {
    expectRefused(await orderWith(authorization));
  });

  it('refuses alg none', async () => {
    const { claims } = realToken();
    expectRefused(await orderWith(`Bearer ${unsignedToken(claims, authKey().kid)}`));
  });

  it('refuses HS256 signed with the auth key’s public material (algorithm confusion)', async () => {
    const { claims } = realToken({ roles: ['ADMIN'] });
    const publicKey = createPublicKey(createPrivateKey(authKey().privateKeyPem));
    for (const secret of [publicKey.export({ type: 'spki', format: 'pem' }) as string, JSON.stringify(publicKey.export({ format: 'jwk' }))]) {
      const token = jwt.sign(claims, secret, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT', kid: authKey().kid } });
      expectRefused(await orderWith(`Bearer ${token}`));
    }
  });

  it('refuses RS256', async () => {
    const { claims } = realToken();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const token = jwt.sign(claims, rsa, { algorithm: 'RS256', header: { alg: 'RS256', typ: 'JWT', kid: authKey().kid } });
    expectRefused(await orderWith(`Bearer ${token}`));
  });

  it('refuses an ES256 token from a key the auth subgraph does not publish', async () => {
    const { privateKey } = freshEcKey();
    expectRefused(await orderWith(`Bearer ${mintAccessToken({ privateKey, kid: `forged-${randomUUID()}` }).token}`));
    // The same stranger key claiming to be the real one.
    expectRefused(await orderWith(`Bearer ${mintAccessToken({ privateKey, kid: authKey().kid }).token}`));
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expectRefused(await orderWith(`Bearer ${realToken({ aud: 'another-shop' }).token}`));
    expectRefused(await orderWith(`Bearer ${realToken({ iss: 'someone-else' }).token}`));
  });

  it('refuses an expired token, saying so', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectRefused(await orderWith(`Bearer ${realToken({ iat: now - 1_000, exp: now - 60 }).token}`), /expired/);
  });
});

describe('a valid token of the auth subgraph', () => {
  it('reaches the subgraphs as the caller’s identity', async () => {
    const { token, claims } = realToken();
    const productId = await insertProduct();
    const own = await insertOrder({ userId: claims.sub, lines: [{ productId, quantity: 1 }] });

    const mine = await graphqlRequest(ORDER, { token, variables: { id: own } });
    expect(mine.errors).toBeUndefined();
    expect(mine.data).toEqual({ order: { id: own, user: { id: claims.sub } } });

    const unknown = randomUUID();
    const missing = await graphqlRequest(ORDER, { token, variables: { id: unknown } });
    expect(missing.status).toBe(200);
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
  });

  it('is refused once its jti is on the deny-list', async () => {
    const { token, claims } = realToken();
    expect(errorCodes(await orderWith(`Bearer ${token}`))).toEqual(['NOT_FOUND']);
    await denyList().set(revokedTokenKey(claims.jti), '1', 'EX', 900);
    expectRefused(await orderWith(`Bearer ${token}`), /revoked/);
    // Another token of the same session is unaffected.
    expect(errorCodes(await orderWith(`Bearer ${realToken({ sid: claims.sid }).token}`))).toEqual(['NOT_FOUND']);
  });

  it('is refused once its session is on the deny-list, with every other token of that session', async () => {
    const first = realToken();
    const second = realToken({ sid: first.claims.sid, sub: first.claims.sub });
    await denyList().set(revokedSessionKey(first.claims.sid), '1', 'EX', 900);
    expectRefused(await orderWith(`Bearer ${first.token}`), /revoked/);
    expectRefused(await orderWith(`Bearer ${second.token}`), /revoked/);
  });
});

/** The run's Redis, under the run's key prefix: where the auth subgraph writes the deny-list. */
function denyList(): Redis {
  const { env } = testEnvironment();
  redis ??= new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.REDIS_KEY_PREFIX });
  return redis;
}
