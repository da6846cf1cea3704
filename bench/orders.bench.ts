/**
 * placeOrder throughput under contention, through the whole running supergraph (gateway
 * → orders → products and users over NATS → MariaDB), exactly as clients call it:
 *
 *   npm run build && npx vitest run --config bench/vitest.config.mts bench/orders.bench.ts
 *
 * Starts the stack with per-run databases, Redis keys and streams (dropped afterwards),
 * registers BENCH_CUSTOMERS customers (default 32), each with an address, and runs:
 *   - hot product: every customer orders 1 unit of the SAME product (plenty of stock) for
 *     BENCH_SECONDS (default 5): one inventory row takes every reservation;
 *   - spread: each customer orders its own product, for comparison;
 *   - scarce product: BENCH_SCARCE_STOCK units (default 100) and three times as many
 *     1-unit orders at once: how fast it sells out, and that it sells exactly its stock.
 * Prints orders/s, p50/p99 latency and refusals. Asserts correctness only (no oversell,
 * every response either an order or an expected refusal), never speed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createConnection } from 'mariadb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { poolConfigFromUrl } from '#kernel';
import type { Stack } from '../scripts/start';
import { startBenchStack, type BenchStack } from './support/bench-stack';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SCARCE_STOCK = Number(process.env.BENCH_SCARCE_STOCK ?? 100);

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`;
const ADD_ADDRESS = `mutation ($input: AddressInput!) { addAddress(input: $input) { id } }`;
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status total { amount } } }`;

interface Customer {
  token: string;
  addressId: string;
  ip: string;
}

let bench: BenchStack | undefined;
let stack: Stack;
let env: Record<string, string>;
let customers: Customer[];

async function call(query: string, variables: Record<string, unknown>, who: { token?: string; ip: string }) {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': who.ip, ...(who.token && { authorization: `Bearer ${who.token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string; reason?: string } }[] };
}

/** Products with stock, written straight into the run's products database (no admin account needed). */
async function seedProducts(count: number, stock: number): Promise<string[]> {
  const db = await createConnection({ ...poolConfigFromUrl(env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306'), database: `${env.DATABASE_PREFIX}_products` });
  try {
    const ids = Array.from({ length: count }, () => randomUUID());
    await db.batch(
      `INSERT INTO products (id, slug, name, description, price_amount, currency, status, updated_at) VALUES (?, ?, ?, 'Benchmark product', 1500, 'USD', 'ACTIVE', UTC_TIMESTAMP(3))`,
      ids.map((id) => [id, `bench-${id}`, `Bench ${id.slice(0, 8)}`]),
    );
    await db.batch(`INSERT INTO inventory (product_id, on_hand, reserved, low_stock_threshold, updated_at) VALUES (?, ?, 0, 0, UTC_TIMESTAMP(3))`, ids.map((id) => [id, stock]));
    return ids;
  } finally {
    await db.end();
  }
}

beforeAll(async () => {
  // Long enough that no order is cancelled by the unpaid-order sweep during the run.
  bench = await startBenchStack('orders', { ORDER_PAYMENT_WINDOW_SECONDS: '3600' });
  ({ stack, env } = bench);
  customers = [];
  // Registration hashes passwords (argon2id): a few at a time.
  for (let start = 0; start < CUSTOMERS; start += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, CUSTOMERS - start) }, async (_, index) => {
        const ip = `10.77.${Math.floor((start + index) / 250)}.${1 + ((start + index) % 250)}`;
        const email = `bench-${randomBytes(5).toString('hex')}@bench.test`;
        const registered = await call(REGISTER, { input: { email, password: `Bench-${randomBytes(8).toString('hex')}`, name: 'Bench' } }, { ip });
        const token = registered.data?.register?.accessToken as string;
        if (!token) throw new Error(`register failed: ${JSON.stringify(registered.errors)}`);
        // The profile the address belongs to is created from auth's user.registered event, moments later.
        for (let attempt = 0; ; attempt++) {
          const address = await call(ADD_ADDRESS, { input: { recipientName: 'Bench', line1: 'Main St 1', city: 'Berlin', postalCode: '10117', countryCode: 'DE' } }, { token, ip });
          if (address.data?.addAddress) return { token, ip, addressId: address.data.addAddress.id as string };
          if (attempt === 50) throw new Error(`addAddress failed: ${JSON.stringify(address.errors)}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }),
    );
    customers.push(...batch);
  }
}, 300_000);

afterAll(async () => {
  await bench?.stop();
});

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** One placeOrder; returns its latency and outcome ('placed', or the refusal's code/reason). */
async function place(customer: Customer, productId: string): Promise<{ latencyMs: number; outcome: string }> {
  const started = performance.now();
  const result = await call(PLACE, { input: { lines: [{ productId, quantity: 1 }], shippingAddressId: customer.addressId, idempotencyKey: randomUUID() } }, customer);
  const latencyMs = performance.now() - started;
  if (result.data?.placeOrder?.status === 'PENDING_PAYMENT') return { latencyMs, outcome: 'placed' };
  const error = result.errors?.[0]?.extensions;
  return { latencyMs, outcome: error?.reason ?? error?.code ?? 'unknown' };
}

/** Every customer places orders in a loop for SECONDS; `productFor` picks each one's product. */
async function sustained(productFor: (customerIndex: number) => string) {
  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  const started = performance.now();
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    customers.map(async (customer, index) => {
      while (Date.now() < deadline) {
        const { latencyMs, outcome } = await place(customer, productFor(index));
        latencies.push(latencyMs);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: (outcomes.get('placed') ?? 0) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), outcomes: Object.fromEntries(outcomes) };
}

it('prints placeOrder throughput for a hot product, spread products and a scarce product', async () => {
  const [hot] = await seedProducts(1, 1_000_000);
  const own = await seedProducts(CUSTOMERS, 1_000_000);
  // Warm-up: connection pools, JIT, prepared statements.
  await Promise.all(customers.slice(0, 4).map((customer) => place(customer, hot!)));

  const contended = await sustained(() => hot!);
  const spread = await sustained((index) => own[index]!);
  expect(Object.keys(contended.outcomes)).toEqual(['placed']);
  expect(Object.keys(spread.outcomes)).toEqual(['placed']);

  const [scarce] = await seedProducts(1, SCARCE_STOCK);
  const attempts = SCARCE_STOCK * 3;
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: attempts }, (_, index) => place(customers[index % customers.length]!, scarce!)));
  const soldOutMs = performance.now() - started;
  const placed = results.filter((result) => result.outcome === 'placed').length;
  const refused = results.filter((result) => result.outcome === 'OUT_OF_STOCK').length;
  expect(placed).toBe(SCARCE_STOCK);
  expect(refused).toBe(attempts - SCARCE_STOCK);
  const latencies = results.map((result) => result.latencyMs).sort((a, b) => a - b);

  const db = await createConnection({ ...poolConfigFromUrl(env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306'), database: `${env.DATABASE_PREFIX}_products` });
  const [stock] = await db.query('SELECT on_hand, reserved FROM inventory WHERE product_id = ?', [scarce]);
  await db.end();
  expect(stock).toEqual({ on_hand: SCARCE_STOCK, reserved: SCARCE_STOCK });

  console.log(
    [
      '',
      `placeOrder through the gateway, ${CUSTOMERS} customers in parallel, ${SECONDS} s per case (this machine: ${process.env.BENCH_MACHINE ?? 'unnamed'})`,
      `  hot product (one inventory row) : ${contended.perSecond.toFixed(0)} orders/s, p50 ${ms(contended.p50)}, p99 ${ms(contended.p99)}`,
      `  spread (a product per customer) : ${spread.perSecond.toFixed(0)} orders/s, p50 ${ms(spread.p50)}, p99 ${ms(spread.p99)}`,
      `  scarce product, ${SCARCE_STOCK} in stock, ${attempts} orders at once: sold out in ${ms(soldOutMs)}; ${placed} placed, ${refused} refused OUT_OF_STOCK, ` +
        `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}; stock after: on hand ${stock.on_hand}, reserved ${stock.reserved}`,
      '',
    ].join('\n'),
  );
}, 600_000);
