import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, createRedis } from '#kernel';
import { ProviderRefused, WebhookRejected, type CreateIntentRequest } from '../src/provider/payment-provider';
import {
  SimulatorProvider,
  signSimulatorPayload,
  type SimulatorProviderOptions,
  type SimulatorWebhookEvent,
} from '../src/provider/simulator.provider';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test:simulator:${randomUUID()}:`;
const SECRET = 'whsec_simulator_test_secret';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
  event: SimulatorWebhookEvent;
}

/** The shop's webhook endpoint, played by a real HTTP server that records every request. */
async function startReceiver() {
  const receiver = {
    url: '',
    deliveries: [] as Delivery[],
    /** The status answered to the n-th request since the last reset. */
    answer: (_n: number) => 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      receiver.deliveries.push({ headers: request.headers, body, event: JSON.parse(body.toString('utf8')) });
      response.writeHead(receiver.answer(receiver.deliveries.length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/simulator`;
  return receiver;
}

let redis: Redis;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let logLines: string[];
const providers: SimulatorProvider[] = [];

function simulator(options: Partial<SimulatorProviderOptions> = {}): SimulatorProvider {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ service: 'test', level: 'warn', destination });
  const provider = new SimulatorProvider({ redis, webhookUrl: receiver.url, secret: SECRET, log, delayMs: 10, ...options });
  providers.push(provider);
  return provider;
}

const intentRequest = (paymentToken: string | null, amount = 1000n, idempotencyKey = randomUUID()): CreateIntentRequest => ({
  paymentId: randomUUID(),
  amount,
  currency: 'EUR',
  method: 'CARD',
  paymentToken,
  idempotencyKey,
});

const deliveriesOf = (ref: string) => receiver.deliveries.filter((delivery) => delivery.event.data.intentId === ref);
const typesOf = (ref: string) => deliveriesOf(ref).map((delivery) => delivery.event.type);

function waitForDeliveries(ref: string, count: number): Promise<Delivery[]> {
  return vi.waitFor(
    () => {
      const deliveries = deliveriesOf(ref);
      expect(deliveries.length).toBeGreaterThanOrEqual(count);
      return deliveries;
    },
    { timeout: 3_000, interval: 10 },
  );
}

function rejection(run: () => unknown): WebhookRejected {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookRejected) return error;
    throw error;
  }
  throw new Error('expected a WebhookRejected');
}

beforeAll(async () => {
  redis = createRedis(REDIS_URL, PREFIX);
  await redis.connect();
  receiver = await startReceiver();
});

afterAll(async () => {
  // ioredis does not prefix a KEYS pattern, and the names it returns are full ones.
  const keys = (await redis.keys(`${PREFIX}*`)).map((key) => key.slice(PREFIX.length));
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await receiver.close();
});

beforeEach(() => {
  receiver.deliveries.length = 0;
  receiver.answer = () => 200;
  logLines = [];
});

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.stop()));
  // Whatever happened, neither the secret nor a payment token reaches a log line.
  expect(logLines.join('\n')).not.toMatch(new RegExp(`${SECRET}|sim_(success|decline|timeout|duplicate|out_of_order)`));
});

