import { HeaderMap } from '@apollo/server';
import type { Redis } from 'ioredis';
import { CodedError, ErrorCode, revokedSessionKey, revokedTokenKey, type Identity, type Logger } from '#kernel';
import { InvalidAccessTokenError, verifyAccessToken, type SigningKeyLookup } from './access-token';
import { JwksUnavailableError } from './jwks';

/** Options of {@link Authenticator}. */
export interface AuthenticatorOptions {
  /** The auth subgraph's public keys by `kid` (a {@link JwksKeyStore}); absent, every token is refused. */
  keyFor?: SigningKeyLookup;
  /** Holds the deny-list (see kernel/token-revocation.ts). */
  redis: Redis;
}

/**
 * Turns a request's `Authorization` header into the caller's identity, once per request,
 * at the gateway. Thrown errors carry `extensions.http`, which Apollo Server uses as the
 * response status, so they fail the whole request: a client whose token is refused must
 * not get a partial answer as someone anonymous.
 */
export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  /**
   * No header: anonymous (null). `Bearer <valid, unrevoked token>`: its identity.
   * Anything else throws UNAUTHENTICATED (HTTP 401); when the token cannot be checked
   * (no signing keys, Redis down) it throws SERVICE_UNAVAILABLE (HTTP 503): fail closed.
   */
  async identify(authorization: string | undefined, log: Logger): Promise<Identity | null> {
    if (authorization === undefined) return null;
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) throw invalidToken('The Authorization header must be "Bearer <access token>".');

    let claims;
    try {
      claims = await verifyAccessToken(match[1]!, this.options.keyFor ?? (async () => undefined));
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) {
        log.info({ reason: error.reason }, 'refused an access token');
        throw invalidToken(error.expired ? 'The access token has expired; refresh it or sign in again.' : undefined);
      }
      if (error instanceof JwksUnavailableError) {
        log.error({ error: error.message }, 'cannot check access tokens: no signing keys');
        throw cannotCheck();
      }
      throw error;
    }

    let revoked: number;
    try {
      revoked = await this.options.redis.exists(revokedTokenKey(claims.tokenId), revokedSessionKey(claims.sessionId));
    } catch (error) {
      log.error({ error: (error as Error).message }, 'cannot check the token deny-list: Redis is unavailable');
      throw cannotCheck();
    }
    if (revoked > 0) {
      log.info({ userId: claims.userId, reason: 'revoked' }, 'refused an access token');
      throw invalidToken('The access token has been revoked; sign in again.');
    }
    return { userId: claims.userId, roles: claims.roles, sessionId: claims.sessionId };
  }
}

const invalidToken = (message = 'The access token is not valid; sign in again.') =>
  new CodedError(ErrorCode.UNAUTHENTICATED, message, {
    http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer error="invalid_token"']]) },
  });

const cannotCheck = () =>
  new CodedError(ErrorCode.SERVICE_UNAVAILABLE, 'Sign-in cannot be checked right now; try again shortly.', { http: { status: 503 } });
