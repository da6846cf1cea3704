import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, formatGraphQLError } from '#kernel';
import { entityLimitPlugin } from '#kernel/entity-limit';

/** A subgraph with one entity; counts the references it resolves, to prove refusal happens before any. */
let resolved = 0;
const schema = buildSubgraphSchema({
  typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Product @key(fields: "id") { id: ID! name: String! }
    type Query { ping: Boolean }
  `),
  resolvers: {
    Product: {
      __resolveReference: (reference: { id: string }) => {
        resolved++;
        return { id: reference.id, name: `product ${reference.id}` };
      },
    },
  } as any,
});

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });
const server = new ApolloServer({
  schema,
  plugins: [entityLimitPlugin({ maxRepresentations: 3 })],
  formatError: (formatted, error) => formatGraphQLError(formatted, error, silent),
});
beforeAll(() => server.start());
afterAll(() => server.stop());

const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { name } } }`;
const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Product', id: String(i) }));

async function run(query: string, variables?: Record<string, unknown>) {
  resolved = 0;
  const response = await server.executeOperation({ query, variables });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status, ...response.body.singleResult };
}

const REFUSED = { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'entities', max: 3 };

describe('entityLimitPlugin', () => {
  it('serves up to the limit', async () => {
    const result = await run(ENTITIES, { representations: reps(3) });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(3);
    expect(resolved).toBe(3);
  });

  it('refuses more representations in a variable (HTTP 200 with the coded error, which a gateway passes on), before resolving any', async () => {
    const result = await run(ENTITIES, { representations: reps(4) });
    expect(result.status).toBe(200);
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((error) => error.extensions)).toEqual([REFUSED]);
    expect(resolved).toBe(0);
  });

  it('counts a variable\'s default value when the variable is not sent', async () => {
    const inline = reps(4).map((rep) => `{ __typename: "Product", id: "${rep.id}" }`).join(', ');
    const result = await run(`query ($r: [_Any!]! = [${inline}]) { _entities(representations: $r) { ... on Product { name } } }`, {});
    expect(result.errors?.map((error) => error.extensions)).toEqual([REFUSED]);
    expect(resolved).toBe(0);
  });

  it('counts inline lists, aliases and fragments together', async () => {
    const inline = (n: number) => `[${reps(n).map((rep) => `{ __typename: "Product", id: "${rep.id}" }`).join(', ')}]`;
    const query = `
      query ($more: [_Any!]!) {
        a: _entities(representations: ${inline(2)}) { ... on Product { name } }
        ... on Query { b: _entities(representations: $more) { __typename } }
        ...Extra
      }
      fragment Extra on Query { c: _entities(representations: ${inline(1)}) { __typename } }`;
    expect((await run(query, { more: reps(0) })).errors).toBeUndefined();
    const refused = await run(query, { more: reps(1) });
    expect(refused.errors?.map((error) => error.extensions)).toEqual([REFUSED]);
    expect(resolved).toBe(0);
  });

  it('leaves other operations alone', async () => {
    expect((await run('{ ping }')).errors).toBeUndefined();
  });
});
