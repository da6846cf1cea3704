/**
 * The access-token deny-list in Redis, under each process's REDIS_KEY_PREFIX. The auth
 * subgraph sets these keys (any value) with a TTL covering the token's remaining
 * lifetime; the gateway refuses a token while either of its keys exists.
 */
/** Revokes one access token, by its `jti` claim. */
export const revokedTokenKey = (jti: string) => `auth:revoked:jti:${jti}`;
/** Revokes every access token of a sign-in session, by its `sid` claim. */
export const revokedSessionKey = (sid: string) => `auth:revoked:sid:${sid}`;
