import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Logger } from '#kernel';

/** Where the auth subgraph publishes its token-signing public keys: its origin + `/.well-known/jwks.json`. */
export const jwksUrlFor = (authUrl: string) => new URL('/.well-known/jwks.json', authUrl).toString();

/** Thrown when no key set could be loaded at all, so no token can be checked (the caller answers 503). */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
}

/** Options of {@link JwksKeyStore}. */
export interface JwksKeyStoreOptions {
  /** The JWKS document, e.g. `http://auth:4001/.well-known/jwks.json`. */
  url: string;
  log: Logger;
  /**
   * Least time between two fetches, in ms; default 5 000. An unknown `kid` triggers a
   * fetch (the auth subgraph may have rotated keys), so without this floor forged kids
   * would make every request hit the auth subgraph.
   */
  minRefetchIntervalMs?: number;
  /** Age after which the set is refreshed in the background, dropping retired keys; default 10 min. */
  maxAgeMs?: number;
  /** Longest wait for one fetch, in ms; default 3 000. */
  timeoutMs?: number;
  /** Clock, for tests; default `Date.now`. */
  now?: () => number;
}

/**
 * The auth subgraph's public ES256 keys by `kid`, fetched from its JWKS and cached. A
 * `kid` not in the cache causes one refetch (shared by concurrent requests, at most every
 * `minRefetchIntervalMs`); if it is still unknown, the token is not ours.
 */
export class JwksKeyStore {
  private keys = new Map<string, KeyObject>();
  private loadedAt?: number;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inflight?: Promise<void>;
  private readonly minRefetchIntervalMs: number;
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: JwksKeyStoreOptions) {
    this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? 5_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The public key named `kid`, or undefined when the auth subgraph does not publish it.
   * Throws {@link JwksUnavailableError} when no key set was ever loaded.
   */
  async keyFor(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) {
      if (this.now() - this.loadedAt! > this.maxAgeMs) void this.refresh();
      return known;
    }
    await this.refresh();
    const key = this.keys.get(kid);
    if (!key && this.loadedAt === undefined) throw new JwksUnavailableError(`no signing keys could be loaded from ${this.options.url}`);
    return key;
  }

  /** Fetches the set unless a fetch is running (then joins it) or one started too recently. Never rejects. */
  private refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.now() - this.lastAttemptAt < this.minRefetchIntervalMs) return Promise.resolve();
    this.lastAttemptAt = this.now();
    this.inflight = this.load()
      .catch((error: Error) => this.options.log.error({ url: this.options.url, error: error.message }, 'could not fetch the token signing keys'))
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async load(): Promise<void> {
    const response = await fetch(this.options.url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${this.options.url} answered ${response.status}`);
    const document = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(document.keys)) throw new Error(`${this.options.url} is not a JWKS document (no "keys" array)`);
    const keys = new Map<string, KeyObject>();
    for (const jwk of document.keys as JsonWebKey[]) {
      const key = toVerificationKey(jwk);
      if (key) keys.set(jwk.kid as string, key);
      else this.options.log.warn({ kid: jwk?.kid }, 'ignored a JWKS key that is not an ES256 signing key');
    }
    this.keys = keys;
    this.loadedAt = this.now();
    this.options.log.info({ kids: [...keys.keys()] }, 'loaded the token signing keys');
  }
}

/** A P-256 public key from a JWK, or undefined when the JWK is not an ES256 signature key. */
export function toVerificationKey(jwk: JsonWebKey): KeyObject | undefined {
  if (!jwk || typeof jwk !== 'object' || typeof jwk.kid !== 'string' || !jwk.kid) return undefined;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || (jwk.alg !== undefined && jwk.alg !== 'ES256') || (jwk.use !== undefined && jwk.use !== 'sig')) {
    return undefined;
  }
  try {
    // Only the public members: a JWK that (wrongly) carries `d` must not become a private key here.
    return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch {
    return undefined;
  }
}
