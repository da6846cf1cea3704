import { describe, expect, it } from 'vitest';
import { toTraceparent, traceFromHeader } from '#kernel';

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
});
