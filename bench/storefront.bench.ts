/**
 * Storefront reads through the whole running supergraph ("scenario B" of the gateway
 * performance work): what a shop's pages cost end to end, and how much of that is the
 * gateway itself.
 *
 *   npm run build && npx vitest run --config bench/vitest.config.mts bench/storefront.bench.ts
 *
 * Starts the stack with per-run databases, Redis keys and streams (dropped afterwards), on
 * 127.0.0.1 only, and seeds it through the public API as a shop would be: the run's admin
 * (registered, email verified, signed in) creates 4 categories and 50 ACTIVE products with
 * stock; a customer with an address places 5 orders of 2–4 lines and pays 3 of them with
 * the payment simulator (`sim_success`, captured through its webhook). Then, each for
 * BENCH_SECONDS (default 5) with BENCH_CONCURRENCY requests in flight (default 8; closed
 * loop: every worker sends its next request when the previous answer is read), over Node's
 * fetch (undici, keep-alive):
 *   - product listing: an anonymous catalog page of 24 products with price, stock
 *     (`inStock`: `inventory` is STAFF/ADMIN only) and category, through the gateway;
 *   - customer orders: `myOrders` with lines, each line's product (products subgraph) and
 *     the order's payment (payments subgraph), with the customer's bearer token;
 *   - gateway overhead: a catalog page the products subgraph answers alone (checked with
 *     the federation query planner: one fetch, to products), sent through the gateway and
 *     straight to the products subgraph with an `x-shop-gateway` signature made exactly as
 *     the gateway makes it (same subgraph operation, same body bytes signed), alternating
 *     in BENCH_ROUNDS rounds (default 10) so machine noise falls on both, one request at a
 *     time (BENCH_OVERHEAD_CONCURRENCY, default 1) so the difference is the gateway's own
 *     work rather than queueing for this machine's two cores;
 *   - the hop alone: the same signed request through a bare pass-through proxy in its own
 *     process (bench/pass-through-proxy.ts), in the same rounds: what any extra process
 *     between client and subgraph costs on this machine, so the gateway's own work is the
 *     gateway's overhead minus this.
 * Prints requests, RPS, p50 and p99 per case, and the overheads of the gateway and of the
 * bare hop over the direct call at p50 and p99.
 * Asserts only that every response was right (HTTP 200, no errors, the expected shape),
 * never speed. Bounded in time: start-up and seeding (well under 30 s), 5 s of checked
 * warm-up, then 5 × BENCH_SECONDS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type QueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GATEWAY_SIGNATURE_HEADER, openGatewayEnvelope, sealGatewayEnvelope } from '#kernel';
import { repoRoot } from '../scripts/repo-root';
import type { Stack } from '../scripts/start';
import { startBenchStack, type BenchStack } from './support/bench-stack';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Math.max(2, Number(process.env.BENCH_ROUNDS ?? 10));
/**
 * Requests in flight while measuring the overhead; default 1, so the difference is the
 * gateway's own work per request rather than queueing for this machine's cores.
 */
const OVERHEAD_CONCURRENCY = Number(process.env.BENCH_OVERHEAD_CONCURRENCY ?? 1);
const CATEGORIES = 4;
const PRODUCTS = 50;
const ORDERS = 5;
const PAID_ORDERS = 3;
const PAGE = 24;
const OVERHEAD_PAGE = 20;

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken user { id roles } } }`;
const VERIFY_EMAIL = `mutation ($token: String!) { verifyEmail(token: $token) { id } }`;
const CREATE_CATEGORY = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`;
const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const ADJUST_INVENTORY = `mutation ($productId: ID!, $delta: Int!, $reason: String!) { adjustInventory(productId: $productId, delta: $delta, reason: $reason) { onHand } }`;
const ADD_ADDRESS = `mutation ($input: AddressInput!) { addAddress(input: $input) { id } }`;
const PLACE_ORDER = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;
const CREATE_PAYMENT = `mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { id status } }`;