describe('SimulatorProvider payment stories', () => {
  it.each([null, 'sim_success'])('token %s: answers PENDING at once, then authorizes and captures by signed webhooks', async (token) => {
    const provider = simulator({ delayMs: 100 });
    const intent = await provider.createIntent(intentRequest(token));
    expect(intent).toEqual({ providerRef: expect.stringMatching(/^sim_pi_\w+$/), status: 'PENDING' });
    expect((await provider.retrieve(intent.providerRef)).status).toBe('PENDING');

    const deliveries = await waitForDeliveries(intent.providerRef, 2);
    expect(typesOf(intent.providerRef)).toEqual(['payment.authorized', 'payment.captured']);
    const [authorized, captured] = deliveries as [Delivery, Delivery];
    expect(captured.event).toEqual({
      id: expect.stringMatching(/^evt_\w+$/),
      type: 'payment.captured',
      created: expect.any(Number),
      data: { intentId: intent.providerRef, amount: '1000', currency: 'EUR' },
    });
    expect(captured.headers['content-type']).toBe('application/json');
    expect(captured.headers['simulator-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    expect(provider.parseWebhook(authorized.body, authorized.headers)).toEqual([
      expect.objectContaining({ eventId: authorized.event.id, providerRef: intent.providerRef, type: 'AUTHORIZED', amount: null }),
    ]);
    expect(provider.parseWebhook(captured.body, captured.headers)).toEqual([
      {
        eventId: captured.event.id,
        providerRef: intent.providerRef,
        type: 'CAPTURED',
        amount: 1000n,
        refundRef: null,
        failureReason: null,
        occurredAt: new Date(captured.event.created * 1000),
        raw: captured.event,
      },
    ]);
    expect(await provider.retrieve(intent.providerRef)).toEqual({
      providerRef: intent.providerRef,
      status: 'CAPTURED',
      capturedAmount: 1000n,
      refundedAmount: 0n,
      failureReason: null,
    });
  });

  it('sim_decline: fails with card_declined', async () => {
    const provider = simulator();
    const { providerRef } = await provider.createIntent(intentRequest('sim_decline'));
    const [failed] = (await waitForDeliveries(providerRef, 1)) as [Delivery];
    expect(failed.event.type).toBe('payment.failed');
    expect(provider.parseWebhook(failed.body, failed.headers)).toEqual([
      expect.objectContaining({ type: 'FAILED', failureReason: 'card_declined', amount: null }),
    ]);
    expect(await provider.retrieve(providerRef)).toMatchObject({ status: 'FAILED', capturedAmount: 0n, failureReason: 'card_declined' });
  });

  it('sim_duplicate: delivers every webhook twice with the same event id', async () => {
    const provider = simulator();
    const { providerRef } = await provider.createIntent(intentRequest('sim_duplicate'));
    const deliveries = await waitForDeliveries(providerRef, 4);
    expect(typesOf(providerRef)).toEqual(['payment.authorized', 'payment.authorized', 'payment.captured', 'payment.captured']);
    const ids = deliveries.map((delivery) => provider.parseWebhook(delivery.body, delivery.headers)[0]!.eventId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(ids[0]).not.toBe(ids[2]);
  });

  it('sim_out_of_order: delivers payment.captured before payment.authorized', async () => {
    const provider = simulator();
    const { providerRef } = await provider.createIntent(intentRequest('sim_out_of_order'));
    await waitForDeliveries(providerRef, 2);
    expect(typesOf(providerRef)).toEqual(['payment.captured', 'payment.authorized']);
    expect((await provider.retrieve(providerRef)).status).toBe('CAPTURED');
  });

  it('sim_timeout: captures but sends nothing; only retrieve() tells', async () => {
    const provider = simulator();
    const { providerRef } = await provider.createIntent(intentRequest('sim_timeout'));
    await vi.waitFor(async () => expect((await provider.retrieve(providerRef)).status).toBe('CAPTURED'), { timeout: 3_000, interval: 10 });
    await sleep(200);
    expect(deliveriesOf(providerRef)).toEqual([]);
    expect((await provider.retrieve(providerRef)).capturedAmount).toBe(1000n);
  });

  it('refuses an unknown token as the caller\'s mistake (ProviderRefused), without echoing it', async () => {
    const error = await simulator()
      .createIntent(intentRequest('tok_visa_4242'))
      .catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(ProviderRefused);
    expect((error as Error).message).toMatch(/unknown simulator payment token/i);
    expect((error as Error).message).not.toContain('tok_visa_4242');
  });

  it('answers the same intent for the same idempotency key, and refuses the key for another amount', async () => {
    const provider = simulator();
    const request = intentRequest('sim_success');
    const first = await provider.createIntent(request);
    // Another payments process asking again must get the same intent, not a second charge.
    expect((await simulator().createIntent(request)).providerRef).toBe(first.providerRef);
    await waitForDeliveries(first.providerRef, 2);
    await sleep(100);
    expect(deliveriesOf(first.providerRef)).toHaveLength(2);
    await expect(provider.createIntent({ ...request, amount: 999n })).rejects.toThrow(/idempotency key/);
  });

  it('throws from retrieve() for an unknown payment', async () => {
    await expect(simulator().retrieve('sim_pi_nope')).rejects.toThrow(/unknown simulator payment/i);
  });
});

describe('SimulatorProvider refunds', () => {
  it('refunds partially then fully, refuses more, answers a repeated key with the same refund, and sends refund.succeeded', async () => {
    const provider = simulator();
    const { providerRef } = await provider.createIntent(intentRequest('sim_success'));
    await waitForDeliveries(providerRef, 2);

    const partial = await provider.refund({ providerRef, amount: 300n, idempotencyKey: 'refund-1' });
    expect(partial).toEqual({ refundRef: expect.stringMatching(/^sim_re_\w+$/), amount: 300n });
    const rest = await provider.refund({ providerRef, amount: 700n, idempotencyKey: 'refund-2' });
    await expect(provider.refund({ providerRef, amount: 1n, idempotencyKey: 'refund-3' })).rejects.toThrow(/exceeds the refundable 0/);
    expect(await provider.refund({ providerRef, amount: 300n, idempotencyKey: 'refund-1' })).toEqual(partial);
    await expect(provider.refund({ providerRef, amount: 200n, idempotencyKey: 'refund-1' })).rejects.toThrow(/idempotency key/);
    expect(await provider.retrieve(providerRef)).toMatchObject({ status: 'CAPTURED', capturedAmount: 1000n, refundedAmount: 1000n });

    const refunds = (await waitForDeliveries(providerRef, 4)).slice(2);
    await sleep(100);
    expect(typesOf(providerRef)).toEqual(['payment.authorized', 'payment.captured', 'refund.succeeded', 'refund.succeeded']);
    const events = refunds.flatMap((delivery) => provider.parseWebhook(delivery.body, delivery.headers));
    expect(events.map(({ type, amount, refundRef }) => ({ type, amount, refundRef })).sort((a, b) => Number(a.amount! - b.amount!))).toEqual([
      { type: 'REFUNDED', amount: 300n, refundRef: partial.refundRef },
      { type: 'REFUNDED', amount: 700n, refundRef: rest.refundRef },
    ]);
  });

  it('lets only one of two concurrent refunds from different processes spend the same captured amount', async () => {
    const provider = simulator();
    const { providerRef } = await provider.createIntent(intentRequest('sim_timeout'));
    await vi.waitFor(async () => expect((await provider.retrieve(providerRef)).status).toBe('CAPTURED'), { timeout: 3_000, interval: 10 });
    const outcomes = await Promise.allSettled(
      [provider, simulator()].map((process) => process.refund({ providerRef, amount: 600n, idempotencyKey: randomUUID() })),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await provider.retrieve(providerRef)).refundedAmount).toBe(600n);
  });

  it('refuses to refund what was never captured', async () => {
    const provider = simulator();
    const { providerRef } = await provider.createIntent(intentRequest('sim_decline'));
    await waitForDeliveries(providerRef, 1);
    await expect(provider.refund({ providerRef, amount: 1n, idempotencyKey: randomUUID() })).rejects.toThrow(/not captured/);
    await expect(provider.refund({ providerRef: 'sim_pi_nope', amount: 1n, idempotencyKey: randomUUID() })).rejects.toThrow(/unknown/i);
  });
});

