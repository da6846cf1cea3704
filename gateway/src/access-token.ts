import type { KeyObject } from 'node:crypto';
import jwt, { TokenExpiredError, type JwtPayload } from 'jsonwebtoken';
import { ROLES, type Role } from '#kernel';

/** `iss` of every access token: the auth subgraph. */
export const ACCESS_TOKEN_ISSUER = 'shop-auth';
/** `aud` of every access token: this supergraph. */
export const ACCESS_TOKEN_AUDIENCE = 'shop';
/** The only signature algorithm accepted; anything else (`none`, HS256, RS256, ...) is refused before any key is looked up. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';

/** Longer strings are not ours (and not worth parsing). */
const MAX_TOKEN_LENGTH = 4_096;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What a verified access token says. */
export interface AccessTokenClaims {
  userId: string;
  roles: Role[];
  sessionId: string;
  /** The token's own id (`jti`), for the deny-list. */
  tokenId: string;
  /** Unix seconds. */
  expiresAt: number;
}

/** A token that must be refused; `reason` is for logs, never for the client. */
export class InvalidAccessTokenError extends Error {
  override name = 'InvalidAccessTokenError';
  constructor(
    readonly reason: string,
    readonly expired = false,
  ) {
    super(`invalid access token: ${reason}`);
  }
}

/** Finds the public key named by a token's `kid`; undefined when there is none. */
export type SigningKeyLookup = (kid: string) => Promise<KeyObject | undefined>;

/** Options of {@link verifyAccessToken}. */
export interface VerifyAccessTokenOptions {
  /** Allowed clock difference with the auth subgraph, in seconds; default 5. */
  clockToleranceSeconds?: number;
  /** Current time in Unix seconds, for tests; default now. */
  nowSeconds?: number;
}

/**
 * Verifies an access token issued by the auth subgraph: compact JWS, header `alg` ES256
 * with a `kid` the key lookup knows, a valid signature, `iss` shop-auth, `aud` shop, not
 * expired, and the claims the supergraph relies on (`sub`, `roles`, `sid`, `jti`, `exp`).
 * Throws {@link InvalidAccessTokenError} otherwise; errors of `keyFor` propagate.
 */
export async function verifyAccessToken(
  token: string,
  keyFor: SigningKeyLookup,
  options: VerifyAccessTokenOptions = {},
): Promise<AccessTokenClaims> {
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw new InvalidAccessTokenError('not a signed JWT');
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload !== 'object') throw new InvalidAccessTokenError('undecodable');
  const { alg, kid } = decoded.header;
  if (alg !== ACCESS_TOKEN_ALGORITHM) throw new InvalidAccessTokenError(`algorithm ${String(alg)} is not accepted`);
  if (typeof kid !== 'string' || !kid) throw new InvalidAccessTokenError('no kid');

  const key = await keyFor(kid);
  if (!key) throw new InvalidAccessTokenError(`unknown signing key ${JSON.stringify(kid.slice(0, 64))}`);

  let payload: JwtPayload;
  try {
    payload = jwt.verify(token, key, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      clockTolerance: options.clockToleranceSeconds ?? 5,
      clockTimestamp: options.nowSeconds,
    }) as JwtPayload;
  } catch (error) {
    if (error instanceof TokenExpiredError) throw new InvalidAccessTokenError('expired', true);
    throw new InvalidAccessTokenError((error as Error).message);
  }

  const { sub, roles, sid, jti, exp } = payload;
  if (typeof sub !== 'string' || !sub) throw new InvalidAccessTokenError('no sub');
  if (typeof sid !== 'string' || !sid) throw new InvalidAccessTokenError('no sid');
  if (typeof jti !== 'string' || !jti) throw new InvalidAccessTokenError('no jti');
  // jsonwebtoken only checks `exp` when present; a token that never expires is not ours.
  if (typeof exp !== 'number') throw new InvalidAccessTokenError('no exp');
  if (!Array.isArray(roles) || !roles.every((role) => (ROLES as readonly unknown[]).includes(role))) {
    throw new InvalidAccessTokenError('roles missing or unknown');
  }
  return { userId: sub, roles: roles as Role[], sessionId: sid, tokenId: jti, expiresAt: exp };
}
