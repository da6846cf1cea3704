import type { Logger } from './logger';
import type { TraceContext } from './trace';

/** Roles a caller may hold. */
export const ROLES = ['CUSTOMER', 'STAFF', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: established by the gateway from the access token and forwarded to subgraphs. */
export interface Identity {
  userId: string;
  roles: Role[];
  /** The sign-in session the access token belongs to (its `sid` claim). */
  sessionId: string;
}

/**
 * What every resolver and service receives first: who calls and from where, the trace
 * it belongs to, and a logger that stamps `traceId`/`spanId` on each line.
 */
export interface RequestContext {
  identity: Identity | null;
  /**
   * The client's IP address as the gateway saw it (for rate limits and audit), null when
   * unknown. Subgraphs get it from the gateway's signed header, never from the caller.
   */
  clientIp: string | null;
  trace: TraceContext;
  log: Logger;
}
