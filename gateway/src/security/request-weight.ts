import { valueFromASTUntyped, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { rootFieldsOf, type FragmentLookup } from './root-field-count';

/** Points a root field costs against the gateway's rate limit; any field not named here costs 1. */
export const ROOT_FIELD_WEIGHTS: Readonly<Record<string, number>> = {
  login: 10,
  register: 10,
  requestPasswordReset: 10,
  resetPassword: 10,
  // Verifies the current password like login does: a stolen token must not make it a cheap oracle.
  changePassword: 10,
  refreshToken: 5,
  placeOrder: 5,
  createPayment: 5,
};

/** `products` with a search text runs a full-text query. */
const SEARCH_WEIGHT = 5;

/**
 * What one operation costs against the rate limit: the sum over its root field
 * selections, each alias separately (ten aliased `login`s are ten logins), of
 * {@link ROOT_FIELD_WEIGHTS}; `products(search: ...)` with a search text counts 5.
 */
export function requestWeight(operation: OperationDefinitionNode, fragmentNamed: FragmentLookup, variables: Record<string, unknown> = {}): number {
  const fields = rootFieldsOf(operation.selectionSet, fragmentNamed);
  const weight = fields.reduce((sum, field) => sum + weightOf(field, variables), 0);
  return Math.max(1, weight);
}

function weightOf(field: FieldNode, variables: Record<string, unknown>): number {
  const name = field.name.value;
  if (name === 'products') {
    const search = field.arguments?.find((arg) => arg.name.value === 'search');
    const text = search ? valueFromASTUntyped(search.value, variables) : undefined;
    return text === undefined || text === null ? 1 : SEARCH_WEIGHT;
  }
  return ROOT_FIELD_WEIGHTS[name] ?? 1;
}
