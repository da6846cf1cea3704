import type { RequestContext } from '#kernel';

/** The gateway's request context; `trace` is continued into every subgraph fetch. */
export type GatewayContext = RequestContext;
