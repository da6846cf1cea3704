import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Kind, NoUnusedFragmentsRule, parse, Source, specifiedRules, validate, type DefinitionNode, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';

/** Where the client's operations live, one `.graphql` file each, in a folder per domain. */
export const OPERATIONS_DIR = join(__dirname, '..', 'operations');

/** One operation document: a name to report it by and its text. */
export interface OperationSource {
  name: string;
  body: string;
}

/** Every `.graphql` file under `directory`, named by its path relative to the repository root, sorted. */
export function operationSources(directory = OPERATIONS_DIR): OperationSource[] {
  const root = join(__dirname, '..', '..');
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(folder, entry.name)) : entry.name.endsWith('.graphql') ? [join(folder, entry.name)] : []));
  return walk(directory)
    .sort()
    .map((file) => ({ name: relative(root, file), body: readFileSync(file, 'utf8') }));
}

/**
 * Validates each document against `schema` the way the gateway will, fragments from the
 * other documents included (codegen shares them across files). Returns one line per
 * problem, `file:line:column: message`, so a renamed or removed field names the
 * document that still asks for it. Also reports an operation or fragment name used twice.
 */
export function documentErrors(schema: GraphQLSchema, sources: readonly OperationSource[]): string[] {
  const problems: string[] = [];
  const parsed: { name: string; definitions: readonly DefinitionNode[] }[] = [];
  for (const source of sources) {
    try {
      parsed.push({ name: source.name, definitions: parse(new Source(source.body, source.name)).definitions });
    } catch (error) {
      problems.push(`${source.name}: ${(error as Error).message}`);
    }
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  const owners = new Map<string, string>();
  for (const { name, definitions } of parsed) {
    for (const definition of definitions) {
      if ((definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) || !definition.name) continue;
      const key = `${definition.kind === Kind.FRAGMENT_DEFINITION ? 'fragment' : 'operation'} ${definition.name.value}`;
      const owner = owners.get(key);
      if (owner) problems.push(`${name}: ${key} is also defined in ${owner}; names must be unique across client/operations`);
      else owners.set(key, name);
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
  }
  for (const { name, definitions } of parsed) {
    const own = new Set(definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [definition.name.value] : [])));
    const borrowed = usedFragments(definitions, fragments).filter((fragment) => !own.has(fragment.name.value));
    const document = { kind: Kind.DOCUMENT, definitions: [...definitions, ...borrowed] } as const;
    for (const error of validate(schema, document, RULES)) {
      // Only errors inside this file: a borrowed fragment's own errors are reported with its file.
      const location = error.locations?.[0];
      const inThisFile = error.source?.name === name || !error.source;
      if (inThisFile) problems.push(`${name}${location ? `:${location.line}:${location.column}` : ''}: ${error.message}`);
    }
  }
  return problems;
}

/** graphql's rules, but a file may hold only a fragment: the operations that spread it live elsewhere. */
const RULES = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);

/** Fragments the definitions spread, directly or through other fragments. */
function usedFragments(definitions: readonly DefinitionNode[], fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const candidate = node as { kind?: string; name?: { value: string } };
    if (candidate.kind === Kind.FRAGMENT_SPREAD && candidate.name && !used.has(candidate.name.value)) {
      const fragment = fragments.get(candidate.name.value);
      if (fragment) {
        used.set(candidate.name.value, fragment);
        visit(fragment.selectionSet);
      }
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'loc') visit(value);
  };
  visit(definitions);
  return [...used.values()];
}