/** A storefront catalog page, as an anonymous shopper's browser asks for it. */
const PRODUCT_LISTING = /* GraphQL */ `
  query StorefrontListing($first: Int!) {
    products(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id slug name price { amount currency } inStock category { id slug name } } }
    }
  }`;

/** The customer's order history page: three subgraphs (orders, products for the lines, payments). */
const CUSTOMER_ORDERS = /* GraphQL */ `
  query CustomerOrders($first: Int!) {
    myOrders(first: $first) {
      pageInfo { hasNextPage }
      edges {
        node {
          id status createdAt
          total { amount currency }
          lines { productName quantity unitPrice { amount currency } subtotal { amount currency } product { id slug name price { amount currency } } }
          payment { id status amount { amount currency } }
        }
      }
    }
  }`;

/** A catalog page only the products subgraph answers (checked against the query plan below). */
const CATALOG_PAGE = /* GraphQL */ `
  query CatalogPage($first: Int!) {
    products(first: $first) { edges { node { id slug name price { amount currency } } } }
  }`;

let bench: BenchStack | undefined;
let stack: Stack;
let env: Record<string, string>;
let proxy: ChildProcess | undefined;
let customerToken: string;
let seedSeconds = 0;

interface GraphQLBody {
  data?: any;
  errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
}

async function call(query: string, variables: Record<string, unknown>, who: { token?: string; ip: string }): Promise<GraphQLBody> {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': who.ip, ...(who.token && { authorization: `Bearer ${who.token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLBody;
}

