import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST, type DocumentNode } from 'graphql';
import { RefreshTokenDocument, type RefreshTokenMutation } from './generated/graphql';
import { printed } from './printed-document';
import { isUnauthenticated, ShopClientError, type ShopGraphQLError } from './shop-client-error';
import { createSubscriptions, type ShopSubscriptions } from './shop-subscriptions';
import { memoryTokenStore, type ShopTokens, type TokenStore } from './token-store';

/** Options of {@link createShopClient}. */
export interface ShopClientOptions {
  /** The gateway's HTTP endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /** The graphql-ws endpoint; defaults to `url` with `ws:` / `wss:`. */
  wsUrl?: string;
  /** Where the session's tokens live; defaults to {@link memoryTokenStore} holding `tokens`. */
  tokenStore?: TokenStore;
  /** The session to start with, when the default in-memory store is used. */
  tokens?: ShopTokens | null;
  /** Called after the client's tokens change: sign-in, refresh, sign-out, or a refused refresh (`null`). */
  onTokens?: (tokens: ShopTokens | null) => void;
  /** Headers added to every HTTP request. */
  headers?: Record<string, string>;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: typeof fetch;
  /**
   * The WebSocket constructor for subscriptions; defaults to the global `WebSocket`
   * (browsers, Node 22+). On Node 20 pass `WebSocket` from the `ws` package.
   */
  webSocketImpl?: unknown;
  /** How often graphql-ws reconnects after a lost connection before giving up; 5 unless given. */
  retryAttempts?: number;
}

/** Variables as a rest parameter: optional when the operation has no required variables. */
export type VariablesOf<TVariables> = Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

/** A typed client of the shop's gateway, made by {@link createShopClient}. */
export interface ShopClient {
  /**
   * Runs a query or mutation over HTTP and returns its data, typed by the document.
   * Throws {@link ShopClientError} when the response carries errors (with their codes).
   */
  request<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, ...variables: VariablesOf<TVariables>): Promise<TData>;
  /**
   * Runs a subscription over graphql-ws: each event's data, typed by the document, until
   * the server completes it or the loop breaks. An event with errors throws {@link ShopClientError}.
   */
  subscribe<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, ...variables: VariablesOf<TVariables>): AsyncIterableIterator<TData>;
  /** The session's tokens, or null when signed out. */
  getTokens(): Promise<ShopTokens | null>;
  /** Replaces the session's tokens (null signs the client out locally). */
  setTokens(tokens: ShopTokens | null): Promise<void>;
  /** Closes the subscriptions' WebSocket, if one is open. */
  dispose(): Promise<void>;
}

/** Root fields whose result is a new session (`AuthPayload`): the client keeps its tokens. */
const SESSION_FIELDS = new Set(['register', 'login', 'refreshToken']);

/**
 * A client of the gateway for frontends and scripts: typed documents in, typed data out.
 *
 * - Sends `Authorization: Bearer <access token>` from the token store on every request,
 *   and `{ authorization: 'Bearer …' }` in graphql-ws' `connection_init`.
 * - Keeps the session itself: the tokens of a `register`, `login` or `refreshToken`
 *   result are stored, and a successful `logout` clears them.
 * - When the gateway refuses the access token (HTTP 401 or `UNAUTHENTICATED`; for a
 *   WebSocket, close code 4403), trades the refresh token for new tokens ONCE and
 *   retries; a second refusal is thrown, never looped. Concurrent refusals share one
 *   refresh, since each refresh token works only once.
 */
