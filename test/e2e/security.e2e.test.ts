import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_SIGNATURE_HEADER, loadConfig, signGatewayRequest, subgraphEnv, type ForwardedCaller } from '#kernel';
import {
  AddAddressDocument,
  AdjustInventoryDocument,
  CreatePaymentDocument,
  CreateProductDocument,
  LoginDocument,
  OrderDocument,
  PlaceOrderDocument,
  ProductDocument,
  ProductsDocument,
  RegisterDocument,
  UpdateOrderStatusDocument,
} from '../../client/src';
import { LOGIN, randomIp, registerCustomer, uniqueEmail, type SignedIn } from '../support/accounts';
import { asAdmin, eventually } from '../support/admin';
import { errorCodes, testEnvironment, type GraphQLResult } from '../support/clients';
import { insertLargeOrders } from '../support/bulk-orders';
import { insertProduct } from '../support/fixtures';
import { BERLIN } from '../support/orders';
import { startProductionGateway, type ProductionGateway } from '../support/production-gateway';
import { asStaff } from '../support/staff';

/**
 * Every protection of the public endpoint, each shown refusing its attack, against a
 * gateway started as production runs it (NODE_ENV=production behind a proxy), plus the
 * subgraphs' own defences when the gateway is bypassed. The limits are the documented
 * defaults, set explicitly so each attack is built one step past them; the rate limit is
 * small so a flood is quick to show.
 */
const LIMITS = {
  MAX_QUERY_DEPTH: 12,
  MAX_ALIASES: 15,
  MAX_DIRECTIVES: 10,
  MAX_TOKENS: 2000,
  MAX_COST: 5000,
  MAX_ROOT_FIELDS: 10,
  MAX_DOCUMENT_BYTES: 20000,
};
const RATE_LIMIT = { GATEWAY_RATE_LIMIT_POINTS: 70, GATEWAY_RATE_LIMIT_WINDOW_SECONDS: 10 };
const ALLOWED_ORIGIN = 'https://shop.example';

let gateway: ProductionGateway;
beforeAll(async () => {
  gateway = await startProductionGateway({
    ...Object.fromEntries(Object.entries({ ...LIMITS, ...RATE_LIMIT }).map(([name, value]) => [name, String(value)])),
    CORS_ORIGINS: ALLOWED_ORIGIN,
  });
});
afterAll(() => gateway?.stop());

/** A raw HTTP exchange with the production gateway, for bodies and methods the helpers do not send. */
async function send(init: RequestInit & { search?: string; ip?: string }) {
  const { search = '', ip = randomIp(), ...request } = init;
  const response = await fetch(`${gateway.url}${search}`, {
    ...request,
    headers: { 'x-forwarded-for': ip, ...(request.headers as Record<string, string>) },
  });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

/** The one limit refusal a response must be: HTTP 400, OPERATION_LIMIT_EXCEEDED naming `limit` and its maximum, no data. */
function expectLimit(result: { status: number; data?: unknown; errors?: { extensions?: Record<string, any> }[] }, limit: string, max: number) {
  expect(result.status).toBe(400);
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['OPERATION_LIMIT_EXCEEDED']);
  expect(result.errors![0]!.extensions).toMatchObject({ limit, max });
}

const repeat = (count: number, make: (index: number) => string) => Array.from({ length: count }, (_, index) => make(index)).join(' ');

