import { randomFillSync } from 'node:crypto';

/** A position in a distributed trace, carried between services as a W3C `traceparent` header. */
export interface TraceContext {
  /** 32 lowercase hex digits shared by every span of one client request. */
  traceId: string;
  /** 16 lowercase hex digits naming this process's span. */
  spanId: string;
  /** The caller's span, when the request came with a `traceparent`. */
  parentSpanId?: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Random bytes for ids, drawn 4 KiB at a time: a `randomBytes` call per id costs a system call (~5 µs). */
const ID_POOL = Buffer.allocUnsafe(4096);
let idPoolOffset = ID_POOL.length;

function randomHex(bytes: number): string {
  if (idPoolOffset + bytes > ID_POOL.length) {
    randomFillSync(ID_POOL);
    idPoolOffset = 0;
  }
  const hex = ID_POOL.toString('hex', idPoolOffset, idPoolOffset + bytes);
  idPoolOffset += bytes;
  return hex;
}

export const newTraceId = () => randomHex(16);
export const newSpanId = () => randomHex(8);

/** Continues the caller's trace from its `traceparent` header, or starts a new one. */
export function traceFromHeader(traceparent: string | null | undefined): TraceContext {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  // An all-zero id is invalid per the W3C spec; treat it like no header at all.
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) {
    return { traceId: newTraceId(), spanId: newSpanId() };
  }
  return { traceId: match[1]!, parentSpanId: match[2]!, spanId: newSpanId() };
}

/** The `traceparent` header value for a call made from `trace`'s span. */
export const toTraceparent = (trace: TraceContext) => `00-${trace.traceId}-${trace.spanId}-01`;
