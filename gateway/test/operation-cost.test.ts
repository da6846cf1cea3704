import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, operationCost } from '../src/security/operation-cost';
import { operationVariables } from '../src/security/operation-variables';
import { fragmentsOf } from '../src/security/root-field-count';

const schema = buildSchema(`
  type Query {
    product(id: ID!): Product
    products(first: Int! = 20, search: String): ProductConnection!
    categories: [Category!]!
  }
  type ProductConnection { edges: [ProductEdge!]! totalCount: Int! }
  type ProductEdge { node: Product! cursor: String! }
  type Product { id: ID! name: String! images: [Image!]! tags: [String!]! }
  type Image { url: String! }
  type Category { id: ID! products(first: Int! = 20): ProductConnection! }
`);

const cost = (query: string, variables?: Record<string, unknown>) => {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  return operationCost(schema, operation, fragmentsOf(document), operationVariables(operation, variables));
};

describe('operationCost', () => {
  it('costs one per field, scalar lists included', () => {
    expect(cost('{ product(id: 1) { id name tags } }')).toBe(4);
  });

  it('multiplies what is selected under a paged field by its page size', () => {
    // 1 + 100 × (edges 1 + (node 1 + (id + name)))
    expect(cost('{ products(first: 100) { edges { node { id name } } } }')).toBe(401);
  });

  it('takes the page size from a variable, else the argument’s default', () => {
    expect(cost('query ($n: Int!) { products(first: $n) { totalCount } }', { n: 50 })).toBe(51);
    expect(cost('query ($n: Int! = 7) { products(first: $n) { totalCount } }')).toBe(8);
    expect(cost('{ products { totalCount } }')).toBe(1 + 20);
    expect(cost('query ($n: Int!) { products(first: $n) { totalCount } }', { n: 'x' })).toBe(1 + 20);
  });

  it('counts lists without paging once, and multiplies nested pages', () => {
    expect(cost('{ product(id: 1) { images { url } } }')).toBe(3);
    expect(cost('{ categories { products(first: 5) { totalCount } } }')).toBe(1 + (1 + 5));
    expect(cost('{ products(first: 10) { edges { node { id } } } a: products { totalCount } }')).toBe(1 + 10 * 3 + 1 + DEFAULT_PAGE_SIZE);
  });

  it('counts aliased copies one by one and fragments where they are spread', () => {
    expect(cost('{ a: product(id: 1) { id } b: product(id: 2) { id } }')).toBe(4);
    expect(cost('{ a: product(id: 1) { ...P } b: product(id: 2) { ...P } } fragment P on Product { id name }')).toBe(6);
    expect(cost('{ product(id: 1) { ... on Product { id } } }')).toBe(2);
  });

  it('leaves __typename and introspection free', () => {
    expect(cost('{ __typename product(id: 1) { __typename id } }')).toBe(2);
  });

  it('does not blow up on fragments spread many times over', () => {
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Product { a: images { url } ${i ? `... F${i - 1}` : 'id'} b: images { url } }`);
    const query = `{ product(id: 1) { ...F29 } } ${fragments.join(' ')}`;
    expect(Number.isFinite(cost(query))).toBe(true);
  });
});
