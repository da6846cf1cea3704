import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ConfigError, type Logger } from '#kernel';

/** One ES256 key: the private half signs access tokens, the public half is published. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };
}

/**
 * The keys access tokens are signed with. The first signs; all are published in the JWKS
 * so tokens signed by a retiring key stay valid until they expire (rotation: add the new
 * key first, move it to the front, drop the old one after the token lifetime).
 */
export class SigningKeys {
  constructor(readonly all: SigningKey[]) {
    if (!all.length) throw new ConfigError('invalid environment: AUTH_SIGNING_KEYS holds no key');
  }

  get active(): SigningKey {
    return this.all[0]!;
  }

  /** The JSON Web Key Set served at `/.well-known/jwks.json`. */
  jwks(): { keys: SigningKey['publicJwk'][] } {
    return { keys: this.all.map((key) => key.publicJwk) };
  }
}

function toSigningKey(kid: string, privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError(`invalid environment: AUTH_SIGNING_KEYS key "${kid}" is not an EC P-256 key`);
  }
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } };
}

/**
 * Reads AUTH_SIGNING_KEYS. Outside production a missing value gets one key generated at
 * start (tokens then die with the process, and several auth instances would disagree).
 */
export function loadSigningKeys(raw: string | undefined, production: boolean, log: Logger): SigningKeys {
  if (!raw) {
    if (production) throw new ConfigError('invalid environment: AUTH_SIGNING_KEYS is required in production (it is not set)');
    log.warn('AUTH_SIGNING_KEYS is not set: signing with a key generated for this process only');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return new SigningKeys([toSigningKey(`dev-${randomBytes(4).toString('hex')}`, privateKey)]);
  }
  let entries: { kid?: unknown; privateKeyPem?: unknown }[];
  try {
    entries = JSON.parse(raw);
    if (!Array.isArray(entries)) throw new Error('not an array');
  } catch {
    throw new ConfigError('invalid environment: AUTH_SIGNING_KEYS must be a JSON array of {kid, privateKeyPem} (it is not)');
  }
  return new SigningKeys(
    entries.map((entry, index) => {
      if (typeof entry.kid !== 'string' || typeof entry.privateKeyPem !== 'string') {
        throw new ConfigError(`invalid environment: AUTH_SIGNING_KEYS entry ${index} needs string kid and privateKeyPem`);
      }
      try {
        return toSigningKey(entry.kid, createPrivateKey(entry.privateKeyPem));
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new ConfigError(`invalid environment: AUTH_SIGNING_KEYS key "${entry.kid}" is not a PEM private key`);
      }
    }),
  );
}
