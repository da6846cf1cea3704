import { describe, expect, it } from 'vitest';
import { EVENT_ID_PATTERN, nextEventId, parseEventEnvelope, toSqlDateTime } from '../../events';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids', () => {
  it('are UUIDv7 carrying the millisecond they were made in', () => {
    const before = Date.now();
    const { id, timestamp } = nextEventId();
    expect(id).toMatch(UUID_V7);
    expect(id).toMatch(EVENT_ID_PATTERN);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(timestamp);
  });

  it('sort in the order they were made, even many within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => nextEventId().id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('event envelopes', () => {
  it('parse from a message body', () => {
    const event = { id: nextEventId().id, type: 'order.placed', occurredAt: '2026-01-31T12:00:00.000Z', data: { n: 1 } };
    expect(parseEventEnvelope(Buffer.from(JSON.stringify(event)))).toEqual(event);
    expect(parseEventEnvelope(JSON.stringify({ ...event, data: null }))).toEqual({ ...event, data: null });
  });

  it('refuse what is not one', () => {
    const event = { id: nextEventId().id, type: 'order.placed', occurredAt: '2026-01-31T12:00:00.000Z', data: {} };
    expect(() => parseEventEnvelope('not json')).toThrow();
    for (const broken of [null, [], { ...event, id: 'x' }, { ...event, type: 1 }, { id: event.id, type: event.type, occurredAt: event.occurredAt }]) {
      expect(() => parseEventEnvelope(JSON.stringify(broken))).toThrow(/not an event envelope/);
    }
  });
});

describe('toSqlDateTime', () => {
  it('writes UTC DATETIME(3) literals', () => {
    expect(toSqlDateTime(Date.UTC(2026, 0, 31, 23, 59, 58, 7))).toBe('2026-01-31 23:59:58.007');
  });
});
