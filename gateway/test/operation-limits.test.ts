import { buildSchema, getOperationAST, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchema } from '../../client/codegen/api-schema';
import { operationSources } from '../../client/codegen/validate-documents';
import { OperationLimitError } from '../src/security/operation-limit-error';
import {
  checkOperationCost,
  documentSizeRule,
  firstLimitError,
  maxRootFieldsRule,
  operationLimitRules,
  parseWithinLimits,
  type OperationLimits,
} from '../src/security/operation-limits';

const schema = buildSchema(`
  type Query { me: User product(id: ID!): Product products(first: Int! = 20): [Product!]! }
  type User { id: ID! friend: User }
  type Product { id: ID! name: String! }
`);
const DEFAULTS: OperationLimits = { depth: 12, aliases: 15, directives: 10, tokens: 2000, cost: 5000, rootFields: 10, documentSize: 20_000 };

/** The refusal `parseWithinLimits` throws, as { limit, max }; undefined when the document passes. */
function refusal(query: string, limits: Partial<OperationLimits> = {}) {
  try {
    parseWithinLimits(schema, query, { ...DEFAULTS, ...limits });
    return undefined;
  } catch (error) {
    if (!(error instanceof OperationLimitError)) throw error;
    return { limit: error.limit, max: error.max, code: error.extensions.code, message: error.message };
  }
}
const nested = (levels: number) => `{ me { ${'friend { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;
const times = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join(' ');

describe('operation limits', () => {
  it('refuses one level deeper than the depth limit, counting fields, not fragments', () => {
    expect(refusal(nested(12))).toBeUndefined();
    expect(refusal(nested(13))).toMatchObject({ limit: 'depth', max: 12, code: 'OPERATION_LIMIT_EXCEEDED' });
    expect(refusal('{ me { ...A } } fragment A on User { ...B } fragment B on User { id }', { depth: 2 })).toBeUndefined();
  });

  it('counts every alias, __typename ones included', () => {
    expect(refusal(`{ me { ${times(15, (i) => `a${i}: id`)} } }`)).toBeUndefined();
    expect(refusal(`{ me { ${times(16, (i) => `a${i}: __typename`)} } }`)).toMatchObject({ limit: 'aliases', max: 15 });
  });

  it('counts directives', () => {
    expect(refusal(`{ me { id ${times(11, () => '@skip(if: false)')} } }`)).toMatchObject({ limit: 'directives', max: 10 });
  });

  it('counts root fields, each alias separately and through fragments', () => {
    expect(refusal(`{ ${times(10, (i) => `p${i}: product(id: ${i}) { id }`)} }`)).toBeUndefined();
    expect(refusal(`{ ${times(11, (i) => `p${i}: product(id: ${i}) { id }`)} }`)).toMatchObject({ limit: 'rootFields', max: 10 });
    expect(refusal(`{ ...Q ...Q } fragment Q on Query { ${times(6, (i) => `p${i}: product(id: ${i}) { id }`)} }`)).toMatchObject({
      limit: 'rootFields',
    });
  });

  it('measures the document in UTF-8 bytes before parsing it', () => {
    const padded = (bytes: number, char: string) => `{ me { id } } #${char.repeat(bytes)}`;
    expect(refusal(padded(19_000, 'a'))).toBeUndefined();
    // 7 000 characters, 21 000 bytes
    expect(refusal(padded(7_000, '€'))).toMatchObject({ limit: 'documentSize', max: 20_000, message: expect.stringContaining('20000 bytes') });
  });

  it('stops parsing at the token limit', () => {
    // `{ me {` and `} }` are 5 tokens.
    expect(refusal(`{ me { ${times(1995, () => 'id')} } }`)).toBeUndefined();
    expect(refusal(`{ me { ${times(1996, () => 'id')} } }`)).toMatchObject({ limit: 'tokens', max: 2000 });
  });

  it('names the limit and its value in the message', () => {
    expect(refusal(nested(14))?.message).toBe('The operation exceeds the depth limit of 12 levels (it has 14).');
  });

  it('answers with one refusal when several limits are exceeded, in a fixed order', () => {
    const query = `{ ${times(16, (i) => `p${i}: me { id @skip(if: false) @skip(if: false) }`)} }`;
    const errors = validate(schema, parse(query), operationLimitRules(DEFAULTS));
    expect(errors.map((error) => (error as OperationLimitError).limit).sort()).toEqual(['aliases', 'directives', 'rootFields']);
    expect(firstLimitError(errors)?.limit).toBe('aliases');
  });

  it('has the size and root-field rules report on the validation context', () => {
    const document = parse('{ a: me { id } b: me { id } }');
    expect(validate(schema, document, [maxRootFieldsRule(1)])[0]).toMatchObject({ limit: 'rootFields', max: 1 });
    expect(validate(schema, document, [documentSizeRule(10)])[0]).toMatchObject({ limit: 'documentSize', max: 10 });
  });

  it('refuses an operation whose cost, with its variables, is over the limit', () => {
    const document = parse('query ($n: Int!) { a: products(first: $n) { id name } }');
    const operation = getOperationAST(document)!;
    expect(() => checkOperationCost(schema, document, operation, { n: 100 }, DEFAULTS)).not.toThrow();
    expect(() => checkOperationCost(schema, document, operation, { n: 10_000 }, DEFAULTS)).toThrow(
      expect.objectContaining({ limit: 'cost', max: 5000, message: 'The operation exceeds the cost limit of 5000 (it has 20001).' }),
    );
  });

  it('lets every operation of the typed client through with the default limits, at the largest page', () => {
    const api = apiSchema();
    const sources = operationSources().map(({ name, body }) => ({ name, body, spreads: [...body.matchAll(/\.\.\.\s*([A-Za-z_]\w*)/g)].map((m) => m[1]!) }));
    const fragments = new Map(sources.flatMap((source) => [...source.body.matchAll(/fragment\s+(\w+)/g)].map((m) => [m[1]!, source] as const)));
    for (const { name, body, spreads } of sources) {
      if (!/^\s*(query|mutation|subscription)\b/m.test(body)) continue;
      // As the typed client sends it: the operation with every fragment it spreads, transitively.
      const included = new Set<string>();
      const include = (names: string[]) => {
        for (const spread of names) {
          const fragment = fragments.get(spread);
          if (!fragment || included.has(fragment.body)) continue;
          included.add(fragment.body);
          include(fragment.spreads);
        }
      };
      include(spreads);
      const text = [body, ...included].join('\n');
      const document = parseWithinLimits(api, text, DEFAULTS);
      expect(validate(api, document), name).toEqual([]);
      expect(() => checkOperationCost(api, document, getOperationAST(document)!, { first: 100 }, DEFAULTS), name).not.toThrow();
    }
  });
});
