import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from '#kernel';
import {
  ProviderRefused,
  WebhookRejected,
  type CreateIntentRequest,
  type PaymentProvider,
  type ProviderEvent,
  type ProviderIntent,
  type ProviderPaymentState,
  type ProviderPaymentStatus,
  type ProviderRefund,
  type RefundRequest,
} from './payment-provider';
import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, isRecord, parseWebhookJson, signWebhookPayload, verifyWebhookSignature } from './webhook-signature';

/** Options of {@link SimulatorProvider}. */
export interface SimulatorProviderOptions {
  /** The subgraph's client (keys auto-prefixed): the simulator's "database", shared by every payments process. */
  redis: Redis;
  /** Where webhooks are POSTed: the payments subgraph's own webhook endpoint. */
  webhookUrl: string;
  /** Signs and verifies webhooks. */
  secret: string;
  log: Logger;
  /** Largest distance between a delivery's signed timestamp and now; default 300 s. */
  toleranceSeconds?: number;
  /** How long after createIntent or refund the outcome is sent; default 50 ms. */
  delayMs?: number;
  /** Waits before each retry of a failed delivery (one retry per entry); default 100, 500, 2000 ms. */
  retryDelaysMs?: readonly number[];
}

/** The header carrying the signature, in Stripe's format (see webhook-signature.ts). */
export const SIMULATOR_SIGNATURE_HEADER = 'simulator-signature';

export type SimulatorEventType = 'payment.authorized' | 'payment.captured' | 'payment.failed' | 'refund.succeeded';

/** The JSON body of one webhook delivery. */
export interface SimulatorWebhookEvent {
  id: string;
  type: SimulatorEventType;
  /** Unix seconds. */
  created: number;
  data: { intentId: string; amount: string; currency: string; failureReason?: string; refundId?: string };
}

/** What a test token makes happen, like a PSP's test cards. */
interface Scenario {
  status: 'CAPTURED' | 'FAILED';
  events: SimulatorEventType[];
  copies: number;
}

const SCENARIOS: Record<string, Scenario> = {
  sim_success: { status: 'CAPTURED', events: ['payment.authorized', 'payment.captured'], copies: 1 },
  sim_decline: { status: 'FAILED', events: ['payment.failed'], copies: 1 },
  // Captured, but the webhooks are lost: only retrieve() tells.
  sim_timeout: { status: 'CAPTURED', events: [], copies: 1 },
  sim_duplicate: { status: 'CAPTURED', events: ['payment.authorized', 'payment.captured'], copies: 2 },
  sim_out_of_order: { status: 'CAPTURED', events: ['payment.captured', 'payment.authorized'], copies: 1 },
};

/** The simulator's record of an intent; amounts are decimal strings of minor units. */
interface StoredIntent {
  ref: string;
  amount: string;
  currency: string;
  status: ProviderPaymentStatus;
  captured: string;
  refunded: string;
  failureReason: string | null;
  /** By the caller's idempotency key. */
  refunds: Record<string, { refundRef: string; amount: string }>;
}

const KEY_TTL_SECONDS = 7 * 24 * 60 * 60;
const DELIVERY_TIMEOUT_MS = 5_000;
const DEFAULT_RETRY_DELAYS_MS = [100, 500, 2_000];
const intentKey = (ref: string) => `payments:simulator:intent:${ref}`;
const idempotencyKey = (key: string) => `payments:simulator:key:${key}`;
const randomId = () => randomBytes(12).toString('hex');

