import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchema } from '../../client/codegen/api-schema';
import { documentErrors, operationSources } from '../../client/codegen/validate-documents';

// The typed client's operations must keep validating against the gateway's API schema:
// a subgraph that renames or drops a field breaks the frontends that ask for it.
describe('client operation documents', () => {
  const schema = apiSchema();

  it('reads the API schema, without federation internals', () => {
    const sdl = printSchema(schema);
    for (const internal of ['join__', 'link__', '_Service', '_Any', '_entities', '@join__']) expect(sdl).not.toContain(internal);
    expect(schema.getQueryType()?.getFields().productBySlug).toBeDefined();
  });

  it('covers every domain a storefront and an admin need', () => {
    const folders = new Set(operationSources().map((source) => source.name.split('/')[2]));
    expect([...folders].sort()).toEqual(['auth', 'catalog', 'orders', 'payments', 'profile', 'subscriptions']);
  });

  it('validates every document in client/operations against the supergraph', () => {
    const errors = documentErrors(schema, operationSources());
    expect(errors, `These client documents no longer validate against supergraph.graphql:\n${errors.join('\n')}`).toEqual([]);
  });

  it('names the file, the place and the field when a document asks for what does not exist', () => {
    const errors = documentErrors(schema, [{ name: 'client/operations/auth/bad.graphql', body: 'query Bad {\n  me { id nickname }\n}\n' }]);
    expect(errors).toEqual(['client/operations/auth/bad.graphql:2:11: Cannot query field "nickname" on type "User".']);
  });

  it('resolves fragments from other files and reports errors in the file that holds them', () => {
    const errors = documentErrors(schema, [
      { name: 'a.graphql', body: 'query A { me { ...Who } }' },
      { name: 'b.graphql', body: 'fragment Who on User { id missing }' },
    ]);
    expect(errors).toEqual(['b.graphql:1:27: Cannot query field "missing" on type "User".']);
  });

  it('reports unknown fragments, bad variables and names used twice', () => {
    const errors = documentErrors(schema, [
      { name: 'a.graphql', body: 'query A($id: Int!) { order(id: $id) { ...Nowhere } }' },
      { name: 'b.graphql', body: 'query A { me { id } }' },
      { name: 'c.graphql', body: 'query {' },
    ]);
    expect(errors).toEqual([
      expect.stringMatching(/^c\.graphql: Syntax Error/),
      'b.graphql: operation A is also defined in a.graphql; names must be unique across client/operations',
      expect.stringMatching(/^a\.graphql:1:\d+: Unknown fragment "Nowhere"\./),
      expect.stringMatching(/^a\.graphql:1:\d+: Variable "\$id" of type "Int!" used in position expecting type "ID!"\./),
    ]);
  });
});