/** The `field` of a mutation's answer, or an error naming the step and the GraphQL errors. */
async function must(step: string, query: string, variables: Record<string, unknown>, who: { token?: string; ip: string }, field: string): Promise<any> {
  const result = await call(query, variables, who);
  const value = result.data?.[field];
  if (!value) throw new Error(`${step} failed: ${JSON.stringify(result.errors)}`);
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until it returns something truthy or `timeoutMs` passes; returns the last value. */
async function eventually<T>(read: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/** The `?token=` of the newest mail to `to` whose subject matches (the run's auth writes mail as JSON files to MAIL_DIR). */
async function mailedToken(to: string, subject: RegExp): Promise<string> {
  const text = await eventually(async () => {
    if (!existsSync(env.MAIL_DIR!)) return undefined;
    const mails = readdirSync(env.MAIL_DIR!)
      .sort()
      .reverse()
      .map((file) => JSON.parse(readFileSync(join(env.MAIL_DIR!, file), 'utf8')) as { to: { address: string }[]; subject: string; text: string })
      .filter((mail) => mail.to.some((recipient) => recipient.address === to) && subject.test(mail.subject));
    return mails[0]?.text;
  }, 10_000);
  const token = text && /\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no confirmation mail with a token link for ${to}`);
  return token;
}

/** The run's admin (AUTH_ADMIN_EMAILS), registered, verified and signed in: ADMIN may create catalog and stock. */
async function signInAdmin(): Promise<{ token: string; ip: string }> {
  const ip = '10.88.0.1';
  const email = env.AUTH_ADMIN_EMAILS!;
  const password = `Admin-${randomBytes(8).toString('hex')}`;
  await must('admin registration', REGISTER, { input: { email, password, name: 'Bench Admin' } }, { ip }, 'register');
  await must('admin email verification', VERIFY_EMAIL, { token: await mailedToken(email, /confirm your email/i) }, { ip }, 'verifyEmail');
  const session = await must('admin login', LOGIN, { input: { email, password } }, { ip }, 'login');
  if (!session.user.roles.includes('ADMIN')) throw new Error(`${email} did not become ADMIN: ${session.user.roles.join(', ')}`);
  return { token: session.accessToken as string, ip };
}

/** Categories and stocked, ACTIVE products, created by the admin through the gateway. */
async function seedCatalog(admin: { token: string; ip: string }): Promise<string[]> {
  const categoryIds: string[] = [];
  for (const name of ['Kitchen', 'Garden', 'Office', 'Lighting'].slice(0, CATEGORIES)) {
    const slug = `${name.toLowerCase()}-${randomBytes(3).toString('hex')}`;
    categoryIds.push((await must('createCategory', CREATE_CATEGORY, { input: { name, slug } }, admin, 'createCategory')).id);
  }
  const productIds: string[] = [];
  for (let start = 0; start < PRODUCTS; start += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, PRODUCTS - start) }, async (_, offset) => {
        const index = start + offset;
        const slug = `storefront-${index}-${randomBytes(3).toString('hex')}`;
        const input = {
          name: `Storefront item ${index}`,
          slug,
          description: `Item ${index} of the storefront benchmark: sturdy, useful and reasonably priced.`,
          price: { amount: 990 + index * 135, currency: 'USD' },
          categoryId: categoryIds[index % categoryIds.length],
          status: 'ACTIVE',
        };
        const { id } = await must('createProduct', CREATE_PRODUCT, { input }, admin, 'createProduct');
        const delta = 200 + index;
        const { onHand } = await must('adjustInventory', ADJUST_INVENTORY, { productId: id, delta, reason: 'storefront benchmark stock' }, admin, 'adjustInventory');
        if (onHand !== delta) throw new Error(`adjustInventory left ${onHand} on hand, not ${delta}`);
        return id as string;
      }),
    );
    productIds.push(...batch);
  }
  return productIds;
}

/** A customer with an address, ORDERS orders of 2–4 lines, PAID_ORDERS of them paid (captured by the simulator). */
async function seedCustomer(productIds: string[]): Promise<string> {
  const ip = '10.88.0.2';
  const email = `shopper-${randomBytes(5).toString('hex')}@bench.test`;
  const { accessToken: token } = await must(
    'customer registration',
    REGISTER,
    { input: { email, password: `Shopper-${randomBytes(8).toString('hex')}`, name: 'Bench Shopper' } },
    { ip },
    'register',
  );
  const customer = { token: token as string, ip };
  // The profile the address belongs to is created from auth's user.registered event, moments later.
  let addressId: string | undefined;
  for (let attempt = 0; !addressId; attempt++) {
    const address = await call(ADD_ADDRESS, { input: { recipientName: 'Bench Shopper', line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', countryCode: 'DE' } }, customer);
    addressId = address.data?.addAddress?.id;
    if (!addressId && attempt === 50) throw new Error(`addAddress failed: ${JSON.stringify(address.errors)}`);
    if (!addressId) await sleep(100);
  }
  const orderIds: string[] = [];
  for (let order = 0; order < ORDERS; order++) {
    const lines = Array.from({ length: 2 + (order % 3) }, (_, line) => ({ productId: productIds[(order * 7 + line * 11) % productIds.length]!, quantity: 1 + (line % 2) }));
    const placed = await must('placeOrder', PLACE_ORDER, { input: { lines, shippingAddressId: addressId, idempotencyKey: randomUUID() } }, customer, 'placeOrder');
    if (placed.status !== 'PENDING_PAYMENT') throw new Error(`placeOrder left the order ${placed.status}`);
    orderIds.push(placed.id);
  }
  for (const orderId of orderIds.slice(0, PAID_ORDERS)) {
    await must('createPayment', CREATE_PAYMENT, { input: { orderId, method: 'CARD', paymentToken: 'sim_success', idempotencyKey: randomUUID() } }, customer, 'createPayment');
  }
  // The simulator captures through its webhook; the orders domain then marks the order PAID.
  const settled = await eventually(async () => {
    const result = await call(CUSTOMER_ORDERS, { first: 20 }, customer);
    const nodes: any[] = result.data?.myOrders?.edges?.map((edge: any) => edge.node) ?? [];
    return nodes.filter((node) => node.status === 'PAID' && node.payment?.status === 'CAPTURED').length === PAID_ORDERS;
  }, 30_000);
  if (!settled) throw new Error(`${PAID_ORDERS} orders were not PAID with a CAPTURED payment within 30 s`);
  return customer.token;
}

beforeAll(async () => {
  // Long enough that no unpaid order is cancelled by the payment-window sweep during the run.
  bench = await startBenchStack('storefront', { ORDER_PAYMENT_WINDOW_SECONDS: '3600' });
  ({ stack, env } = bench);
  const started = performance.now();
  const admin = await signInAdmin();
  const productIds = await seedCatalog(admin);
  customerToken = await seedCustomer(productIds);
  seedSeconds = (performance.now() - started) / 1000;
}, 300_000);

afterAll(async () => {
  proxy?.kill();
  await bench?.stop();
});

/** Starts bench/pass-through-proxy.ts (compiled) in front of `targetUrl`; resolves with its URL. */
async function startPassThroughProxy(targetUrl: string): Promise<string> {
  const script = join(repoRoot(), 'dist', 'bench', 'pass-through-proxy.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [script], { env: { ...process.env, TARGET_URL: targetUrl }, stdio: ['ignore', 'pipe', 'inherit'] });
  proxy = child;
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the pass-through proxy exited (code ${code})`)));
  });
}

