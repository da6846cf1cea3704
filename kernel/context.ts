import type { Logger } from './logger';
import type { TraceContext } from './trace';

/** Roles a caller may hold. */
export const ROLES = ['CUSTOMER', 'STAFF', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: established by the gateway from the access token and forwarded to subgraphs. */
export interface Identity {
  userId: string;
  roles: Role[];
}

/**
 * What every resolver and service receives first: who calls, the trace it belongs to,
 * and a logger that stamps `traceId`/`spanId` on each line.
 */
export interface RequestContext {
  identity: Identity | null;
  trace: TraceContext;
  log: Logger;
}
