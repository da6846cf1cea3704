/**
 * Subscription fan-out through the whole running supergraph: N clients subscribed to one
 * order's status on ONE gateway (graphql-ws), each subscription passing through to the
 * orders subgraph; then status events are published on the subject the orders outbox
 * publishes to, and the time from publish to each client's receipt is measured.
 *
 *   npm run build && npx vitest run --config bench/vitest.config.mts bench/subscriptions.bench.ts
 *
 * BENCH_SUBSCRIBERS (default "1000,5000"), BENCH_EVENTS per size (default 5),
 * BENCH_PER_CONNECTION subscriptions per socket (default 10), BENCH_FEDERATED=1 to select a
 * field another subgraph owns (the per-event plan then fetches it). Prints p50/p99/max latency
 * and the gateway's and orders' resident memory before and with the subscribers.
 * Asserts only that every subscriber got every event.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventStream, eventSubject, nextEventId } from '#kernel';
import type { Stack } from '../scripts/start';
import { startBenchStack, type BenchStack } from './support/bench-stack';
import { createConnection } from 'mariadb';
import { poolConfigFromUrl } from '#kernel';

const SIZES = (process.env.BENCH_SUBSCRIBERS ?? '1000,5000').split(',').map(Number);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5);
const PER_CONNECTION = Number(process.env.BENCH_PER_CONNECTION ?? 10);
/** BENCH_FEDERATED=1 also asks for fields other subgraphs own: one auth fetch per subscriber and event. */
const FEDERATED = process.env.BENCH_FEDERATED === '1';
const WATCH = FEDERATED
  ? `subscription ($id: ID) { orderStatusChanged(orderId: $id) { order { id status user { email } } change { to } } }`
  : `subscription ($id: ID) { orderStatusChanged(orderId: $id) { order { id status } change { to } } }`;

let bench: BenchStack | undefined;
let stack: Stack;
let env: Record<string, string>;
let nats: NatsConnection;
let token: string;
let userId: string;
let orderId: string;

async function call(query: string, variables: Record<string, unknown>, auth?: string) {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.99.0.1', ...(auth && { authorization: `Bearer ${auth}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

/** Resident memory of the stack's processes, in MiB, by entry point. */
function memory(): Record<string, number> {
  const lines = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'rss=,args='], { encoding: 'utf8' }).trim().split('\n');
  const byService: Record<string, number> = {};
  for (const line of lines) {
    const match = /^\s*(\d+)\s+.*dist\/(?:gateway|subgraphs\/(\w+))\/src\/main\.js/.exec(line);
    if (match) byService[match[2] ?? 'gateway'] = Math.round(Number(match[1]) / 1024);
  }
  return byService;
}

async function activeOnOrders(): Promise<number> {
  const health = (await (await fetch(env.ORDERS_URL!.replace(/\/graphql$/, '/health'))).json()) as { subscriptions: { active: number } };
  return health.subscriptions.active;
}

beforeAll(async () => {
  bench = await startBenchStack('subscriptions', { SUBSCRIPTIONS_PER_CONNECTION: String(PER_CONNECTION) });
  ({ stack, env } = bench);
  nats = await connect({ servers: env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const registered = await call(`mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, {
    input: { email: `bench-${randomBytes(4).toString('hex')}@bench.test`, password: `Bench-${randomBytes(8).toString('hex')}`, name: 'Bench' },
  });
  token = registered.data.register.accessToken;
  userId = registered.data.register.user.id;
  // One order of this customer, written straight into the run's orders database.
  orderId = randomUUID();
  const db = await createConnection({ ...poolConfigFromUrl(env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306'), database: `${env.DATABASE_PREFIX}_orders` });
  await db.query(
    `INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total_amount, currency, reservation_id, shipping_address, updated_at)
     VALUES (?, ?, ?, ?, 'PENDING_PAYMENT', 1000, 'USD', ?, JSON_OBJECT('recipientName', 'Bench'), NOW(3))`,
    [orderId, userId, orderId, '0'.repeat(64), randomUUID()],
  );
  await db.end();
}, 300_000);

afterAll(async () => {
  await nats?.drain();
  await bench?.stop();
});

/** Publishes a status change exactly as the orders outbox relay would. */
function publish(to: string): number {
  const { id, timestamp } = nextEventId();
  const data = { orderId, userId, from: 'PENDING_PAYMENT', to, reason: null, actor: { kind: 'SYSTEM', userId: null }, reservationId: orderId, changedAt: new Date(timestamp).toISOString() };
  nats.publish(eventSubject(eventStream(env.EVENTS_PREFIX!, 'orders'), 'order.status_changed'), JSON.stringify({ id, type: 'order.status_changed', occurredAt: data.changedAt, data }));
  return performance.now();
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

it('prints fan-out latency and memory for 1,000 and 5,000 subscribers on one gateway', async () => {
  const selection = FEDERATED ? 'orders fields + user.email from auth' : 'orders fields only';
  const lines = ['', `orderStatusChanged fan-out through one gateway (${selection}; ${PER_CONNECTION} subscriptions per socket; this machine: ${process.env.BENCH_MACHINE ?? 'unnamed'})`];
  for (const size of SIZES) {
    const idle = memory();
    const clients: Client[] = [];
    const received: number[][] = [];
    let expectedRound = -1;
    let roundStart = 0;
    for (let index = 0; index < size; index += PER_CONNECTION) {
      const client = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
      clients.push(client);
      for (let slot = 0; slot < PER_CONNECTION && index + slot < size; slot++) {
        client.subscribe(
          { query: WATCH, variables: { id: orderId } },
          {
            next: () => received[expectedRound]?.push(performance.now() - roundStart),
            error: (error) => console.error('subscription error', error),
            complete: () => {},
          },
        );
      }
    }
    const deadline = Date.now() + 120_000;
    while ((await activeOnOrders()) < size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await activeOnOrders()).toBe(size);
    const subscribed = memory();

    const latencies: number[] = [];
    for (let round = 0; round < EVENTS; round++) {
      received[round] = [];
      expectedRound = round;
      roundStart = publish(round % 2 ? 'PROCESSING' : 'PAID');
      const roundDeadline = Date.now() + 60_000;
      while (received[round]!.length < size && Date.now() < roundDeadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(received[round]!.length).toBe(size);
      latencies.push(...received[round]!);
    }
    latencies.sort((a, b) => a - b);
    lines.push(
      `  ${String(size).padStart(5)} subscribers, ${EVENTS} events: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
        `max ${latencies.at(-1)!.toFixed(1)} ms; RSS gateway ${idle.gateway} → ${subscribed.gateway} MiB, orders ${idle.orders} → ${subscribed.orders} MiB`,
    );
    await Promise.all(clients.map((client) => client.dispose()));
    const drained = Date.now() + 60_000;
    while ((await activeOnOrders()) > 0 && Date.now() < drained) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log([...lines, ''].join('\n'));
}, 900_000);