/** The fetches the gateway's query planner makes for `query`, flattened. */
function plannedFetches(query: string): FetchNode[] {
  const supergraph = Supergraph.build(readFileSync(join(repoRoot(), 'supergraph.graphql'), 'utf8'));
  const plan = new QueryPlanner(supergraph).buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse(query)));
  const fetches: FetchNode[] = [];
  const walk = (node: QueryPlan['node']): void => {
    if (!node) return;
    if (node.kind === 'Fetch') fetches.push(node);
    else if (node.kind === 'Sequence' || node.kind === 'Parallel') node.nodes.forEach(walk);
    else if (node.kind === 'Flatten') walk(node.node);
    else throw new Error(`unexpected plan node ${node.kind}`);
  };
  walk(plan.node);
  return fetches;
}

/** One kind of request: where it goes, its exact body, its headers (made per request) and the check of its data. */
interface Target {
  url: string;
  body: string;
  headers: () => Record<string, string>;
  /** Undefined when the data is right, else what is wrong. */
  check: (data: any) => string | undefined;
}

interface Tally {
  latencies: number[];
  failures: number;
  failureSamples: string[];
  busyMs: number;
}

const newTally = (): Tally => ({ latencies: [], failures: 0, failureSamples: [], busyMs: 0 });

/** Sends one request and reads the whole answer; the latency covers the response body, not its JSON parsing. */
async function once(target: Target, tally: Tally): Promise<void> {
  const started = performance.now();
  let failure: string | undefined;
  try {
    const response = await fetch(target.url, { method: 'POST', headers: target.headers(), body: target.body });
    const text = await response.text();
    tally.latencies.push(performance.now() - started);
    if (response.status !== 200) failure = `HTTP ${response.status}: ${text.slice(0, 300)}`;
    else {
      const body = JSON.parse(text) as GraphQLBody;
      failure = body.errors ? `errors: ${JSON.stringify(body.errors).slice(0, 300)}` : target.check(body.data);
    }
  } catch (error) {
    failure = `request failed: ${(error as Error).message}`;
  }
  if (failure) {
    tally.failures++;
    if (tally.failureSamples.length < 3) tally.failureSamples.push(failure);
  }
}

/** `workers` closed-loop workers sending `target` for `ms`. */
async function drive(target: Target, ms: number, tally: Tally, workers = CONCURRENCY): Promise<void> {
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) await once(target, tally);
    }),
  );
  tally.busyMs += performance.now() - started;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

