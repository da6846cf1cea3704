import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '#kernel';
import { JwksKeyStore, JwksUnavailableError, jwksUrlFor, toVerificationKey } from '../src/jwks';
import { freshEcKey } from '../../test/support/access-tokens';

const log = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });
const publicJwk = (kid: string) => ({ ...freshEcKey().publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' });

/** A stand-in for the auth subgraph's JWKS route that counts its hits. */
let server: Server;
let url: string;
let document: { status: number; body: unknown };
let hits = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.writeHead(document.status, { 'content-type': 'application/json' }).end(JSON.stringify(document.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  hits = 0;
  document = { status: 200, body: { keys: [publicJwk('k1'), publicJwk('k2')] } };
});

/** A store on a clock the test moves by hand. */
function store() {
  const clock = { now: 1_000_000 };
  return { clock, keys: new JwksKeyStore({ url, log, minRefetchIntervalMs: 5_000, maxAgeMs: 60_000, now: () => clock.now }) };
}

describe('jwksUrlFor', () => {
  it('is the auth subgraph’s origin + /.well-known/jwks.json', () => {
    expect(jwksUrlFor('http://auth:4001/graphql')).toBe('http://auth:4001/.well-known/jwks.json');
  });
});

describe('JwksKeyStore', () => {
  it('fetches the set once and serves every key of it from the cache', async () => {
    const { keys } = store();
    const [first, second] = await Promise.all([keys.keyFor('k1'), keys.keyFor('k2')]);
    expect(first?.asymmetricKeyType).toBe('ec');
    expect(second?.type).toBe('public');
    expect(await keys.keyFor('k1')).toBe(first);
    expect(hits).toBe(1);
  });

  it('refetches for an unknown kid (a rotation), at most once per interval', async () => {
    const { keys, clock } = store();
    await keys.keyFor('k1');
    document.body = { keys: [publicJwk('k1'), publicJwk('k3')] };
    clock.now += 5_000;
    expect(await keys.keyFor('k3')).toBeDefined();
    expect(hits).toBe(2);

    // Forged kids right after: no fetch at all, until the interval has passed.
    for (const kid of ['forged-1', 'forged-2', 'forged-3']) expect(await keys.keyFor(kid)).toBeUndefined();
    expect(hits).toBe(2);
    clock.now += 5_000;
    expect(await keys.keyFor('forged-4')).toBeUndefined();
    expect(hits).toBe(3);
    // The set was replaced: k2 was retired.
    expect(await keys.keyFor('k2')).toBeUndefined();
  });

  it('refreshes an old set in the background, keeping the known key meanwhile', async () => {
    const { keys, clock } = store();
    const k1 = await keys.keyFor('k1');
    clock.now += 61_000;
    expect(await keys.keyFor('k1')).toBe(k1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hits).toBe(2);
  });

  it('cannot check anything while no set was ever loaded', async () => {
    document = { status: 503, body: { error: 'down' } };
    const { keys, clock } = store();
    await expect(keys.keyFor('k1')).rejects.toBeInstanceOf(JwksUnavailableError);
    await expect(keys.keyFor('k1')).rejects.toBeInstanceOf(JwksUnavailableError);
    expect(hits).toBe(1);
    document = { status: 200, body: { keys: [publicJwk('k1')] } };
    clock.now += 5_000;
    expect(await keys.keyFor('k1')).toBeDefined();
  });

  it('keeps the last good set when a refetch fails', async () => {
    const { keys, clock } = store();
    await keys.keyFor('k1');
    document = { status: 500, body: {} };
    clock.now += 5_000;
    expect(await keys.keyFor('unknown')).toBeUndefined();
    expect(await keys.keyFor('k1')).toBeDefined();
  });
});

describe('toVerificationKey', () => {
  it('takes only ES256 signature keys on P-256, and only their public part', () => {
    const pair = freshEcKey();
    const privateJwk = { ...pair.privateKey.export({ format: 'jwk' }), kid: 'k' };
    expect(toVerificationKey(privateJwk)?.type).toBe('public');
    expect(toVerificationKey({ ...privateJwk, alg: 'RS256' })).toBeUndefined();
    expect(toVerificationKey({ ...privateJwk, use: 'enc' })).toBeUndefined();
    expect(toVerificationKey({ ...privateJwk, kid: undefined })).toBeUndefined();
    expect(toVerificationKey({ kty: 'oct', k: 'c2VjcmV0', kid: 'k' })).toBeUndefined();
    expect(toVerificationKey({ kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad', kid: 'k' })).toBeUndefined();
  });
});
