import { describe, expect, it } from 'vitest';
import {
  GATEWAY_SIGNATURE_TOLERANCE_SECONDS,
  openGatewayEnvelope,
  sealGatewayEnvelope,
  signGatewayRequest,
  verifyGatewaySignature,
  type ForwardedCaller,
} from '#kernel';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const now = Date.UTC(2025, 0, 1, 12, 0, 0);
const body = Buffer.from('{"query":"{ order(id: \\"o1\\") { id } }","variables":{}}');
const customer: ForwardedCaller = {
  identity: { userId: 'u1', roles: ['CUSTOMER'], sessionId: 's1' },
  clientIp: '203.0.113.7',
};

describe('the gateway signature', () => {
  it('vouches for the identity and client IP of a request it signed', () => {
    const header = signGatewayRequest(customer, body, secret, now);
    expect(header).toMatch(/^v1\.\d+\.[\w-]+\.[\w-]{43}$/);
    expect(verifyGatewaySignature(header, body, secret, now)).toEqual({ ok: true, caller: customer });
  });

  it('vouches for anonymous callers too', () => {
    const anonymous = { identity: null, clientIp: null };
    expect(verifyGatewaySignature(signGatewayRequest(anonymous, body, secret, now), body, secret, now)).toEqual({ ok: true, caller: anonymous });
  });

  it('signs the body it is given as a string and as bytes alike', () => {
    const envelope = openGatewayEnvelope(customer, now);
    expect(sealGatewayEnvelope(envelope, body.toString('utf8'), secret)).toBe(sealGatewayEnvelope(envelope, body, secret));
  });

  it('refuses a request without the header', () => {
    expect(verifyGatewaySignature(undefined, body, secret, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyGatewaySignature('', body, secret, now)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a header that is not one', () => {
    for (const header of ['garbage', 'v1.1.2', 'v2.1735732800.e30.' + 'A'.repeat(43), 'v1.soon.e30.' + 'A'.repeat(43), 'v1.1.2.3.4']) {
      expect(verifyGatewaySignature(header, body, secret, now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a valid header on another body', () => {
    const header = signGatewayRequest(customer, body, secret, now);
    const tampered = Buffer.from(body.toString().replace('o1', 'o2'));
    expect(verifyGatewaySignature(header, tampered, secret, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyGatewaySignature(header, Buffer.alloc(0), secret, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses an identity swapped into a valid header', () => {
    const header = signGatewayRequest(customer, body, secret, now);
    const [version, timestamp, , mac] = header.split('.');
    const admin = Buffer.from(JSON.stringify({ identity: { userId: 'u1', roles: ['ADMIN'], sessionId: 's1' }, clientIp: null })).toString('base64url');
    expect(verifyGatewaySignature([version, timestamp, admin, mac].join('.'), body, secret, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a header signed with another secret', () => {
    const forged = signGatewayRequest(customer, body, 'another-secret-that-is-long-enough-9876543210', now);
    expect(verifyGatewaySignature(forged, body, secret, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('accepts clocks up to the tolerance apart, and refuses stale and future timestamps beyond it', () => {
    const header = signGatewayRequest(customer, body, secret, now);
    const tolerance = GATEWAY_SIGNATURE_TOLERANCE_SECONDS * 1000;
    expect(verifyGatewaySignature(header, body, secret, now + tolerance).ok).toBe(true);
    expect(verifyGatewaySignature(header, body, secret, now - tolerance).ok).toBe(true);
    expect(verifyGatewaySignature(header, body, secret, now + tolerance + 1000)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyGatewaySignature(header, body, secret, now - tolerance - 1000)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a correctly signed payload that is not a caller', () => {
    const payload = Buffer.from(JSON.stringify({ identity: { userId: 'u1', roles: ['ROOT'], sessionId: 's1' }, clientIp: null })).toString('base64url');
    const header = sealGatewayEnvelope(`v1.${Math.floor(now / 1000)}.${payload}`, body, secret);
    expect(verifyGatewaySignature(header, body, secret, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