describe('SimulatorProvider delivery', () => {
  it('retries a delivery answered with 500, with the same event', async () => {
    receiver.answer = (n) => (n === 1 ? 500 : 200);
    const provider = simulator();
    const { providerRef } = await provider.createIntent(intentRequest('sim_success'));
    const [refused, retried] = (await waitForDeliveries(providerRef, 3)) as [Delivery, Delivery];
    expect(typesOf(providerRef)).toEqual(['payment.authorized', 'payment.authorized', 'payment.captured']);
    expect(retried.body.equals(refused.body)).toBe(true);
    expect(provider.parseWebhook(retried.body, retried.headers)[0]!.eventId).toBe(refused.event.id);
  });

  it('gives up after its retries and says so at warn', async () => {
    receiver.answer = () => 503;
    const provider = simulator({ retryDelaysMs: [10, 10] });
    const { providerRef } = await provider.createIntent(intentRequest('sim_decline'));
    await waitForDeliveries(providerRef, 3);
    await vi.waitFor(() => expect(logLines).toHaveLength(1), { timeout: 3_000, interval: 10 });
    expect(JSON.parse(logLines[0]!)).toMatchObject({ level: 'warn', eventType: 'payment.failed', attempts: 3, failure: 'HTTP 503' });
    expect(deliveriesOf(providerRef)).toHaveLength(3);
  });

  it('stop() cancels what is scheduled and leaves no timers behind', async () => {
    const timeouts = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timeouts();
    const waiting = simulator({ delayMs: 60_000 });
    const { providerRef } = await waiting.createIntent(intentRequest('sim_success'));
    expect(timeouts()).toBeGreaterThan(before);
    await waiting.stop();
    expect(timeouts()).toBe(before);

    // A retry waiting a minute ends too, and stop() does not wait for it.
    receiver.answer = () => 500;
    const retrying = simulator({ retryDelaysMs: [60_000] });
    const second = await retrying.createIntent(intentRequest('sim_success'));
    await waitForDeliveries(second.providerRef, 1);
    const started = Date.now();
    await retrying.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(timeouts()).toBe(before);
    expect(deliveriesOf(providerRef)).toEqual([]);
  });
});

