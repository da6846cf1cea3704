import type { GraphQLFormattedError } from 'graphql';

/** graphql-js's hints: `Did you mean "name"?`, `; Did you mean the enum value "CARD"?`, ... */
const SUGGESTION = /;? ?Did you mean [^?]*\?/g;

/**
 * The error without graphql-js's "Did you mean ...?" hints, which let anyone map a
 * schema with introspection off. Apollo's `hideSchemaDetailsFromClientErrors` strips them
 * from validation errors only; this covers variable errors and subscriptions too.
 */
export function withoutSuggestions(error: GraphQLFormattedError): GraphQLFormattedError {
  const message = error.message.replace(SUGGESTION, '');
  return message === error.message ? error : { ...error, message };
}
