import { valueFromASTUntyped, type OperationDefinitionNode } from 'graphql';

/** The request's variables with the operation's declared defaults filled in, as execution will see them. */
export function operationVariables(operation: OperationDefinitionNode, given: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const variables: Record<string, unknown> = { ...given };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables[name] === undefined && definition.defaultValue) variables[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return variables;
}