function summary(tally: Tally) {
  const sorted = [...tally.latencies].sort((a, b) => a - b);
  return { requests: tally.latencies.length, rps: tally.latencies.length / (tally.busyMs / 1000), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const edgesOf = (connection: any): any[] | undefined => (Array.isArray(connection?.edges) ? connection.edges.map((edge: any) => edge?.node) : undefined);

function checkListing(data: any): string | undefined {
  const nodes = edgesOf(data?.products);
  if (!nodes || nodes.length !== PAGE) return `expected ${PAGE} products, got ${nodes?.length}`;
  if (data.products.totalCount !== PRODUCTS) return `expected totalCount ${PRODUCTS}, got ${data.products.totalCount}`;
  const wrong = nodes.find((node) => !node?.id || !node.name || typeof node.price?.amount !== 'number' || node.inStock !== true || !node.category?.name);
  return wrong ? `product without price, stock or category: ${JSON.stringify(wrong)}` : undefined;
}

function checkOrders(data: any): string | undefined {
  const nodes = edgesOf(data?.myOrders);
  if (!nodes || nodes.length !== ORDERS) return `expected ${ORDERS} orders, got ${nodes?.length}`;
  for (const node of nodes) {
    if (!Array.isArray(node?.lines) || node.lines.length < 2) return `order without its lines: ${JSON.stringify(node)}`;
    if (node.lines.some((line: any) => !line?.product?.id || !line.product.name || typeof line.product.price?.amount !== 'number')) return `line without its product: ${JSON.stringify(node)}`;
  }
  const paid = nodes.filter((node) => node.status === 'PAID' && node.payment?.status === 'CAPTURED' && node.payment.amount?.amount === node.total?.amount);
  const unpaid = nodes.filter((node) => node.status === 'PENDING_PAYMENT' && node.payment === null);
  return paid.length === PAID_ORDERS && unpaid.length === ORDERS - PAID_ORDERS ? undefined : `expected ${PAID_ORDERS} paid and ${ORDERS - PAID_ORDERS} unpaid orders: ${JSON.stringify(nodes.map((node) => [node.status, node.payment]))}`;
}

function checkCatalog(data: any): string | undefined {
  const nodes = edgesOf(data?.products);
  if (!nodes || nodes.length !== OVERHEAD_PAGE) return `expected ${OVERHEAD_PAGE} products, got ${nodes?.length}`;
  const wrong = nodes.find((node) => !node?.id || !node.slug || !node.name || typeof node.price?.amount !== 'number');
  return wrong ? `incomplete product: ${JSON.stringify(wrong)}` : undefined;
}

it('prints storefront read latency through the gateway and the gateway overhead against a direct subgraph call', async () => {
  // What the gateway plans: the listing and the catalog page go to products alone, the order history to three subgraphs.
  expect(plannedFetches(PRODUCT_LISTING).map((fetch) => fetch.serviceName)).toEqual(['products']);
  expect(new Set(plannedFetches(CUSTOMER_ORDERS).map((fetch) => fetch.serviceName))).toEqual(new Set(['orders', 'products', 'payments']));
  const [catalogFetch, ...others] = plannedFetches(CATALOG_PAGE);
  expect(others).toEqual([]);
  expect(catalogFetch!.serviceName).toBe('products');

  const gatewayHeaders = (ip: string, token?: string) => () => ({ 'content-type': 'application/json', 'x-forwarded-for': ip, ...(token && { authorization: `Bearer ${token}` }) });
  const listing: Target = { url: stack.gatewayUrl, body: JSON.stringify({ query: PRODUCT_LISTING, variables: { first: PAGE } }), headers: gatewayHeaders('10.88.1.1'), check: checkListing };
  const orders: Target = {
    url: stack.gatewayUrl,
    body: JSON.stringify({ query: CUSTOMER_ORDERS, variables: { first: 20 } }),
    headers: gatewayHeaders('10.88.0.2', customerToken),
    check: checkOrders,
  };
  const viaGateway: Target = { url: stack.gatewayUrl, body: JSON.stringify({ query: CATALOG_PAGE, variables: { first: OVERHEAD_PAGE } }), headers: gatewayHeaders('10.88.1.2'), check: checkCatalog };
  // The request the gateway sends products for CATALOG_PAGE: the planned subgraph operation,
  // serialised as the gateway's SubgraphDataSource does (the request minus `http`), signed over these
  // exact bytes for an anonymous caller at the same address, with a fresh timestamp each time.
  const directBody = JSON.stringify({ query: catalogFetch!.operation, variables: { first: OVERHEAD_PAGE }, operationName: catalogFetch!.operationName });
  const direct: Target = {
    url: env.PRODUCTS_URL!,
    body: directBody,
    headers: () => ({
      'content-type': 'application/json',
      [GATEWAY_SIGNATURE_HEADER]: sealGatewayEnvelope(openGatewayEnvelope({ identity: null, clientIp: '10.88.1.2' }), directBody, env.GATEWAY_SECRET!),
    }),
    check: checkCatalog,
  };
  // The same signed request through a process that only passes it on: the cost of the hop itself.
  const viaProxy: Target = { ...direct, url: await startPassThroughProxy(env.PRODUCTS_URL!) };

  // Warm-up: connection pools, JIT, query plans, prepared statements, caches. Checked too.
  const warmUp = newTally();
  for (const target of [listing, orders, viaGateway, direct, viaProxy]) await drive(target, 1_000, warmUp);
  expect(warmUp.failureSamples).toEqual([]);

  const tallies = { listing: newTally(), orders: newTally(), viaGateway: newTally(), direct: newTally(), viaProxy: newTally() };
  await drive(listing, SECONDS * 1000, tallies.listing);
  await drive(orders, SECONDS * 1000, tallies.orders);
  // Gateway, direct and bare hop take turns in short rounds (in a different order each round), so all see the same machine.
  const turns: [Target, Tally][] = [
    [viaGateway, tallies.viaGateway],
    [direct, tallies.direct],
    [viaProxy, tallies.viaProxy],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [target, tally] of [...turns.slice(round % 3), ...turns.slice(0, round % 3)]) await drive(target, (SECONDS * 1000) / ROUNDS, tally, OVERHEAD_CONCURRENCY);
  }

  const rows: [string, Tally][] = [
    [`product listing (${PAGE}/page, anonymous)`, tallies.listing],
    [`customer orders (${ORDERS}, lines+payment)`, tallies.orders],
    [`catalog page via gateway`, tallies.viaGateway],
    [`catalog page direct to products`, tallies.direct],
    [`catalog page via a bare proxy`, tallies.viaProxy],
  ];
  const figures = rows.map(([name, tally]) => ({ name, ...summary(tally) }));
  const gateway = summary(tallies.viaGateway);
  const directFigures = summary(tallies.direct);
  const hop = summary(tallies.viaProxy);
  const ms = (value: number) => value.toFixed(2).padStart(8);
  console.log(
    [
      '',
      `storefront reads through the whole stack: ${CONCURRENCY} requests in flight, ${SECONDS} s per case, gateway/direct/bare proxy taking turns in ${ROUNDS} rounds at ${OVERHEAD_CONCURRENCY} in flight; seeded in ${seedSeconds.toFixed(1)} s (this machine: ${process.env.BENCH_MACHINE ?? 'unnamed'})`,
      `  ${'case'.padEnd(38)}${'requests'.padStart(9)}${'RPS'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`,
      ...figures.map((row) => `  ${row.name.padEnd(38)}${String(row.requests).padStart(9)}${row.rps.toFixed(0).padStart(8)} ${ms(row.p50)} ${ms(row.p99)}`),
      `  gateway overhead at p50: ${(gateway.p50 - directFigures.p50).toFixed(2)} ms (gateway p50 ${gateway.p50.toFixed(2)} ms vs direct ${directFigures.p50.toFixed(2)} ms); ` +
        `at p99: ${(gateway.p99 - directFigures.p99).toFixed(2)} ms (${gateway.p99.toFixed(2)} vs ${directFigures.p99.toFixed(2)} ms)`,
      `  the hop alone (bare proxy) at p50: ${(hop.p50 - directFigures.p50).toFixed(2)} ms, at p99: ${(hop.p99 - directFigures.p99).toFixed(2)} ms; ` +
        `the gateway's own work over the hop at p50: ${(gateway.p50 - hop.p50).toFixed(2)} ms`,
      '',
    ].join('\n'),
  );

  for (const [name, tally] of rows) expect({ name, failures: tally.failures, samples: tally.failureSamples }).toEqual({ name, failures: 0, samples: [] });
  for (const row of figures) expect(row.requests).toBeGreaterThan(0);
}, 600_000);
