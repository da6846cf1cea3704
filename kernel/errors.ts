import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values clients can switch on. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  /** An operation over one of the gateway's limits (depth, cost, ...); `extensions.limit` names it, `extensions.max` its value. */
  OPERATION_LIMIT_EXCEEDED: 'OPERATION_LIMIT_EXCEEDED',
  /** The gateway stopped waiting for the operation (GATEWAY_REQUEST_TIMEOUT_MS); a mutation may still complete. */
  GATEWAY_TIMEOUT: 'GATEWAY_TIMEOUT',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An error whose message is meant for the client. Anything else thrown from a resolver
 * is logged and masked as INTERNAL_SERVER_ERROR (see `formatError`).
 */
export class CodedError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/** Invalid argument; `field` names the offending input path, e.g. `input.email`. */
export const badUserInput = (message: string, field?: string) =>
  new CodedError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const unauthenticated = (message = 'You must be signed in to do this.') =>
  new CodedError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do this.') => new CodedError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string, id: string) =>
  new CodedError(ErrorCode.NOT_FOUND, `${what} ${id} was not found.`, { id });
export const conflict = (message: string) => new CodedError(ErrorCode.CONFLICT, message);

const CLIENT_CODES = new Set<string>(Object.values(ErrorCode));

/** True when the error carries a code we chose on purpose (so its message is safe to show). */
export function isClientError(error: { extensions?: Record<string, unknown> }): boolean {
  const code = error.extensions?.code;
  return typeof code === 'string' && CLIENT_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR;
}