describe('operation limits refuse abusive documents before planning', () => {
  it('refuses a query nested deeper than MAX_QUERY_DEPTH', async () => {
    const depth = LIMITS.MAX_QUERY_DEPTH + 2;
    const query = `{ categories { ${'children { '.repeat(depth - 1)}id${' }'.repeat(depth - 1)} } }`;
    expectLimit(await gateway.call(query), 'depth', LIMITS.MAX_QUERY_DEPTH);
  });

  it('refuses an alias flood', async () => {
    const query = `{ products(first: 1) { edges { node { ${repeat(LIMITS.MAX_ALIASES + 1, (i) => `a${i}: name`)} } } } }`;
    expectLimit(await gateway.call(query), 'aliases', LIMITS.MAX_ALIASES);
  });

  it('refuses a directive flood', async () => {
    const query = `{ products(first: 1) { ${repeat(LIMITS.MAX_DIRECTIVES + 1, () => 'totalCount @include(if: true)')} } }`;
    expectLimit(await gateway.call(query), 'directives', LIMITS.MAX_DIRECTIVES);
  });

  it('refuses a document of more than MAX_TOKENS tokens', async () => {
    const query = `{ products(first: 1) { edges { node { ${repeat(LIMITS.MAX_TOKENS, () => 'id')} } } } }`;
    expectLimit(await gateway.call(query), 'tokens', LIMITS.MAX_TOKENS);
  });

  it('refuses a document larger than MAX_DOCUMENT_BYTES, whatever it holds', async () => {
    const query = `{ __typename }\n# ${'x'.repeat(LIMITS.MAX_DOCUMENT_BYTES)}`;
    expectLimit(await gateway.call(query), 'documentSize', LIMITS.MAX_DOCUMENT_BYTES);
  });

  it('refuses a cost bomb: big pages of nested lists, each within the other limits', async () => {
    const page = 'products(first: 100) { edges { node { id name slug description soldCount inStock price { amount currency } images { url alt } attributes { name value } category { id name path { id name } } } } }';
    const query = `{ ${repeat(8, (i) => `p${i}: ${page}`)} }`;
    expectLimit(await gateway.call(query), 'cost', LIMITS.MAX_COST);
  });

  it('refuses more than MAX_ROOT_FIELDS root fields', async () => {
    const query = `{ ${repeat(LIMITS.MAX_ROOT_FIELDS + 1, (i) => `c${i}: categories { id }`)} }`;
    expectLimit(await gateway.call(query), 'rootFields', LIMITS.MAX_ROOT_FIELDS);
  });

  it('refuses a batch (a JSON array of operations) outright', async () => {
    const operations = Array.from({ length: 50 }, () => ({ query: '{ categories { id } }' }));
    const result = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(operations) });
    expect(result.status).toBe(400);
    expect(Array.isArray(result.body)).toBe(false);
    expect(result.body.errors.map((error: any) => error.extensions?.code)).toEqual(['BAD_REQUEST']);
  });

  it('caps every connection at 100 items per page with BAD_USER_INPUT', async () => {
    const huge = await gateway.call('{ products(first: 1000) { totalCount } }');
    expect(errorCodes(huge)).toEqual(['BAD_USER_INPUT']);
    expect(huge.data ?? null).toBeNull();

    // Every paged field of the API, each asked one past the cap by a caller allowed to list it.
    const [customer, staff, admin] = await Promise.all([registerCustomer('pager'), asStaff(), asAdmin()]);
    const pages: [string, SignedIn | null][] = [
      ['products(first: 101) { totalCount }', null],
      ['myOrders(first: 101) { pageInfo { hasNextPage } }', customer],
      ['orders(first: 101) { pageInfo { hasNextPage } }', staff],
      ['users(first: 101) { totalCount }', admin],
    ];
    for (const [field, caller] of pages) {
      const result = await gateway.call(`{ ${field} }`, { token: caller?.accessToken });
      expect(errorCodes(result), field).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message, field).toMatch(/first must be between \d and 100/);
    }
  });
});

