import {
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { FragmentLookup } from './root-field-count';

/** Page size of a paged field whose `first` is neither given nor defaulted in the schema. */
export const DEFAULT_PAGE_SIZE = 20;

/**
 * How many values an operation may resolve, estimated from the document before it runs:
 * every field costs 1, and a paged list field (one with a `first` argument:
 * `products(first: 50)`, `myOrders`) multiplies what is selected under it by its page
 * size: the literal, the variable's value, else the argument's default (20 in this
 * schema), else {@link DEFAULT_PAGE_SIZE}. Nested pages multiply. Lists without paging
 * (an order's lines, a product's images) count once: the domain bounds them (at most 50
 * lines, 20 addresses), and counting them as full pages would refuse the storefront's
 * own order list. `__typename` and introspection fields are free; fragments count
 * where they are spread, aliased copies one by one.
 *
 * `products(first: 100) { edges { node { id name } } }` costs 1 + 100 × (1 + (1 + 2)) = 401.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragmentNamed: FragmentLookup,
  variables: Record<string, unknown> = {},
): number {
  // A fragment costs the same wherever it is spread: computed once, however many spreads.
  const fragmentCosts = new Map<string, number>();
  const within = new Set<string>();

  const costOf = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined | null): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const field = parent && 'getFields' in parent ? (parent.getFields()[selection.name.value] as GraphQLField<unknown, unknown> | undefined) : undefined;
        total += 1;
        if (!selection.selectionSet) continue;
        total += (pageSizeOf(selection, field, variables) ?? 1) * costOf(selection.selectionSet, field && namedTypeOf(field.type));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += costOf(selection.selectionSet, type);
      } else {
        const name = selection.name.value;
        const fragment = fragmentNamed(name);
        if (!fragment || within.has(name)) continue;
        let cost = fragmentCosts.get(name);
        if (cost === undefined) {
          within.add(name);
          cost = costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
          within.delete(name);
          fragmentCosts.set(name, cost);
        }
        total += cost;
      }
    }
    return total;
  };
  return costOf(operation.selectionSet, schema.getRootType(operation.operation));
}

/**
 * `getNamedType`, duck-typed: graphql-js's type guards throw on a schema built by another
 * copy of the module (Apollo's CommonJS one beside a test runner's ESM one).
 */
function namedTypeOf(type: GraphQLOutputType): GraphQLNamedType {
  let named: GraphQLOutputType = type;
  while ('ofType' in named) named = named.ofType;
  return named;
}

/** The page size a field with a `first` argument asks for; undefined for a field without one. */
function pageSizeOf(node: FieldNode, field: GraphQLField<unknown, unknown> | undefined, variables: Record<string, unknown>): number | undefined {
  const definition = field?.args.find((arg) => arg.name === 'first');
  const argument = node.arguments?.find((arg) => arg.name.value === 'first');
  if (!definition && !argument) return undefined;
  const given = argument ? valueFromASTUntyped(argument.value, variables) : undefined;
  const value = typeof given === 'number' ? given : typeof definition?.defaultValue === 'number' ? definition.defaultValue : DEFAULT_PAGE_SIZE;
  return Math.max(0, value);
}
