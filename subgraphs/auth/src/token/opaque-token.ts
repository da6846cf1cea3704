import { createHash, randomBytes } from 'node:crypto';

/** A random secret handed to the client once; only its hash is stored. */
export interface OpaqueToken {
  token: string;
  hash: string;
}

/** 256 random bits, base64url. */
export function newOpaqueToken(): OpaqueToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOpaqueToken(token) };
}

/** SHA-256 hex: enough for 256-bit random secrets (no salt or slow hash needed). */
export const hashOpaqueToken = (token: string) => createHash('sha256').update(token).digest('hex');
