import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  parse,
  validate,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { operationCost } from './operation-cost';
import { OperationLimitError, type OperationLimit } from './operation-limit-error';
import { operationVariables } from './operation-variables';
import { fragmentsOf, rootFieldsOf } from './root-field-count';

/** What one operation may ask for at most (MAX_QUERY_DEPTH, MAX_ALIASES, ... in the gateway's config). */
export interface OperationLimits {
  /** Deepest field nesting; fragments add no level. Default 12. */
  depth: number;
  /** Aliases, fragments included. Default 15. */
  aliases: number;
  /** Directives. Default 10. */
  directives: number;
  /** Lexical tokens of the document, counted while parsing. Default 2000. */
  tokens: number;
  /** {@link operationCost}. Default 5000. */
  cost: number;
  /** Root field selections, each alias separately. Default 10. */
  rootFields: number;
  /** UTF-8 bytes of the query string. Default 20000. */
  documentSize: number;
}

/** Which refusal a client gets when a document is over several limits at once. */
const PRECEDENCE: OperationLimit[] = ['documentSize', 'tokens', 'depth', 'aliases', 'directives', 'rootFields', 'cost'];

/**
 * Validation rules for the limits a document has whatever its variables: its size, and
 * depth, aliases, directives (graphql-armor's rules) and root fields. Each reports an
 * {@link OperationLimitError} to the validation context; {@link firstLimitError} picks
 * the one to answer with.
 */
export function operationLimitRules(limits: OperationLimits): ValidationRule[] {
  const report = (limit: OperationLimit) => (context: ValidationContext | null, error: GraphQLError) =>
    context?.reportError(new OperationLimitError(limit, limits[limit], foundIn(error.message)));
  const armor = { propagateOnRejection: false, exposeLimits: true };
  return [
    documentSizeRule(limits.documentSize),
    maxDepthRule({ ...armor, n: limits.depth, flattenFragments: true, ignoreIntrospection: true, onReject: [report('depth')] }),
    // Every alias counts, `__typename` ones too (graphql-armor allows those by default).
    maxAliasesRule({ ...armor, n: limits.aliases, allowList: [], onReject: [report('aliases')] }),
    maxDirectivesRule({ ...armor, n: limits.directives, onReject: [report('directives')] }),
    maxRootFieldsRule(limits.rootFields),
  ];
}

/** The limit refusal to answer with among validation errors (by {@link PRECEDENCE}), if any. */
export function firstLimitError(errors: readonly Error[]): OperationLimitError | undefined {
  const refusals = errors.filter((error): error is OperationLimitError => error instanceof OperationLimitError);
  return refusals.sort((a, b) => PRECEDENCE.indexOf(a.limit) - PRECEDENCE.indexOf(b.limit))[0];
}

/**
 * Parses a query string within the size and token limits, then checks the document's
 * other limits, before any GraphQL validation (for graphql-ws, where no Apollo Server
 * runs these). Throws the {@link OperationLimitError}, or the parser's syntax error.
 */
export function parseWithinLimits(schema: GraphQLSchema, source: string, limits: OperationLimits): DocumentNode {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.documentSize) throw new OperationLimitError('documentSize', limits.documentSize, bytes);
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.tokens });
  } catch (error) {
    throw tokenLimitError(error as GraphQLError, limits.tokens) ?? error;
  }
  const refusal = firstLimitError(validate(schema, document, operationLimitRules(limits)));
  if (refusal) throw refusal;
  return document;
}

/** graphql-js's parser stops at `maxTokens` with a syntax error; that error as an {@link OperationLimitError}. */
export function tokenLimitError(error: { message: string }, max: number): OperationLimitError | undefined {
  return /Document contains more tha[nt] \d+ tokens/.test(error.message) ? new OperationLimitError('tokens', max) : undefined;
}

/** Throws {@link OperationLimitError} when the operation's {@link operationCost} with these variables is over the limit. */
export function checkOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): void {
  const cost = operationCost(schema, operation, fragmentsOf(document), operationVariables(operation, variables));
  if (cost > limits.cost) throw new OperationLimitError('cost', limits.cost, Math.ceil(cost));
}

/** A validation rule refusing an operation with more than `max` root field selections. */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const found = rootFieldsOf(operation.selectionSet, (name) => context.getFragment(name)).length;
      if (found > max) context.reportError(new OperationLimitError('rootFields', max, found));
    },
  });
}

/** A validation rule refusing a document whose source is more than `max` UTF-8 bytes. */
export function documentSizeRule(max: number): ValidationRule {
  return (context) => {
    const source = context.getDocument().loc?.source.body;
    const bytes = source === undefined ? 0 : Buffer.byteLength(source, 'utf8');
    if (bytes > max) context.reportError(new OperationLimitError('documentSize', max, bytes));
    return {};
  };
}

/** The measured value in one of graphql-armor's messages ("... exceeded, found 14."). */
function foundIn(message: string): number | undefined {
  const match = /found (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}
