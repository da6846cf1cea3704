import { Supergraph } from '@apollo/federation-internals';

/** A subgraph as the gateway reaches it. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/** Subgraph names and URLs from the supergraph, with environment overrides applied. */
export function subgraphsOf(supergraphSdl: string, overrides: Record<string, string>): SubgraphEndpoint[] {
  return Supergraph.build(supergraphSdl)
    .subgraphs()
    .values()
    .map((subgraph) => ({ name: subgraph.name, url: overrides[subgraph.name] ?? subgraph.url }));
}

/**
 * Asks each subgraph's `/health` (next to its `/graphql`) with a short timeout.
 * The gateway is ready only when every subgraph answers.
 */
export async function checkSubgraphs(subgraphs: SubgraphEndpoint[], timeoutMs = 1_000): Promise<Record<string, boolean>> {
  const results = await Promise.all(
    subgraphs.map(async ({ name, url }) => {
      const health = new URL('/health', url);
      const ok = await fetch(health, { signal: AbortSignal.timeout(timeoutMs) }).then((res) => res.ok, () => false);
      return [name, ok] as const;
    }),
  );
  return Object.fromEntries(results);
}
