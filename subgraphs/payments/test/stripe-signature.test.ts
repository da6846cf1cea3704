import { describe, expect, it } from 'vitest';
import { WebhookRejected } from '../src/provider/payment-provider';
import { verifyStripeSignature } from '../src/provider/stripe-signature';
import { hmacSha256Hex } from '../src/provider/webhook-signature';

// A Stripe event envelope, signed at t=1700000000 with the secret `whsec_test_secret`. The
// expected signatures were computed independently of this code:
//   printf '%s' "1700000000.$EVENT" | openssl dgst -sha256 -hmac whsec_test_secret
//   printf '%s' "1700000000.$EVENT" | openssl dgst -sha256 -hmac whsec_old_secret
//   printf '%s' '1700000000.not json' | openssl dgst -sha256 -hmac whsec_test_secret
//   printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test_secret
const EVENT =
  '{"id":"evt_test_webhook","object":"event","type":"payment_intent.succeeded","created":1700000000,"data":{"object":{"id":"pi_123","object":"payment_intent","amount":2000}}}';
const SECRET = 'whsec_test_secret';
const T = 1700000000;
const NOW = T * 1000;
const SIGNATURE = '1f89b133a8a567a3ed183f08a599d48de5c1b64d47e5a904d4c4460ee09e0973';
const OLD_SECRET_SIGNATURE = '822ae3b8c9a9000016347da33b825089f1c448a56c8717464d73d4273d3f7681';
const NOT_JSON_SIGNATURE = '0e28b05015734fffa1e02f8b443678fbe189e902dcfeb61f9c18714551e168f4';
const NOT_EVENT_SIGNATURE = '248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a';

function rejection(run: () => unknown): WebhookRejected {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookRejected) return error;
    throw error;
  }
  throw new Error('expected a WebhookRejected');
}

describe('hmacSha256Hex', () => {
  // The vectors stripe-node checks its own crypto providers against
  // (github.com/stripe/stripe-node, test/crypto/helpers.ts, secret `test_secret`).
  it.each([
    ['', 'f7f9bd47fb987337b5796fdc1fdb9ba221d0d5396814bfcaf9521f43fd8927fd'],
    [JSON.stringify({ obj1: 'hello', obj2: 'world' }), 'bebb1a643997f419b315ddba19e6f5411e1ce7f810ba6d3617ce72823092f363'],
    ['\ud83d\ude00', '837da296d05c4fe31f61d5d7ead035099d9585a5bcde87de952012a78f0b0c43'],
  ])('matches stripe-node for %j', (payload, expected) => {
    expect(hmacSha256Hex('test_secret', payload)).toBe(expected);
  });
});

describe('verifyStripeSignature', () => {
  it('returns the event of a correctly signed delivery, from a string or the raw bytes', () => {
    const header = `t=${T},v1=${SIGNATURE}`;
    const event = verifyStripeSignature(EVENT, header, SECRET, 300, NOW);
    expect(event).toMatchObject({ id: 'evt_test_webhook', type: 'payment_intent.succeeded', created: T, data: { object: { id: 'pi_123' } } });
    expect(verifyStripeSignature(Buffer.from(EVENT), header, SECRET, 300, NOW)).toEqual(event);
  });

  it('accepts any matching v1 (a secret being rolled) and ignores v0 and unknown schemes', () => {
    const header = `t=${T},v1=${OLD_SECRET_SIGNATURE},v1=${SIGNATURE},v0=${'0'.repeat(64)},v9=whatever`;
    expect(verifyStripeSignature(EVENT, header, SECRET, 300, NOW).id).toBe('evt_test_webhook');
    expect(verifyStripeSignature(EVENT, `t=${T},v1=potato,v1=${SIGNATURE}`, SECRET, 300, NOW).id).toBe('evt_test_webhook');
  });

  it('refuses a signature made with another secret, or over another body', () => {
    expect(rejection(() => verifyStripeSignature(EVENT, `t=${T},v1=${OLD_SECRET_SIGNATURE}`, SECRET, 300, NOW))).toMatchObject({
      status: 401,
      reason: 'signature does not match',
    });
    expect(rejection(() => verifyStripeSignature(EVENT.replace('2000', '1'), `t=${T},v1=${SIGNATURE}`, SECRET, 300, NOW)).status).toBe(401);
    // The timestamp is signed too: moving it forward to dodge the tolerance breaks the signature.
    expect(rejection(() => verifyStripeSignature(EVENT, `t=${T + 1},v1=${SIGNATURE}`, SECRET, 300, NOW)).reason).toBe('signature does not match');
  });

  it('refuses a header whose only signatures are v0 (the test-mode scheme), like stripe-node', () => {
    expect(rejection(() => verifyStripeSignature(EVENT, `t=${T},v0=${SIGNATURE}`, SECRET, 300, NOW))).toMatchObject({
      status: 401,
      reason: 'malformed signature header',
    });
  });

  it('refuses a timestamp outside the tolerance, either way', () => {
    const header = `t=${T},v1=${SIGNATURE}`;
    expect(verifyStripeSignature(EVENT, header, SECRET, 300, NOW + 300_000).id).toBe('evt_test_webhook');
    expect(rejection(() => verifyStripeSignature(EVENT, header, SECRET, 300, NOW + 301_000))).toMatchObject({ status: 401, reason: 'stale timestamp' });
    expect(rejection(() => verifyStripeSignature(EVENT, header, SECRET, 300, NOW - 301_000)).reason).toBe('stale timestamp');
    expect(rejection(() => verifyStripeSignature(EVENT, header, SECRET, 10, NOW + 11_000)).reason).toBe('stale timestamp');
  });

  it.each([
    ['missing', undefined, 'missing signature header'],
    ['empty', '', 'missing signature header'],
    ['not a signature header', "I'm not even a real signature header", 'malformed signature header'],
    ['without a timestamp', `v1=${SIGNATURE}`, 'malformed signature header'],
    ['with two timestamps', `t=${T},t=${T},v1=${SIGNATURE}`, 'malformed signature header'],
    ['with a non-numeric timestamp', `t=soon,v1=${SIGNATURE}`, 'malformed signature header'],
    ['without a signature', `t=${T}`, 'malformed signature header'],
  ])('refuses a header %s with 401', (_case, header, reason) => {
    expect(rejection(() => verifyStripeSignature(EVENT, header, SECRET, 300, NOW))).toMatchObject({ status: 401, reason });
  });

  it('refuses a correctly signed body that is not a Stripe event with 400', () => {
    expect(rejection(() => verifyStripeSignature('not json', `t=${T},v1=${NOT_JSON_SIGNATURE}`, SECRET, 300, NOW))).toMatchObject({
      status: 400,
      reason: 'body is not JSON',
    });
    expect(rejection(() => verifyStripeSignature('{"id":"evt_1"}', `t=${T},v1=${NOT_EVENT_SIGNATURE}`, SECRET, 300, NOW))).toMatchObject({
      status: 400,
      reason: 'body is not a Stripe event',
    });
  });
});
