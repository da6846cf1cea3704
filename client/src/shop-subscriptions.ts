import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { printed } from './printed-document';
import { ShopClientError } from './shop-client-error';
import type { ShopTokens } from './token-store';

/** What the subscriptions need from the client that owns them. */
export interface ShopSubscriptionsOptions {
  url: string;
  webSocketImpl?: unknown;
  retryAttempts?: number;
  currentTokens(): Promise<ShopTokens | null>;
  /** New tokens after `refused` was refused (shared with the HTTP side, refreshing at most once at a time). */
  refreshedTokens(refused: string | undefined): Promise<ShopTokens>;
}

/** The graphql-ws side of a shop client. */
export interface ShopSubscriptions {
  subscribe<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables | undefined): AsyncIterableIterator<TData>;
  dispose(): Promise<void>;
}

/** graphql-ws' close code for a refused `connection_init`; the gateway also closes with it when the token expires. */
const FORBIDDEN = 4403;
/** graphql-ws' close code when the client's own connectionParams threw (here: the refresh failed). */
const INTERNAL_CLIENT_ERROR = 4005;

/**
 * Subscriptions over one lazily opened graphql-ws connection, the access token in
 * `connection_init`. When the gateway closes it with 4403 (token refused or expired),
 * the client refreshes the tokens once and reconnects at once; graphql-ws then
 * re-subscribes what was running. A second 4403 in a row ends the subscriptions with
 * an `UNAUTHENTICATED` ShopClientError.
 */
export function createSubscriptions(options: ShopSubscriptionsOptions): ShopSubscriptions {
  let client: Client | undefined;
  /** The access token the last `connection_init` carried. */
  let sentAccessToken: string | undefined;
  let canRefresh = false;
  /** Set when the gateway refused the token: the next connection refreshes first. */
  let refreshBeforeConnecting = false;
  /** Whether this run of refusals has already been answered by a refresh. */
  let refreshedSinceConnected = false;
  let refreshError: unknown;

  const connection = (): Client =>
    (client ??= createClient({
      url: options.url,
      webSocketImpl: options.webSocketImpl,
      lazy: true,
      retryAttempts: options.retryAttempts ?? 5,
      connectionParams: async () => {
        let tokens = await options.currentTokens();
        if (refreshBeforeConnecting) {
          refreshBeforeConnecting = false;
          refreshedSinceConnected = true;
          try {
            tokens = await options.refreshedTokens(sentAccessToken);
          } catch (error) {
            refreshError = error;
            throw error; // graphql-ws closes with 4005 and ends the subscriptions; see toShopError
          }
        }
        sentAccessToken = tokens?.accessToken;
        canRefresh = Boolean(tokens?.refreshToken);
        return tokens ? { authorization: `Bearer ${tokens.accessToken}` } : {};
      },
      on: {
        connected: () => {
          refreshedSinceConnected = false;
          refreshError = undefined;
        },
      },
      shouldRetry: (errorOrClose) => {
        if (!isCloseEvent(errorOrClose)) return false;
        if (errorOrClose.code !== FORBIDDEN) return true;
        if (refreshedSinceConnected || !canRefresh) return false;
        refreshBeforeConnecting = true;
        return true;
      },
      retryWait: async (retries) => {
        if (refreshBeforeConnecting) return; // a refused token is not a network problem: reconnect now
        await new Promise((resolve) => setTimeout(resolve, 2 ** retries * 1000 + Math.random() * 2700 + 300));
      },
    }));

  async function* subscribe<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables | undefined): AsyncIterableIterator<TData> {
    const events = connection().iterate<TData>({
      query: printed(document),
      variables: (variables ?? {}) as Record<string, unknown>,
      operationName: getOperationAST(document)?.name?.value,
    });
    try {
      for await (const result of events) {
        if (result.errors?.length) throw new ShopClientError(result.errors, { data: result.data });
        yield result.data as TData;
      }
    } catch (error) {
      throw toShopError(error);
    }
  }

  function toShopError(error: unknown): unknown {
    if (error instanceof ShopClientError || !isCloseEvent(error)) return error;
    if (error.code === INTERNAL_CLIENT_ERROR && refreshError) return refreshError;
    if (error.code === FORBIDDEN) {
      return new ShopClientError([{ message: `The gateway refused the access token (${error.code} ${error.reason}).`, extensions: { code: 'UNAUTHENTICATED' } }]);
    }
    return new ShopClientError([{ message: `The subscription connection closed: ${error.code} ${error.reason}`.trim() }], { cause: error });
  }

  return {
    subscribe,
    async dispose() {
      await client?.dispose();
      client = undefined;
    },
  };
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number' && 'reason' in value;
}
