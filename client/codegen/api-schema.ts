import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, type GraphQLSchema } from 'graphql';

/** The composed supergraph at the repository root, the one the gateway serves. */
export const SUPERGRAPH_PATH = join(__dirname, '..', '..', 'supergraph.graphql');

/**
 * The API schema of the supergraph, as SDL: what clients of the gateway see. The
 * supergraph file also carries federation's own machinery (`join__*`, `link__*`, the
 * `@join__*` directives); `Supergraph.apiSchema()` strips it, as the gateway does.
 */
export function apiSchemaSDL(supergraphPath = SUPERGRAPH_PATH): string {
  return printSchema(Supergraph.build(readFileSync(supergraphPath, 'utf8')).apiSchema());
}

/**
 * The API schema as a graphql-js schema, built with the caller's own `graphql` (going
 * through SDL keeps it clear of the CommonJS copy federation-internals uses, which ESM
 * test runners load separately).
 */
export function apiSchema(supergraphPath = SUPERGRAPH_PATH): GraphQLSchema {
  return buildSchema(apiSchemaSDL(supergraphPath));
}
