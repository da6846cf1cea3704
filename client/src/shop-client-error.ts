/** One GraphQL error as the gateway sends it. */
export interface ShopGraphQLError {
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  /** `extensions.code` is the stable part: `UNAUTHENTICATED`, `NOT_FOUND`, `CONFLICT`, … */
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * A request or subscription the gateway answered with errors (or not with GraphQL at
 * all). `codes` lists each error's `extensions.code`, the part to branch on; `data` is
 * whatever partial result came with them.
 */
export class ShopClientError<TData = unknown> extends Error {
  override readonly name = 'ShopClientError';
  readonly errors: readonly ShopGraphQLError[];
  /** HTTP status of the response; undefined for subscriptions. */
  readonly status: number | undefined;
  /** Partial data sent along with the errors, if any. */
  readonly data: TData | null | undefined;

  constructor(errors: readonly ShopGraphQLError[], options: { status?: number; data?: TData | null; cause?: unknown } = {}) {
    super(errors.map((error) => (error.extensions?.code ? `${error.extensions.code}: ${error.message}` : error.message)).join('; ') || 'GraphQL request failed', {
      cause: options.cause,
    });
    this.errors = errors;
    this.status = options.status;
    this.data = options.data;
  }

  /** The `extensions.code` of every error, in order (errors without one are left out). */
  get codes(): string[] {
    return this.errors.flatMap((error) => (typeof error.extensions?.code === 'string' ? [error.extensions.code] : []));
  }

  /** Whether any error carries `code`. */
  hasCode(code: string): boolean {
    return this.codes.includes(code);
  }
}

/** Whether a failure means the access token was refused (HTTP 401 or an `UNAUTHENTICATED` error). */
export function isUnauthenticated(error: unknown): error is ShopClientError {
  return error instanceof ShopClientError && (error.status === 401 || error.hasCode('UNAUTHENTICATED'));
}
