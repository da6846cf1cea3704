import { describe, expect, it } from 'vitest';
import { eventStream, eventSubject } from '../../events';

describe('event names', () => {
  it('names a domain stream <PREFIX>_<DOMAIN> with subjects <prefix>.<domain>.>', () => {
    expect(eventStream('shop', 'auth')).toEqual({ prefix: 'shop', domain: 'auth', name: 'SHOP_AUTH', subjects: 'shop.auth.>' });
    expect(eventStream('shop-test_1a', 'orders').name).toBe('SHOP-TEST_1A_ORDERS');
  });

  it('publishes an event type under its domain', () => {
    expect(eventSubject(eventStream('shop', 'auth'), 'user.registered')).toBe('shop.auth.user.registered');
    expect(eventSubject(eventStream('run42', 'orders'), 'order.status-changed')).toBe('run42.orders.order.status-changed');
  });

  it('refuses prefixes and types that are not one legal subject', () => {
    for (const prefix of ['', 'a.b', 'a b', 'a>', 'x'.repeat(41)]) expect(() => eventStream(prefix, 'auth')).toThrow(/invalid events prefix/);
    const stream = eventStream('shop', 'auth');
    for (const type of ['', 'User.registered', 'user.*', 'user.>', 'user..registered', '.user', 'user.', `a.${'b'.repeat(99)}`]) {
      expect(() => eventSubject(stream, type), type).toThrow(/invalid event type/);
    }
  });
});
