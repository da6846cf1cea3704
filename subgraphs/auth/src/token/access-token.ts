import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '#kernel';
import type { SigningKeys } from './signing-keys';

/** Claims the gateway checks; see gateway/src for the verifying side. */
export const ACCESS_TOKEN_ISSUER = 'shop-auth';
export const ACCESS_TOKEN_AUDIENCE = 'shop';

/** A freshly signed access token. */
export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

/** Signs a short-lived ES256 access token for one session of a user. */
export function signAccessToken(
  keys: SigningKeys,
  subject: { userId: string; roles: Role[]; sessionId: string },
  ttlSeconds: number,
): IssuedAccessToken {
  const jti = randomUUID();
  const token = jwt.sign({ roles: subject.roles, sid: subject.sessionId }, keys.active.privateKey, {
    algorithm: 'ES256',
    keyid: keys.active.kid,
    subject: subject.userId,
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    jwtid: jti,
    expiresIn: ttlSeconds,
  });
  return { token, jti, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
}
