import type { CodegenConfig } from '@graphql-codegen/cli';
import { apiSchemaSDL } from './client/codegen/api-schema';

/** Where the typed documents go: generated on install (`npm run codegen`), never committed. */
export const CLIENT_OUTPUT = 'client/src/generated/graphql.ts';

/**
 * The typed client's code generation: every operation under client/operations/ becomes
 * a `TypedDocumentNode` (`LoginDocument`, …) with its result and variables types
 * (`LoginMutation`, `LoginMutationVariables`), and the schema's inputs, enums and
 * scalars become types. Reads only local files, so it runs offline and gives the same
 * output every time; test/unit/client-codegen.test.ts regenerates in memory and fails
 * when the file on disk is stale.
 */
const config: CodegenConfig = {
  // The gateway's API schema as SDL, derived from the committed supergraph.graphql (SDL,
  // not a GraphQLSchema object, so codegen's own copy of graphql builds it).
  schema: apiSchemaSDL(),
  documents: ['client/operations/**/*.graphql'],
  generates: {
    [CLIENT_OUTPUT]: {
      plugins: ['typescript', 'typescript-operations', 'typed-document-node'],
      config: {
        // Money amounts are integer minor units (SafeInt); dates travel as ISO 8601 strings.
        scalars: { SafeInt: 'number', DateTimeISO: 'string' },
        // A scalar added to the schema without a mapping here fails generation instead of becoming `any`.
        strictScalars: true,
        // Only inputs, enums and scalars from the schema; object types appear as operation results.
        onlyOperationTypes: true,
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};

export default config;
