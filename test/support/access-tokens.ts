import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '#kernel';
import type { SigningKey } from './test-env';

/** Claims of an access token as the auth subgraph issues them (see the contract in docs/architecture.md). */
export interface AccessTokenClaimsInput {
  sub: string;
  roles: Role[];
  sid: string;
  jti: string;
  iss: string;
  aud: string;
  /** Unix seconds. */
  iat: number;
  exp: number;
}

/** Options of {@link mintAccessToken}; everything defaults to a valid 15-minute customer token. */
export interface MintOptions {
  /** PEM or KeyObject of an EC P-256 private key. */
  privateKey: string | KeyObject;
  kid: string;
  claims?: Partial<AccessTokenClaimsInput>;
  /** Claims to leave out entirely. */
  omit?: (keyof AccessTokenClaimsInput)[];
}

/** Signs an access token the way the auth subgraph does (ES256, `typ: JWT`, `kid`). */
export function mintAccessToken(options: MintOptions): { token: string; claims: AccessTokenClaimsInput } {
  const now = Math.floor(Date.now() / 1000);
  const claims: AccessTokenClaimsInput = {
    sub: randomUUID(),
    roles: ['CUSTOMER'],
    sid: randomUUID(),
    jti: randomUUID(),
    iss: 'shop-auth',
    aud: 'shop',
    iat: now,
    exp: now + 15 * 60,
    ...options.claims,
  };
  const payload: Record<string, unknown> = { ...claims };
  for (const name of options.omit ?? []) delete payload[name];
  const key = typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  const token = jwt.sign(payload, key, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'JWT', kid: options.kid } });
  return { token, claims };
}

/** A new EC P-256 key pair nobody else knows. */
export function freshEcKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** `header.payload.` with `alg: none`: the classic unsigned token. */
export function unsignedToken(payload: object, kid?: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT', ...(kid && { kid }) })}.${encode(payload)}.`;
}

/** The run's auth signing keys (AUTH_SIGNING_KEYS), the first being the active one. */
export function runSigningKeys(env: Record<string, string>): SigningKey[] {
  return JSON.parse(env.AUTH_SIGNING_KEYS ?? '[]') as SigningKey[];
}
