import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '#kernel';
import type { GatewayContext } from '../gateway-context';
import { RateLimitedError, type GatewayRateLimit } from './gateway-rate-limit';
import { OperationLimitError } from './operation-limit-error';
import { checkOperationCost, firstLimitError, operationLimitRules, tokenLimitError, type OperationLimits } from './operation-limits';
import { operationVariables } from './operation-variables';
import { requestWeight } from './request-weight';
import { fragmentsOf } from './root-field-count';

/** Options of {@link operationLimitsPlugin}. */
export interface OperationLimitsPluginOptions {
  limits: OperationLimits;
  /** Counts each operation, by its weight, once it passed the limits; absent, nothing is counted. */
  rateLimit?: GatewayRateLimit;
}

/**
 * Holds every HTTP operation to the gateway's limits inside Apollo Server's own
 * pipeline (a plugin may not throw while Apollo parses or validates: that becomes a
 * 500). The parse stops at the token limit (Apollo's `parseOptions`); the document
 * limits run as validation rules, and when one is hit the other validation errors are
 * dropped, so the client gets that one refusal; the cost, which depends on the
 * variables, and then the rate limit are checked once the operation is resolved.
 * Apollo caches documents that passed validation, so those limits cost nothing on
 * repeats. Use {@link formatOperationLimitError} in `formatError` to give the
 * refusals their code back (Apollo codes them GRAPHQL_PARSE_FAILED / _VALIDATION_FAILED).
 */
export function operationLimitsPlugin(options: OperationLimitsPluginOptions): ApolloServerPlugin<GatewayContext> {
  const { limits, rateLimit } = options;
  return {
    async requestDidStart() {
      return {
        async validationDidStart() {
          return async (errors) => {
            const refusal = errors && firstLimitError(errors);
            // Apollo answers with this very array; its own suggestion-hiding plugin edits it the same way.
            if (refusal) (errors as Error[]).splice(0, errors.length, refusal);
          };
        },
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return; // Apollo answers OPERATION_RESOLUTION_FAILURE itself
          try {
            checkOperationCost(schema, document, operation, request.variables, limits);
            await rateLimit?.consume(contextValue, requestWeight(operation, fragmentsOf(document), operationVariables(operation, request.variables)));
          } catch (error) {
            if (error instanceof OperationLimitError) throw withHttp(error, 400);
            if (error instanceof RateLimitedError) throw withHttp(error, 429, new HeaderMap([['retry-after', String(error.retryAfterSeconds)]]));
            throw error;
          }
        },
      };
    },
  };
}

/** Apollo Server options that go with {@link operationLimitsPlugin}: the parser's token limit and the validation rules. */
export function operationLimitsServerOptions(limits: OperationLimits) {
  return { parseOptions: { maxTokens: limits.tokens }, validationRules: operationLimitRules(limits) };
}

/**
 * For `formatError`: a limit refusal as the client must see it (OPERATION_LIMIT_EXCEEDED,
 * `limit`, `max`), whichever Apollo error wraps it; undefined for any other error.
 */
export function formatOperationLimitError(formatted: GraphQLFormattedError, error: unknown, limits: OperationLimits): GraphQLFormattedError | undefined {
  // Duck-typed: under a test runner Apollo's graphql may be another copy of the module than ours.
  const original = (error as { originalError?: unknown } | null)?.originalError;
  const refusal =
    error instanceof OperationLimitError
      ? error
      : original instanceof OperationLimitError
        ? original
        : formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED'
          ? tokenLimitError(formatted, limits.tokens)
          : undefined;
  if (!refusal) return undefined;
  return { message: refusal.message, extensions: { code: ErrorCode.OPERATION_LIMIT_EXCEEDED, limit: refusal.limit, max: refusal.max } };
}

/** `error` answered with this HTTP status (Apollo reads `extensions.http` and leaves it out of the response). */
function withHttp(error: GraphQLError, status: number, headers = new HeaderMap()): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { ...error.extensions, http: { status, headers } } });
}
