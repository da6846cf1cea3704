import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { GATEWAY_SIGNATURE_HEADER, signGatewayConnection, type Identity } from '#kernel';
import { testEnvironment } from './clients';

/** Options of {@link subscribeToSubgraph}. */
export interface SubgraphSubscriptionOptions {
  /** The subgraph's GraphQL URL, `http://host:port/graphql` (turned into `ws://`). */
  url: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Whom the signed `connection_init` vouches for; null for an anonymous caller. */
  identity: Identity | null;
  clientIp?: string | null;
  /**
   * The gateway secret the connection is signed with; `null` sends no signature at all,
   * as a caller going around the gateway would.
   */
  secret: string | null;
}

/** One `next` payload: data and formatted errors. */
export type SubscriptionResult<T> = FormattedExecutionResult<T, unknown>;

/** How the socket ended. */
export interface SubscriptionClose {
  code: number;
  reason: string;
}

/** One subscription as the gateway would hold it, with its results queued for assertions. */
export interface SubgraphSubscription<T> {
  /** The next result, waiting up to `timeoutMs` (default 2 s); rejects on timeout, or when the operation failed or ended first. */
  next(timeoutMs?: number): Promise<SubscriptionResult<T>>;
  /** Resolves when no result arrives within `ms`; rejects with the one that did. */
  nothingWithin(ms: number): Promise<void>;
  /** How the socket closed, waiting up to `timeoutMs` (default 2 s) for it; rejects on timeout. */
  closed(timeoutMs?: number): Promise<SubscriptionClose>;
  /** Resolves once the subgraph acknowledged the connection (within `timeoutMs`, default 2 s). */
  connected(timeoutMs?: number): Promise<void>;
  /** What the operation failed with: GraphQL errors (an `error` message) or the socket's close event. */
  readonly errors: unknown[];
  /** True once the subgraph completed the operation. */
  readonly completed: boolean;
  /** Ends the subscription and closes the socket. */
  close(): Promise<void>;
}

/**
 * Subscribes to a subgraph directly over graphql-ws, signing `connection_init` as the
 * gateway does. The connection opens at once (not lazily) and is never retried, so a
 * refusal shows as {@link SubgraphSubscription.closed} with its close code.
 */
export function subscribeToSubgraph<T = Record<string, any>>(options: SubgraphSubscriptionOptions): SubgraphSubscription<T> {
  return subscribeOverWebSocket<T>({
    url: options.url,
    query: options.query,
    variables: options.variables,
    connectionParams: () =>
      options.secret === null
        ? {}
        : { [GATEWAY_SIGNATURE_HEADER]: signGatewayConnection({ identity: options.identity, clientIp: options.clientIp ?? null }, options.secret) },
  });
}

/**
 * Subscribes through the run's gateway, as a browser client would: graphql-ws on
 * `/graphql`, the access token (if any) in `connection_init` as `authorization`.
 */
export function subscribeToGateway<T = Record<string, any>>(options: { query: string; variables?: Record<string, unknown>; token?: string; url?: string }): SubgraphSubscription<T> {
  return subscribeOverWebSocket<T>({
    url: options.url ?? testEnvironment().gatewayUrl,
    query: options.query,
    variables: options.variables,
    connectionParams: () => (options.token ? { authorization: `Bearer ${options.token}` } : {}),
  });
}

function subscribeOverWebSocket<T>(options: { url: string; query: string; variables?: Record<string, unknown>; connectionParams: () => Record<string, unknown> }): SubgraphSubscription<T> {
  const results: SubscriptionResult<T>[] = [];
  const errors: unknown[] = [];
  let completed = false;
  let closeInfo: SubscriptionClose | undefined;
  let acknowledged = false;
  const wake = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...wake]) waiter();
  };

  const client: Client = createClient({
    url: options.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    // The failure is read through `closed()` and `errors`; graphql-ws would print it too.
    onNonLazyError: () => {},
    connectionParams: options.connectionParams,
    on: {
      connected: () => {
        acknowledged = true;
        notify();
      },
      closed: (event) => {
        const { code, reason } = event as SubscriptionClose;
        closeInfo = { code, reason: String(reason) };
        notify();
      },
    },
  });
  const unsubscribe = client.subscribe<T>(
    { query: options.query, variables: options.variables },
    {
      next: (result) => {
        results.push(result);
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
      },
      complete: () => {
        completed = true;
        notify();
      },
    },
  );

  /** Waits until `ready()` returns something other than undefined, or `timeoutMs` passes. */
  const waitFor = <R>(ready: () => R | undefined, timeoutMs: number, what: string) =>
    new Promise<R>((resolve, reject) => {
      const check = () => {
        let value: R | undefined;
        try {
          value = ready();
        } catch (error) {
          done();
          return reject(error);
        }
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        wake.delete(check);
      };
      wake.add(check);
      check();
    });

  return {
    next: (timeoutMs = 2_000) =>
      waitFor(
        () => {
          if (results.length) return results.shift()!;
          if (errors.length) throw new Error(`the subscription failed: ${describe(errors[0])}`);
          if (completed) throw new Error('the subscription completed');
          if (closeInfo) throw new Error(`the socket closed (${closeInfo.code} ${closeInfo.reason})`);
          return undefined;
        },
        timeoutMs,
        'no result',
      ),
    nothingWithin: async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (results.length) throw new Error(`expected no result, got ${JSON.stringify(results[0])}`);
    },
    closed: (timeoutMs = 2_000) => waitFor(() => closeInfo, timeoutMs, 'the socket did not close'),
    connected: (timeoutMs = 2_000) =>
      waitFor(
        () => {
          if (acknowledged) return true;
          if (closeInfo) throw new Error(`the socket closed (${closeInfo.code} ${closeInfo.reason})`);
          return undefined;
        },
        timeoutMs,
        'no connection acknowledgement',
      ).then(() => undefined),
    get errors() {
      return errors;
    },
    get completed() {
      return completed;
    },
    close: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
}

function describe(error: unknown): string {
  if (Array.isArray(error)) return JSON.stringify(error);
  if (error && typeof error === 'object' && 'code' in error) return `closed ${(error as SubscriptionClose).code} ${(error as SubscriptionClose).reason}`;
  return String(error);
}