describe('SimulatorProvider.parseWebhook', () => {
  const NOW = 1_800_000_000_000;
  const event = (type: string, data: Record<string, unknown> = { intentId: 'sim_pi_1', amount: '500', currency: 'EUR' }) =>
    JSON.stringify({ id: 'evt_1', type, created: NOW / 1000, data });
  const headers = (body: string, secret = SECRET, nowMs = NOW) => ({ 'simulator-signature': signSimulatorPayload(body, secret, nowMs) });

  it('maps a refund and ignores unknown event types', () => {
    const provider = simulator();
    const refund = event('refund.succeeded', { intentId: 'sim_pi_1', amount: '500', currency: 'EUR', refundId: 'sim_re_1' });
    expect(provider.parseWebhook(Buffer.from(refund), headers(refund), NOW)).toEqual([
      expect.objectContaining({ eventId: 'evt_1', providerRef: 'sim_pi_1', type: 'REFUNDED', amount: 500n, refundRef: 'sim_re_1', occurredAt: new Date(NOW) }),
    ]);
    const unknown = event('payment.disputed');
    expect(provider.parseWebhook(Buffer.from(unknown), headers(unknown), NOW)).toEqual([]);
  });

  it('refuses forged, stale, unsigned or malformed signatures with 401', () => {
    const provider = simulator();
    const body = event('payment.captured');
    const raw = Buffer.from(body);
    expect(rejection(() => provider.parseWebhook(raw, headers(body, 'whsec_forger'), NOW))).toMatchObject({ status: 401, reason: 'signature does not match' });
    expect(rejection(() => provider.parseWebhook(Buffer.from(body.replace('500', '5000')), headers(body), NOW)).status).toBe(401);
    expect(rejection(() => provider.parseWebhook(raw, headers(body), NOW + 301_000))).toMatchObject({ status: 401, reason: 'stale timestamp' });
    expect(provider.parseWebhook(raw, headers(body), NOW + 300_000)).toHaveLength(1);
    expect(rejection(() => simulator({ toleranceSeconds: 10 }).parseWebhook(raw, headers(body), NOW + 11_000)).reason).toBe('stale timestamp');
    expect(rejection(() => provider.parseWebhook(raw, {}, NOW))).toMatchObject({ status: 401, reason: 'missing signature header' });
    expect(rejection(() => provider.parseWebhook(raw, { 'simulator-signature': 'v1=abc' }, NOW))).toMatchObject({
      status: 401,
      reason: 'malformed signature header',
    });
  });

  it('refuses a correctly signed body that is not JSON or not a simulator event with 400', () => {
    const provider = simulator();
    for (const body of [
      'not json',
      '[]',
      JSON.stringify({ id: 'evt_1', type: 'payment.captured' }),
      event('payment.captured', { intentId: 'sim_pi_1', amount: '5.00', currency: 'EUR' }),
      event('payment.failed'),
      event('refund.succeeded'),
    ]) {
      expect(rejection(() => provider.parseWebhook(Buffer.from(body), headers(body), NOW)).status, body).toBe(400);
    }
  });
});
