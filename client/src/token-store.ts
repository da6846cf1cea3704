/** The tokens of a signed-in session, as `register`, `login` and `refreshToken` return them. */
export interface ShopTokens {
  accessToken: string;
  /** Single use: every refresh replaces it. Without one, a refused access token cannot be renewed. */
  refreshToken: string | null;
}

/**
 * Where the client keeps the session between calls. Give it your own to persist the
 * session (secure storage in an app, a cookie-backed store in a server-rendered page);
 * methods may be async.
 */
export interface TokenStore {
  get(): ShopTokens | null | Promise<ShopTokens | null>;
  set(tokens: ShopTokens | null): void | Promise<void>;
}

/** A store that keeps the tokens in memory only (the default): the session ends with the page or process. */
export function memoryTokenStore(initial: ShopTokens | null = null): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
  };
}