describe('production hides the schema and refuses unsafe requests', () => {
  it('refuses introspection', async () => {
    for (const query of ['{ __schema { queryType { name } types { name } } }', '{ __type(name: "Order") { fields { name } } }']) {
      const result = await gateway.call(query);
      expect(result.status, query).toBe(400);
      expect(result.data ?? null).toBeNull();
      expect(errorCodes(result), query).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(JSON.stringify(result)).not.toContain('OrderConnection');
    }
  });

  it('does not suggest field names for a misspelled field', async () => {
    const result = await gateway.call('{ prodcts(first: 1) { totalCount } me { emial } }');
    expect(result.status).toBe(400);
    expect(errorCodes(result).every((code) => code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
    for (const error of result.errors!) {
      expect(error.message).not.toMatch(/did you mean/i);
      expect(error.message).not.toMatch(/"products"|"email"/);
    }
  });

  it('serves no Sandbox page to a browser', async () => {
    const result = await send({ method: 'GET', headers: { accept: 'text/html' } });
    expect(result.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(String(typeof result.body === 'string' ? result.body : JSON.stringify(result.body))).not.toMatch(/<html|sandbox/i);
  });

  it('refuses a mutation over GET with 405', async () => {
    const result = await send({
      method: 'GET',
      search: `?query=${encodeURIComponent('mutation { logout }')}`,
      // A non-simple header, so CSRF prevention lets the GET through to the method check.
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(result.status).toBe(405);
  });

  it('refuses a form-encoded POST (a cross-site form cannot run operations)', async () => {
    const query = `mutation { requestPasswordReset(email: "${uniqueEmail('csrf')}") }`;
    const result = await send({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query }).toString(),
    });
    expect(result.status).toBe(400);
    expect(result.body?.data ?? null).toBeNull();
  });

  it('sends the security headers, HSTS included', async () => {
    const result = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ categories { id } }' }) });
    expect(result.status).toBe(200);
    expect(result.headers.get('x-content-type-options')).toBe('nosniff');
    expect(result.headers.get('x-frame-options')).toBe('DENY');
    expect(result.headers.get('referrer-policy')).toBe('no-referrer');
    expect(result.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('answers CORS only for the configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(gateway.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const post = (origin: string) =>
      send({ method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ categories { id } }' }) });
    expect((await post(ALLOWED_ORIGIN)).headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const evil = await post('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-origin')).not.toBe('*');
  });
});

describe('rate limits and sign-in throttles', () => {
  it('refuses an aliased login brute force before any guess reaches auth', async () => {
    const victim = await registerCustomer('brute-forced');
    const guesses = (count: number) =>
      JSON.stringify({ query: `mutation { ${repeat(count, (i) => `g${i}: login(input: { email: "${victim.email}", password: "guess-${i}-password" }) { accessToken }`)} }` });
    const post = (body: string) => send({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

    // 20 guesses in one request are over the document limits (aliases, root fields) already.
    const twenty = await post(guesses(20));
    expect(twenty.status).toBe(400);
    expect(twenty.body.errors.map((error: any) => error.extensions?.code)).toEqual(['OPERATION_LIMIT_EXCEEDED']);

    // As many as the document limits allow: each alias weighs 10 points, together more than the window holds.
    const most = LIMITS.MAX_ROOT_FIELDS;
    expect(most * 10).toBeGreaterThan(RATE_LIMIT.GATEWAY_RATE_LIMIT_POINTS);
    const result = await post(guesses(most));
    expect(result.status).toBe(429);
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors.map((error: any) => error.extensions?.code)).toEqual(['TOO_MANY_REQUESTS']);
    expect(result.body.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);

    // None of the guesses counted against the account: auth would have locked it after 5.
    const signedIn = await gateway.call(LOGIN, { variables: { input: { email: victim.email, password: victim.password } } });
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data?.login.accessToken).toEqual(expect.any(String));
  });

  it('keeps the auth subgraph’s account lockout when guesses come from many addresses', async () => {
    const victim = await registerCustomer('spread-guesses');
    const attempts = Number(testEnvironment().env.LOGIN_ATTEMPTS_PER_ACCOUNT);
    for (let attempt = 0; attempt < attempts; attempt++) {
      const guess = await gateway.call(LOGIN, { variables: { input: { email: victim.email, password: `wrong-${attempt}-password` } } });
      expect(errorCodes(guess)).toEqual(['UNAUTHENTICATED']);
    }
    // Each guess came from a new address, under the gateway's per-address limit; the account still locks.
    const locked = await gateway.call(LOGIN, { variables: { input: { email: victim.email, password: victim.password } } });
    expect(errorCodes(locked)).toEqual(['TOO_MANY_REQUESTS']);
    expect(locked.data ?? null).toBeNull();
  });

  it('limits a signed-in user across addresses, counting each alias', async () => {
    const user = await registerCustomer('flooding-user');
    // 5-point searches, each alias counted, each request from a new address: the user's budget runs out.
    const searches = repeat(5, (i) => `s${i}: products(search: "lamp", first: 1) { totalCount }`);
    let refused: GraphQLResult | undefined;
    for (let request = 0; request < 10 && !refused; request++) {
      const result = await gateway.call(`{ ${searches} }`, { token: user.accessToken });
      if (result.status === 429) refused = result;
      else expect(result.errors).toBeUndefined();
    }
    expect(refused, 'no 429 within 10 requests of 25 points').toBeDefined();
    expect(errorCodes(refused!)).toEqual(['TOO_MANY_REQUESTS']);
  });
});

describe('subgraphs reached directly, bypassing the gateway', () => {
  const { env } = testEnvironment();
  const caller: ForwardedCaller = { identity: { userId: randomUUID(), roles: ['STAFF'], sessionId: randomUUID() }, clientIp: '203.0.113.9' };
  const post = async (url: string, body: string, headers: Record<string, string>) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, body: (await response.json()) as any };
  };
  const ENTITIES = 'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { id name } } }';
  const entitiesBody = (count: number) =>
    JSON.stringify({ query: ENTITIES, variables: { representations: Array.from({ length: count }, () => ({ __typename: 'Product', id: randomUUID() })) } });
  // The cap as the subgraphs read it from the run's environment.
  const maxEntities = loadConfig(subgraphEnv, env).MAX_ENTITY_REPRESENTATIONS;

  it('refuses an entity flood even with a genuine gateway signature', async () => {
    const body = entitiesBody(maxEntities + 1);
    const result = await post(env.PRODUCTS_URL!, body, { [GATEWAY_SIGNATURE_HEADER]: signGatewayRequest(caller, body, env.GATEWAY_SECRET!) });
    // 200 with the coded error, so a gateway passes the code on instead of reporting an outage.
    expect(result.status).toBe(200);
    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'entities', max: maxEntities } })]);
  });

  it('serves exactly the cap: the largest fetch a gateway plan makes (100 orders × 50 lines)', async () => {
    expect(maxEntities).toBeGreaterThanOrEqual(100 * 50);
    const body = entitiesBody(maxEntities);
    const result = await post(env.PRODUCTS_URL!, body, { [GATEWAY_SIGNATURE_HEADER]: signGatewayRequest(caller, body, env.GATEWAY_SECRET!) });
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data._entities).toHaveLength(maxEntities);
  });

  it('refuses forged identity headers (see forged-identity.e2e.test.ts for the full set)', async () => {
    const body = JSON.stringify({ query: 'query ($id: ID!) { payment(id: $id) { id } }', variables: { id: randomUUID() } });
    const wrongSecret = await post(env.PAYMENTS_URL!, body, { [GATEWAY_SIGNATURE_HEADER]: signGatewayRequest(caller, body, 'x'.repeat(48)) });
    expect(wrongSecret.status).toBe(401);
    // A header the gateway genuinely made for another request does not vouch for this one.
    const other = JSON.stringify({ query: '{ __typename }' });
    const copied = await post(env.PAYMENTS_URL!, body, { [GATEWAY_SIGNATURE_HEADER]: signGatewayRequest(caller, other, env.GATEWAY_SECRET!) });
    expect(copied.status).toBe(401);
    expect(copied.body.errors.map((error: any) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('legitimate traffic still passes through the production gateway', () => {
  it('a storefront registers, signs in, browses, orders and pays; staff creates the product and moves the order on', async () => {
    const staffUser = await asStaff();
    const staff = gateway.client({ ...staffUser, ip: randomIp() });
    const { createProduct } = await staff.request(CreateProductDocument, {
      input: { name: 'Hardened kettle', slug: `hardened-${randomUUID().slice(0, 8)}`, price: { amount: 3100, currency: 'USD' }, status: 'ACTIVE' },
    });
    await staff.request(AdjustInventoryDocument, { productId: createProduct.id, delta: 3, reason: 'security spec' });

    const email = uniqueEmail('prod-shopper');
    const password = `Prod-${randomUUID()}`;
    const shop = gateway.client(null);
    await shop.request(RegisterDocument, { input: { email, password, name: 'Prod Shopper' } });
    await shop.request(LoginDocument, { input: { email, password } });
    const { products } = await shop.request(ProductsDocument, { search: 'Hardened kettle', first: 10 });
    expect(products.edges.map((edge) => edge.node.id)).toContain(createProduct.id);
    expect((await shop.request(ProductDocument, { id: createProduct.id })).product).toMatchObject({ name: 'Hardened kettle' });

    const { addAddress } = await shop.request(AddAddressDocument, { input: BERLIN });
    const { placeOrder } = await shop.request(PlaceOrderDocument, {
      input: { lines: [{ productId: createProduct.id, quantity: 1 }], shippingAddressId: addAddress.id, idempotencyKey: randomUUID() },
    });
    expect(placeOrder).toMatchObject({ status: 'PENDING_PAYMENT', total: { amount: 3100 } });
    await shop.request(CreatePaymentDocument, { input: { orderId: placeOrder.id, method: 'CARD', paymentToken: 'sim_success', idempotencyKey: randomUUID() } });
    const paid = await eventually(async () => (await shop.request(OrderDocument, { id: placeOrder.id })).order?.status === 'PAID', 15_000);
    expect(paid).toBe(true);

    const { updateOrderStatus } = await staff.request(UpdateOrderStatusDocument, { id: placeOrder.id, status: 'PROCESSING', reason: 'packing' });
    expect(updateOrderStatus.status).toBe('PROCESSING');
    await Promise.all([staff.dispose(), shop.dispose()]);
  });

  it('the largest entity fetch a plan makes stays within the subgraphs’ cap: a full page of the biggest orders', async () => {
    // 100 orders (largest page) × 50 lines (ORDER_LIMITS.maxLines): one _entities fetch of 5000 products.
    const [pageSize, linesPerOrder] = [100, 50];
    const [staff, productId] = await Promise.all([asStaff(), insertProduct({ name: 'Bulk widget' })]);
    const userId = randomUUID();
    await insertLargeOrders({ userId, productId, orders: pageSize, linesPerOrder });
    const result = await gateway.call(
      `query ($userId: ID) { orders(first: ${pageSize}, filter: { userId: $userId }) { edges { node { id lines { quantity product { id name } } } } } }`,
      { token: staff.accessToken, variables: { userId } },
    );
    expect(result.errors).toBeUndefined();
    const lines = result.data!.orders.edges.flatMap((edge: any) => edge.node.lines);
    expect(lines).toHaveLength(pageSize * linesPerOrder);
    expect(lines.every((line: any) => line.product?.name === 'Bulk widget')).toBe(true);
  });
});
