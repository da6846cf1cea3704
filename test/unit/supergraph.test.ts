import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, isEnumType, isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, SUPERGRAPH_FILE } from '../../scripts/compose';
import { repoRoot } from '../../scripts/repo-root';

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

/** Types, fields, arguments and enum values of the client-facing schema that have no description. */
function undescribed(api: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(api.getTypeMap())) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    // Root operation types are containers; their fields carry the descriptions.
    if (!type.description && !ROOT_TYPES.includes(type.name)) missing.push(type.name);
    if (isObjectType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
  }
  return missing;
}

describe('the committed supergraph', () => {
  it('composes without errors and matches the subgraphs’ current schemas', async () => {
    const root = repoRoot();
    const composition = await composeSupergraph(root);
    expect(composition.errors).toEqual([]);
    for (const [file, sdl] of composition.subgraphFiles) {
      expect(readFileSync(file, 'utf8'), `${relative(root, file)} is stale: run \`npm run compose\` and commit`).toBe(sdl);
    }
    expect(readFileSync(join(root, SUPERGRAPH_FILE), 'utf8'), `${SUPERGRAPH_FILE} is stale: run \`npm run compose\` and commit`).toBe(
      composition.supergraphSdl,
    );
  });

  it('describes every type, field, argument and enum value clients can see (Sandbox shows them)', () => {
    const sdl = readFileSync(join(repoRoot(), SUPERGRAPH_FILE), 'utf8');
    // Rebuilt from its printed SDL: federation-internals' graphql-js copy is not the one vitest loads.
    const api = buildSchema(printSchema(Supergraph.build(sdl).apiSchema()));
    expect(undescribed(api)).toEqual([]);
  });
});
