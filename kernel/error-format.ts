import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { isClientError } from './errors';
import type { Logger } from './logger';

/** Codes Apollo Server itself gives to bad requests; their messages are meant for clients. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo Server `formatError`: coded client errors pass through unchanged; anything
 * else (a bug, a driver error with SQL in it) is logged in full and replaced by a
 * generic INTERNAL_SERVER_ERROR, so no stack trace or internal detail reaches clients.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  if (isClientError(formatted) || (typeof code === 'string' && REQUEST_ERROR_CODES.has(code))) {
    return { ...formatted, extensions };
  }
  log.error({ error: unwrapResolverError(error), path: formatted.path }, 'unexpected error in an operation');
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
