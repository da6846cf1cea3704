import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from './repo-root';

/** One subgraph entry of `supergraph.yaml` (rover's format). */
interface SubgraphEntry {
  routing_url: string;
  schema: { file: string };
}

/** What {@link composeSupergraph} produced; `errors` is empty on success. */
export interface Composition {
  /** Printed SDL of each subgraph, keyed by the file `supergraph.yaml` names for it. */
  subgraphFiles: Map<string, string>;
  supergraphSdl?: string;
  errors: string[];
}

/** Every subgraph's `schema.ts` exports `buildSchema(services)`; printing its SDL never calls a service. */
type SchemaModule = { buildSchema: (services: never) => Promise<GraphQLSchema> };
const servicesThatMustNotBeCalled: any = new Proxy(() => undefined, {
  get: () => servicesThatMustNotBeCalled,
  apply: () => {
    throw new Error('a service was called while printing the schema');
  },
});

/**
 * Prints each subgraph's SDL from its type-graphql schema, then composes them as rover
 * would. Nothing is written; see {@link writeComposition}.
 */
export async function composeSupergraph(root = repoRoot()): Promise<Composition> {
  const config = parseYaml(readFileSync(join(root, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, SubgraphEntry> };
  const subgraphFiles = new Map<string, string>();
  const services = [];
  for (const [name, entry] of Object.entries(config.subgraphs)) {
    const module = (await import(join(root, subgraphSource(name)))) as SchemaModule;
    const sdl = `${printSubgraphSchema(await module.buildSchema(servicesThatMustNotBeCalled as never)).trim()}\n`;
    subgraphFiles.set(resolve(root, entry.schema.file), sdl);
    services.push({ name, url: entry.routing_url, typeDefs: parse(sdl) });
  }
  const result = composeServices(services);
  if (result.errors) {
    return { subgraphFiles, errors: result.errors.map((error) => `${error.extensions.code ?? 'ERROR'}: ${error.message}`) };
  }
  return { subgraphFiles, supergraphSdl: `${result.supergraphSdl.trim()}\n`, errors: [] };
}

/** Where a subgraph's schema module lives: compiled JS under dist/, or TS when run from source. */
function subgraphSource(name: string): string {
  const compiled = __filename.endsWith('.js');
  return compiled ? join('dist', 'subgraphs', name, 'src', 'schema.js') : join('subgraphs', name, 'src', 'schema.ts');
}

export const SUPERGRAPH_FILE = 'supergraph.graphql';

/** Writes the subgraph SDL files and `supergraph.graphql` (the committed, deployable artifact). */
export function writeComposition(composition: Composition, root = repoRoot()): void {
  for (const [file, sdl] of composition.subgraphFiles) writeFileSync(file, sdl);
  if (composition.supergraphSdl) writeFileSync(join(root, SUPERGRAPH_FILE), composition.supergraphSdl);
}

if (require.main === module) {
  void composeSupergraph().then((composition) => {
    if (composition.errors.length) {
      process.stderr.write(`composition failed with ${composition.errors.length} error(s):\n${composition.errors.map((e) => `  - ${e}`).join('\n')}\n`);
      process.exit(1);
    }
    writeComposition(composition);
    process.stdout.write(`composed ${composition.subgraphFiles.size} subgraphs into ${SUPERGRAPH_FILE}\n`);
  }, (error: Error) => {
    process.stderr.write(`composition failed: ${error.message}\n`);
    process.exit(1);
  });
}
