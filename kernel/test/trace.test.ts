import { describe, expect, it } from 'vitest';
import { newSpanId, newTraceId, toTraceparent, traceFromHeader } from '#kernel';

describe('trace context', () => {
  it('continues the caller’s trace with a new span', () => {
    const trace = traceFromHeader('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(trace.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace.parentSpanId).toBe('00f067aa0ba902b7');
    expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.spanId).not.toBe(trace.parentSpanId);
    expect(toTraceparent(trace)).toBe(`00-${trace.traceId}-${trace.spanId}-01`);
  });

  it.each([undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'])(
    'starts a new trace for %j',
    (header) => {
      const trace = traceFromHeader(header);
      expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(trace.parentSpanId).toBeUndefined();
    },
  );

  it('draws fresh ids across refills of the random pool', () => {
    // 1,000 trace ids and span ids are 24,000 random bytes: several refills of the 4 KiB pool.
    const traceIds = Array.from({ length: 1000 }, newTraceId);
    const spanIds = Array.from({ length: 1000 }, newSpanId);
    expect(traceIds.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(spanIds.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(new Set([...traceIds, ...spanIds]).size).toBe(2000);
  });
});
