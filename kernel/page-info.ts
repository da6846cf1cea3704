import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * Relay's PageInfo, one type for every connection in the supergraph (so clients write
 * one pagination helper). Every subgraph that pages declares it, hence `@shareable`.
 */
@Directive('@shareable')
@ObjectType({ description: 'Where a page sits in the whole list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page.' })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page, to pass as `after`; null when the page is empty.' })
  endCursor: string | null;
}

/** The PageInfo of a page fetched with one extra row to learn whether more follow. */
export function pageInfoOf(edges: { cursor: string }[], hasNextPage: boolean): PageInfo {
  return Object.assign(new PageInfo(), { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null });
}
