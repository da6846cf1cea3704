import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { InvalidAccessTokenError, verifyAccessToken, type SigningKeyLookup } from '../src/access-token';
import { freshEcKey, mintAccessToken, unsignedToken } from '../../test/support/access-tokens';

const auth = freshEcKey();
const kid = 'auth-key-1';
const keyFor: SigningKeyLookup = async (wanted) => (wanted === kid ? auth.publicKey : undefined);
const mint = (options: Partial<Parameters<typeof mintAccessToken>[0]> = {}) =>
  mintAccessToken({ privateKey: auth.privateKey, kid, ...options });

async function refusal(token: string, lookup = keyFor): Promise<InvalidAccessTokenError> {
  const error = await verifyAccessToken(token, lookup).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidAccessTokenError);
  return error as InvalidAccessTokenError;
}

describe('verifyAccessToken', () => {
  it('accepts a token of the auth subgraph and returns who it names', async () => {
    const { token, claims } = mint({ claims: { roles: ['STAFF', 'CUSTOMER'] } });
    expect(await verifyAccessToken(token, keyFor)).toEqual({
      userId: claims.sub,
      roles: ['STAFF', 'CUSTOMER'],
      sessionId: claims.sid,
      tokenId: claims.jti,
      expiresAt: claims.exp,
    });
  });

  it('refuses strings that are not signed JWTs', async () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c.d', 'a.b.c', 'x'.repeat(5000), `${mint().token} `]) {
      await refusal(token);
    }
  });

  it('refuses alg none without looking up a key', async () => {
    let lookups = 0;
    const counting: SigningKeyLookup = async (wanted) => (lookups++, keyFor(wanted));
    const { claims } = mint();
    const error = await refusal(`${unsignedToken(claims, kid)}c2ln`, counting);
    expect(error.reason).toMatch(/algorithm none/);
    expect(lookups).toBe(0);
  });

  it('refuses HS256 signed with the public key (algorithm confusion) and RS256', async () => {
    const { claims } = mint();
    const publicPem = auth.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const hs256 = jwt.sign(claims, publicPem, { algorithm: 'HS256', header: { alg: 'HS256', kid } });
    expect((await refusal(hs256)).reason).toMatch(/algorithm HS256/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const rs256 = jwt.sign(claims, rsa, { algorithm: 'RS256', header: { alg: 'RS256', kid } });
    expect((await refusal(rs256)).reason).toMatch(/algorithm RS256/);
  });

  it('refuses an unknown kid and a known kid with a signature from another key', async () => {
    expect((await refusal(mint({ kid: 'forged' }).token)).reason).toMatch(/unknown signing key/);
    expect((await refusal(mint({ privateKey: freshEcKey().privateKey }).token)).reason).toMatch(/signature/);
  });

  it('refuses an expired token and says so', async () => {
    const now = Math.floor(Date.now() / 1000);
    const error = await refusal(mint({ claims: { iat: now - 1000, exp: now - 60 } }).token);
    expect(error.expired).toBe(true);
  });

  it('refuses another issuer or audience', async () => {
    expect((await refusal(mint({ claims: { iss: 'someone-else' } }).token)).reason).toMatch(/issuer/);
    expect((await refusal(mint({ claims: { aud: 'another-shop' } }).token)).reason).toMatch(/audience/);
  });

  it('refuses tokens missing a claim the supergraph relies on, or with an unknown role', async () => {
    for (const claim of ['sub', 'sid', 'jti', 'exp', 'roles'] as const) {
      await refusal(mint({ omit: [claim] }).token);
    }
    await refusal(mint({ claims: { roles: ['ROOT' as never] } }).token);
  });
});