// Writes the new JSON only if nobody changed the record since it was read: concurrent
// refunds from several processes cannot both spend the same captured amount.
const COMPARE_AND_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0`;

/**
 * The built-in provider, behaving like a real PSP for development and tests: its state
 * lives in Redis (its own database, so several payments processes agree), outcomes arrive
 * later as signed, retried webhooks, and `paymentToken` picks the story (`sim_success`,
 * `sim_decline`, `sim_timeout`, `sim_duplicate`, `sim_out_of_order`). Webhooks still
 * waiting when {@link stop} is called are dropped, as in a PSP outage; retrieve() keeps
 * telling the truth.
 */
export class SimulatorProvider implements PaymentProvider {
  readonly name = 'simulator';
  private readonly toleranceSeconds: number;
  private readonly delayMs: number;
  private readonly retryDelaysMs: readonly number[];
  /** Pending waits, each with the function that ends it early. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly jobs = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: SimulatorProviderOptions) {
    this.toleranceSeconds = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
    this.delayMs = options.delayMs ?? 50;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  async createIntent(request: CreateIntentRequest): Promise<ProviderIntent> {
    const scenario = SCENARIOS[request.paymentToken ?? 'sim_success'];
    // The token itself stays out of the message: it may be logged.
    if (!scenario) throw new ProviderRefused(`Unknown simulator payment token; use one of ${Object.keys(SCENARIOS).join(', ')}`);
    if (request.amount <= 0n) throw new ProviderRefused('The amount must be positive');

    const { redis } = this.options;
    const intent: StoredIntent = {
      ref: `sim_pi_${randomId()}`,
      amount: String(request.amount),
      currency: request.currency,
      status: 'PENDING',
      captured: '0',
      refunded: '0',
      failureReason: null,
      refunds: {},
    };
    // The intent is stored before the key that points at it, so a key never points nowhere.
    await redis.set(intentKey(intent.ref), JSON.stringify(intent), 'EX', KEY_TTL_SECONDS);
    if ((await redis.set(idempotencyKey(request.idempotencyKey), intent.ref, 'EX', KEY_TTL_SECONDS, 'NX')) !== 'OK') {
      await redis.del(intentKey(intent.ref));
      const earlierRef = await redis.get(idempotencyKey(request.idempotencyKey));
      const earlier = earlierRef === null ? null : await this.load(earlierRef);
      if (!earlier || earlier.amount !== intent.amount || earlier.currency !== intent.currency) {
        throw new ProviderRefused('This idempotency key was already used for a different request');
      }
      return { providerRef: earlier.ref, status: earlier.status };
    }
    this.schedule(() => this.settle(intent.ref, scenario));
    return { providerRef: intent.ref, status: 'PENDING' };
  }

  async refund(request: RefundRequest): Promise<ProviderRefund> {
    if (request.amount <= 0n) throw new ProviderRefused('The refund amount must be positive');
    const key = request.idempotencyKey;
    const keyOwner = await this.options.redis.get(idempotencyKey(key));
    const outcome = await this.update(request.providerRef, (intent) => {
      const earlier = intent.refunds[key];
      if (earlier) {
        if (earlier.amount !== String(request.amount)) throw new ProviderRefused('This idempotency key was already used for a different refund');
        return { result: { refund: earlier, intent, created: false } };
      }
      if (keyOwner !== null) throw new ProviderRefused('This idempotency key was already used for a different request');
      if (intent.status !== 'CAPTURED') throw new ProviderRefused('The payment is not captured, so nothing can be refunded');
      const refundable = BigInt(intent.captured) - BigInt(intent.refunded);
      if (request.amount > refundable) throw new ProviderRefused(`The refund of ${request.amount} exceeds the refundable ${refundable}`);
      const refund = { refundRef: `sim_re_${randomId()}`, amount: String(request.amount) };
      const next = { ...intent, refunded: String(BigInt(intent.refunded) + request.amount), refunds: { ...intent.refunds, [key]: refund } };
      return { next, result: { refund, intent: next, created: true } };
    });

    const { refund, intent } = outcome;
    if (outcome.created) {
      await this.options.redis.set(idempotencyKey(key), refund.refundRef, 'EX', KEY_TTL_SECONDS);
      this.schedule(() => this.deliver(this.event('refund.succeeded', intent, { amount: refund.amount, refundId: refund.refundRef })));
    }
    return { refundRef: refund.refundRef, amount: BigInt(refund.amount) };
  }

  async retrieve(providerRef: string): Promise<ProviderPaymentState> {
    const intent = await this.load(providerRef);
    if (!intent) throw new Error(`Unknown simulator payment ${providerRef}`);
    return {
      providerRef: intent.ref,
      status: intent.status,
      capturedAmount: BigInt(intent.captured),
      refundedAmount: BigInt(intent.refunded),
      failureReason: intent.failureReason,
    };
  }

  parseWebhook(rawBody: Buffer, headers: IncomingHttpHeaders, nowMs = Date.now()): ProviderEvent[] {
    const header = headers[SIMULATOR_SIGNATURE_HEADER];
    verifyWebhookSignature(rawBody, typeof header === 'string' ? header : undefined, this.options.secret, this.toleranceSeconds, nowMs);
    return toProviderEvents(parseWebhookJson(rawBody));
  }

  /** Cancels pending deliveries and retries, then waits for those in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [timer, end] of this.timers) {
      clearTimeout(timer);
      end();
    }
    this.timers.clear();
    while (this.jobs.size > 0) await Promise.all(this.jobs);
  }

  /** The PSP making up its mind: the final state first, then the webhooks that tell of it. */
  private async settle(ref: string, scenario: Scenario): Promise<void> {
    const intent = await this.update(ref, (current) => {
      if (current.status !== 'PENDING') return { result: null };
      const captured = scenario.status === 'CAPTURED';
      const next = { ...current, status: scenario.status, captured: captured ? current.amount : '0', failureReason: captured ? null : 'card_declined' };
      return { next, result: next };
    });
    if (!intent) return;
    for (const type of scenario.events) {
      const event = this.event(type, intent, type === 'payment.failed' ? { failureReason: intent.failureReason! } : {});
      for (let copy = 0; copy < scenario.copies; copy++) await this.deliver(event);
    }
  }

  private event(type: SimulatorEventType, intent: StoredIntent, extra: Partial<SimulatorWebhookEvent['data']>): SimulatorWebhookEvent {
    const data = { intentId: intent.ref, amount: intent.amount, currency: intent.currency, ...extra };
    return { id: `evt_${randomId()}`, type, created: Math.floor(Date.now() / 1000), data };
  }

  /** POSTs one event, retrying with backoff; each attempt is signed afresh, as Stripe does. */
  private async deliver(event: SimulatorWebhookEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 1; !this.stopped; attempt++) {
      const failure = await this.post(body);
      if (failure === null) return;
      const delay = this.retryDelaysMs[attempt - 1];
      if (delay === undefined) {
        this.options.log.warn({ eventId: event.id, eventType: event.type, attempts: attempt, failure }, 'simulator gave up delivering a webhook');
        return;
      }
      if (!(await this.wait(delay))) return;
    }
  }

  /** Null when delivered (2xx), otherwise why not. */
  private async post(body: string): Promise<string | null> {
    try {
      const response = await fetch(this.options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIMULATOR_SIGNATURE_HEADER]: signWebhookPayload(body, this.options.secret) },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** Runs `task` after delayMs without blocking the caller; {@link stop} waits for it. */
  private schedule(task: () => Promise<void>): void {
    if (this.stopped) return;
    const job: Promise<void> = (async () => {
      if (await this.wait(this.delayMs)) await task();
    })()
      .catch((error: unknown) => this.options.log.error({ err: error }, 'simulator job failed'))
      .finally(() => this.jobs.delete(job));
    this.jobs.add(job);
  }

  /** Resolves true after `ms`, or false at once when stopped (or stopping meanwhile). */
  private wait(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(true);
      }, ms);
      this.timers.set(timer, () => resolve(false));
    });
  }

  private async load(ref: string): Promise<StoredIntent | null> {
    const raw = await this.options.redis.get(intentKey(ref));
    return raw === null ? null : (JSON.parse(raw) as StoredIntent);
  }

  /** Read, decide, compare-and-set; decides again from fresh state when another writer got in between. */
  private async update<T>(ref: string, decide: (intent: StoredIntent) => { next?: StoredIntent; result: T }): Promise<T> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await this.options.redis.get(intentKey(ref));
      if (raw === null) throw new Error(`Unknown simulator payment ${ref}`);
      const { next, result } = decide(JSON.parse(raw) as StoredIntent);
      if (!next) return result;
      if ((await this.options.redis.eval(COMPARE_AND_SET, 1, intentKey(ref), raw, JSON.stringify(next), KEY_TTL_SECONDS)) === 1) return result;
    }
    throw new Error(`Simulator payment ${ref} is changing too often to update`);
  }
}

/** Signs a body as the simulator does: the `Simulator-Signature` value, for tests that forge or replay deliveries. */
export function signSimulatorPayload(body: string, secret: string, nowMs = Date.now()): string {
  return signWebhookPayload(body, secret, nowMs);
}

const AMOUNT = /^\d+$/;
const EVENT_TYPES = new Map<string, ProviderEvent['type']>([
  ['payment.authorized', 'AUTHORIZED'],
  ['payment.captured', 'CAPTURED'],
  ['payment.failed', 'FAILED'],
  ['refund.succeeded', 'REFUNDED'],
]);

/** One delivery's body as events; an unknown type is acknowledged and ignored. */
function toProviderEvents(body: unknown): ProviderEvent[] {
  if (!isRecord(body) || typeof body.id !== 'string' || typeof body.type !== 'string' || !Number.isInteger(body.created)) {
    throw new WebhookRejected(400, 'body is not a simulator event');
  }
  const type = EVENT_TYPES.get(body.type);
  if (!type) return [];
  const { data } = body;
  if (
    !isRecord(data) ||
    typeof data.intentId !== 'string' ||
    typeof data.amount !== 'string' ||
    !AMOUNT.test(data.amount) ||
    typeof data.currency !== 'string' ||
    (type === 'FAILED' && typeof data.failureReason !== 'string') ||
    (type === 'REFUNDED' && typeof data.refundId !== 'string')
  ) {
    throw new WebhookRejected(400, `${body.type} event without the data it needs`);
  }
  const carriesAmount = type === 'CAPTURED' || type === 'REFUNDED';
  return [
    {
      eventId: body.id,
      providerRef: data.intentId,
      type,
      amount: carriesAmount ? BigInt(data.amount) : null,
      refundRef: type === 'REFUNDED' ? (data.refundId as string) : null,
      failureReason: type === 'FAILED' ? (data.failureReason as string) : null,
      occurredAt: new Date((body.created as number) * 1000),
      raw: body,
    },
  ];
}