export function createShopClient(options: ShopClientOptions): ShopClient {
  const store = options.tokenStore ?? memoryTokenStore(options.tokens ?? null);
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  let refreshing: Promise<ShopTokens> | undefined;

  async function saveTokens(tokens: ShopTokens | null): Promise<void> {
    await store.set(tokens);
    options.onTokens?.(tokens);
  }

  /** One POST to the gateway; throws ShopClientError for any response without clean data. */
  async function post<TData>(document: DocumentNode, variables: unknown, accessToken: string | undefined): Promise<TData> {
    const response = await fetchImpl(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
        ...options.headers,
        ...(accessToken && { authorization: `Bearer ${accessToken}` }),
      },
      body: JSON.stringify({ query: printed(document), variables: variables ?? {}, operationName: getOperationAST(document)?.name?.value }),
    });
    const text = await response.text();
    let body: { data?: TData | null; errors?: ShopGraphQLError[] } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new ShopClientError([{ message: `HTTP ${response.status} without a GraphQL response: ${text.slice(0, 200)}` }], { status: response.status });
    }
    if (body?.errors?.length) throw new ShopClientError(body.errors, { status: response.status, data: body.data });
    if (!response.ok || body?.data == null) throw new ShopClientError([{ message: `HTTP ${response.status} without data` }], { status: response.status });
    return body.data;
  }

  /**
   * New tokens after `refused` was refused. If another call has refreshed since, its
   * tokens are used; if one is refreshing now, this waits for it; otherwise it refreshes.
   * A refused refresh token ends the session (tokens cleared).
   */
  async function refreshedTokens(refused: string | undefined): Promise<ShopTokens> {
    const current = await store.get();
    if (current && current.accessToken !== refused) return current;
    if (!current?.refreshToken) throw new ShopClientError([{ message: 'The access token was refused and there is no refresh token.', extensions: { code: 'UNAUTHENTICATED' } }]);
    const refreshToken = current.refreshToken;
    refreshing ??= (async () => {
      try {
        const result = await post<RefreshTokenMutation>(RefreshTokenDocument, { refreshToken }, undefined);
        const tokens = { accessToken: result.refreshToken.accessToken, refreshToken: result.refreshToken.refreshToken };
        await saveTokens(tokens);
        return tokens;
      } catch (error) {
        if (isUnauthenticated(error)) await saveTokens(null);
        throw error;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  /** Keeps the session a sign-in, refresh or sign-out result speaks of. */
  async function captureSession(document: DocumentNode, data: unknown): Promise<void> {
    const operation = getOperationAST(document);
    if (operation?.operation !== 'mutation' || typeof data !== 'object' || data === null) return;
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== 'Field') continue;
      const value = (data as Record<string, unknown>)[selection.alias?.value ?? selection.name.value];
      if (SESSION_FIELDS.has(selection.name.value) && isTokenPair(value)) {
        await saveTokens({ accessToken: value.accessToken, refreshToken: value.refreshToken });
      } else if (selection.name.value === 'logout' && value === true) {
        await saveTokens(null);
      }
    }
  }

  const subscriptions: ShopSubscriptions = createSubscriptions({
    url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
    webSocketImpl: options.webSocketImpl,
    retryAttempts: options.retryAttempts,
    currentTokens: async () => store.get(),
    refreshedTokens,
  });

  return {
    async request<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, ...[variables]: VariablesOf<TVariables>): Promise<TData> {
      const sent = (await store.get())?.accessToken;
      let data: TData;
      try {
        data = await post<TData>(document, variables, sent);
      } catch (error) {
        // Refresh only a refused access token: a refused password or refresh token is final.
        if (!sent || !isUnauthenticated(error) || opensSession(document)) throw error;
        let tokens: ShopTokens;
        try {
          tokens = await refreshedTokens(sent);
        } catch (refreshError) {
          throw new ShopClientError(error.errors, { status: error.status, data: error.data, cause: refreshError });
        }
        // The one retry: a second refusal is the caller's to handle.
        data = await post<TData>(document, variables, tokens.accessToken);
      }
      await captureSession(document, data);
      return data;
    },
    subscribe: (document, ...[variables]) => subscriptions.subscribe(document, variables),
    getTokens: async () => store.get(),
    setTokens: saveTokens,
    dispose: () => subscriptions.dispose(),
  };
}

/** Whether the operation is a sign-in, sign-up or refresh, whose UNAUTHENTICATED means bad credentials. */
function opensSession(document: DocumentNode): boolean {
  const operation = getOperationAST(document);
  return operation?.operation === 'mutation' && operation.selectionSet.selections.some((selection) => selection.kind === 'Field' && SESSION_FIELDS.has(selection.name.value));
}

function isTokenPair(value: unknown): value is { accessToken: string; refreshToken: string } {
  return typeof value === 'object' && value !== null && typeof (value as ShopTokens).accessToken === 'string' && typeof (value as ShopTokens).refreshToken === 'string';
}
