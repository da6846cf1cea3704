import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, valueFromASTUntyped, type FieldNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { CodedError, ErrorCode } from './errors';

/** Options of {@link entityLimitPlugin}. */
export interface EntityLimitOptions {
  /** Most `_entities` representations one request may ask for, summed over every `_entities` field in it. */
  maxRepresentations: number;
}

/**
 * The error a request with too many representations gets, in the gateway's limit
 * vocabulary. HTTP 200 on purpose: the gateway's data source reads the errors of a 200
 * answer and passes the code on, while it reports any 4xx as the subgraph being down.
 */
export function tooManyRepresentations(count: number, max: number): CodedError {
  return new CodedError(ErrorCode.OPERATION_LIMIT_EXCEEDED, `The request asks for ${count} entity representations; at most ${max} are allowed.`, {
    limit: 'entities',
    max,
    // Apollo Server would answer an error thrown this early with 500.
    http: { status: 200 },
  });
}

/**
 * Refuses a request whose `_entities` fields carry more than `maxRepresentations`
 * representations, before any resolver runs. Each representation costs a reference
 * lookup, so without a cap one signed request (a compromised gateway, a replay inside
 * the window) could make a subgraph load an unbounded number of rows. Counts the list
 * given as a variable or inline, across aliases and fragments.
 */
export function entityLimitPlugin<TContext extends BaseContext>(options: EntityLimitOptions): ApolloServerPlugin<TContext> {
  const { maxRepresentations } = options;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return;
          const fragments = new Map<string, SelectionSetNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
          }
          // Variables as execution will see them: a default value counts when none was sent.
          const variables: Record<string, unknown> = {};
          for (const definition of operation.variableDefinitions ?? []) {
            if (definition.defaultValue) variables[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
          }
          Object.assign(variables, request.variables ?? {});
          let count = 0;
          for (const field of entityFields(operation.selectionSet, fragments, new Set())) {
            const argument = field.arguments?.find((candidate) => candidate.name.value === 'representations');
            if (argument) count += listLength(argument.value, variables);
          }
          if (count > maxRepresentations) throw tooManyRepresentations(count, maxRepresentations);
        },
      };
    },
  };
}

/** The root `_entities` fields of a selection set, through inline fragments and named spreads (each spread once). */
function* entityFields(selectionSet: SelectionSetNode, fragments: Map<string, SelectionSetNode>, seen: Set<string>): Generator<FieldNode> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '_entities') yield selection;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      yield* entityFields(selection.selectionSet, fragments, seen);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment && !seen.has(name)) {
        seen.add(name);
        yield* entityFields(fragment, fragments, seen);
      }
    }
  }
}

/** Items in a list argument given inline or as a variable; a single value counts as one (GraphQL's list coercion). */
function listLength(value: ValueNode, variables: Record<string, unknown>): number {
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return Array.isArray(given) ? given.length : given == null ? 0 : 1;
  }
  if (value.kind === Kind.LIST) return value.values.length;
  return value.kind === Kind.NULL ? 0 : 1;
}
