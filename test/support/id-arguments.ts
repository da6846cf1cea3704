import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, getNamedType, isInputObjectType, isObjectType, type GraphQLInputObjectType, type GraphQLSchema } from 'graphql';
import { repoRoot } from '../../scripts/repo-root';

/** The API schema clients see: the committed supergraph without its federation machinery. */
export function apiSchema(): GraphQLSchema {
  const sdl = readFileSync(join(repoRoot(), 'supergraph.graphql'), 'utf8');
  // Printed and rebuilt, so the schema belongs to this module's graphql (federation-internals loads its own copy).
  return buildSchema(printSchema(Supergraph.build(sdl).apiSchema()));
}

/**
 * Every place an operation takes an `ID` on the root types given, as
 * `Type.field(argument.path)`: `Query.order(id)`, `Mutation.placeOrder(input.shippingAddressId)`,
 * `Mutation.placeOrder(input.lines.productId)` (through input objects and lists).
 */
export function idArguments(schema: GraphQLSchema, rootTypes: ('Query' | 'Mutation' | 'Subscription')[] = ['Query', 'Mutation']): string[] {
  const found: string[] = [];
  const walk = (owner: string, type: GraphQLInputObjectType, path: string, seen: Set<string>) => {
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (named.name === 'ID') found.push(`${owner}(${path}${field.name})`);
      else if (isInputObjectType(named) && !seen.has(named.name)) walk(owner, named, `${path}${field.name}.`, new Set([...seen, named.name]));
    }
  };
  for (const rootName of rootTypes) {
    const root = schema.getType(rootName);
    if (!isObjectType(root)) continue;
    for (const field of Object.values(root.getFields())) {
      const owner = `${rootName}.${field.name}`;
      for (const argument of field.args) {
        const named = getNamedType(argument.type);
        if (named.name === 'ID') found.push(`${owner}(${argument.name})`);
        else if (isInputObjectType(named)) walk(owner, named, `${argument.name}.`, new Set([named.name]));
      }
    }
  }
  return found.sort();
}
