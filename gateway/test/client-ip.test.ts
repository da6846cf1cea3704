import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIpOf } from '../src/client-ip';

const request = (remoteAddress: string | undefined, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientIpOf', () => {
  it('is the socket’s peer, whatever X-Forwarded-For claims, unless the proxy is trusted', () => {
    expect(clientIpOf(request('::ffff:10.0.0.5', '198.51.100.1'), false)).toBe('10.0.0.5');
    expect(clientIpOf(request('2001:db8::1'), false)).toBe('2001:db8::1');
    expect(clientIpOf(request(undefined), false)).toBeNull();
  });

  it('behind a trusted proxy, is the last X-Forwarded-For hop (what the proxy saw; earlier ones are the client\'s claims)', () => {
    expect(clientIpOf(request('10.0.0.5', '203.0.113.66, 198.51.100.1'), true)).toBe('198.51.100.1');
    expect(clientIpOf(request('10.0.0.5', ' 2001:db8::7 '), true)).toBe('2001:db8::7');
  });

  it('falls back to the peer when the trusted header is missing or not an address', () => {
    expect(clientIpOf(request('10.0.0.5'), true)).toBe('10.0.0.5');
    expect(clientIpOf(request('10.0.0.5', 'unknown'), true)).toBe('10.0.0.5');
  });
});
