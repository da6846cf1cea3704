import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, createRedis } from '#kernel';
import type { SigningKeyLookup } from '../src/access-token';
import { Authenticator } from '../src/authenticator';
import { JwksUnavailableError } from '../src/jwks';
import { freshEcKey, mintAccessToken } from '../../test/support/access-tokens';

const log = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });
const auth = freshEcKey();
const keyFor: SigningKeyLookup = async (kid) => (kid === 'k1' ? auth.publicKey : undefined);
// A real client of a Redis that is not there (nothing listens on port 1): every command fails at once.
const downRedis = createRedis('redis://127.0.0.1:1', 'test:');
afterAll(() => downRedis.disconnect());

async function refusal(promise: Promise<unknown>): Promise<GraphQLError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
}

describe('Authenticator (the parts that need no running Redis)', () => {
  it('treats a request without Authorization as anonymous', async () => {
    expect(await new Authenticator({ keyFor, redis: downRedis }).identify(undefined, log)).toBeNull();
  });

  it('refuses a bad token with UNAUTHENTICATED and HTTP 401', async () => {
    const error = await refusal(new Authenticator({ keyFor, redis: downRedis }).identify('Bearer x.y.z', log));
    expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
  });

  it('refuses every token when there is no key source', async () => {
    const { token } = mintAccessToken({ privateKey: auth.privateKey, kid: 'k1' });
    const error = await refusal(new Authenticator({ redis: downRedis }).identify(`Bearer ${token}`, log));
    expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('fails closed with SERVICE_UNAVAILABLE (503) when the deny-list cannot be read', async () => {
    const { token } = mintAccessToken({ privateKey: auth.privateKey, kid: 'k1' });
    const error = await refusal(new Authenticator({ keyFor, redis: downRedis }).identify(`Bearer ${token}`, log));
    expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', http: { status: 503 } });
  });

  it('fails closed with SERVICE_UNAVAILABLE (503) when no signing keys can be loaded', async () => {
    const { token } = mintAccessToken({ privateKey: auth.privateKey, kid: 'k1' });
    const unavailable: SigningKeyLookup = async () => {
      throw new JwksUnavailableError('down');
    };
    const error = await refusal(new Authenticator({ keyFor: unavailable, redis: downRedis }).identify(`Bearer ${token}`, log));
    expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', http: { status: 503 } });
  });
});
