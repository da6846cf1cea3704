import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { mintAccessToken, runSigningKeys } from '../support/access-tokens';
import { eventually } from '../support/admin';
import { controlService, graphqlRequest, testEnvironment } from '../support/clients';
import { addressOf, closeOrderHelpers, placedOrder, stockedProduct, UPDATE_STATUS } from '../support/orders';
import { createPayment } from '../support/payments';
import { startOrdersInstance } from '../support/orders-instance';
import { startUntilHealthy, stopProcess } from '../support/processes';
import { asStaff } from '../support/staff';
import { freePort } from '../support/test-env';
import { subscribeToGateway, type SubgraphSubscription } from '../support/subgraph-subscriptions';

const WATCH = `subscription Watch($orderId: ID) {
  orderStatusChanged(orderId: $orderId) {
    order {
      id status
      total { amount currency }
      user { id email displayName }
      lines { quantity product { id name } }
      payment { status capturedAmount { amount } }
    }
    change { from to actor }
  }
}`;

let staff: SignedIn;
let customer: SignedIn;
let addressId: string;
let productId: string;
const open: SubgraphSubscription<any>[] = [];

beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('live-watcher')]);
  addressId = await addressOf(customer);
  productId = await stockedProduct(staff, { stock: 100, price: 1200, name: 'Watched kettle' });
});
afterAll(async () => {
  await Promise.all(open.map((subscription) => subscription.close()));
  await closeOrderHelpers();
});

const newOrder = () => placedOrder(customer, { lines: [{ productId, quantity: 2 }], shippingAddressId: addressId });

function watch(token: string | undefined, orderId: string | null) {
  const subscription = subscribeToGateway({ query: WATCH, variables: { orderId }, token });
  open.push(subscription);
  return subscription;
}

/**
 * The count once it stops moving: subscriptions of the previous spec may still be
 * closing (a socket the gateway closed, an upstream torn down), and a baseline taken
 * mid-way would make `before + n` unreachable.
 */
async function settledActiveOn(service: 'orders' | 'gateway'): Promise<number> {
  let previous = await activeOn(service);
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const current = await activeOn(service);
    if (current === previous) return current;
    previous = current;
  }
  return previous;
}

/** Active subscriptions as one service's /health reports them. */
async function activeOn(service: 'orders' | 'gateway'): Promise<number> {
  const { env, gatewayUrl } = testEnvironment();
  const url = service === 'gateway' ? gatewayUrl : env.ORDERS_URL!;
  const health = (await (await fetch(url.replace(/\/graphql$/, '/health'))).json()) as { subscriptions: { active: number } };
  return health.subscriptions.active;
}

describe('subscriptions through the gateway', () => {
  it('streams a payment to its order with fields from orders, auth, users, products and payments in one payload', async () => {
    const order = await newOrder();
    const before = await settledActiveOn('orders');
    const watching = watch(customer.accessToken, order.id);
    await watching.connected();
    expect(await eventually(async () => (await activeOn('orders')) === before + 1)).toBe(true);

    const paid = await createPayment(customer, { orderId: order.id, paymentToken: 'sim_success' });
    expect(paid.errors).toBeUndefined();
    const event = (await watching.next(10_000)) as any;
    expect(event.errors).toBeUndefined();
    expect(event.data.orderStatusChanged).toEqual({
      order: {
        id: order.id,
        status: 'PAID',
        total: { amount: 2400, currency: 'USD' },
        user: { id: customer.userId, email: customer.email, displayName: 'Test live-watcher' },
        lines: [{ quantity: 2, product: { id: productId, name: 'Watched kettle' } }],
        payment: { status: 'CAPTURED', capturedAmount: { amount: 2400 } },
      },
      change: { from: 'PENDING_PAYMENT', to: 'PAID', actor: 'SYSTEM' },
    });
  });

  it('refuses anonymous callers and foreign orders with coded errors', async () => {
    const order = await newOrder();
    const anonymous = watch(undefined, order.id);
    expect((await anonymous.next(5_000)).errors?.map((error: any) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
    const stranger = await registerCustomer('gateway-peeker');
    const foreign = watch(stranger.accessToken, order.id);
    expect((await foreign.next(5_000)).errors?.map((error: any) => error.extensions.code)).toEqual(['NOT_FOUND']);
    const everything = watch(customer.accessToken, null);
    expect((await everything.next(5_000)).errors?.map((error: any) => error.extensions.code)).toEqual(['FORBIDDEN']);
  });

  it('closes the connection with 4403 for a bad token, and when the token expires', async () => {
    const forged = watch('not.a.token', null);
    expect((await forged.closed(5_000)).code).toBe(4403);

    const order = await newOrder();
    const [key] = runSigningKeys(testEnvironment().env);
    const now = Math.floor(Date.now() / 1000);
    const { token } = mintAccessToken({
      privateKey: key!.privateKeyPem,
      kid: key!.kid,
      claims: { sub: customer.userId, roles: ['CUSTOMER'], sid: `sid-${now}`, iat: now, exp: now + 2 },
    });
    const shortLived = watch(token, order.id);
    await shortLived.connected(5_000);
    expect((await shortLived.closed(5_000)).code).toBe(4403);
  });

  it('ends the upstream subscription when the client completes or disconnects', async () => {
    const order = await newOrder();
    const before = await settledActiveOn('orders');
    const watchers = [watch(customer.accessToken, order.id), watch(customer.accessToken, order.id), watch(staff.accessToken, null)];
    await Promise.all(watchers.map((watcher) => watcher.connected()));
    expect(await eventually(async () => (await activeOn('orders')) === before + 3)).toBe(true);
    expect(await activeOn('gateway')).toBeGreaterThanOrEqual(3);

    await Promise.all(watchers.map((watcher) => watcher.close()));
    expect(await eventually(async () => (await activeOn('orders')) === before)).toBe(true);
  });

  it('ends the client subscription with SERVICE_UNAVAILABLE when the orders subgraph goes away', async () => {
    const order = await newOrder();
    const before = await settledActiveOn('orders');
    const watching = watch(customer.accessToken, order.id);
    await watching.connected();
    expect(await eventually(async () => (await activeOn('orders')) === before + 1)).toBe(true);
    await controlService('orders', 'stop');
    try {
      await expect(watching.next(10_000)).rejects.toThrow(/SERVICE_UNAVAILABLE/);
    } finally {
      await controlService('orders', 'start');
    }
    expect(await eventually(async () => ((await (await fetch(testEnvironment().gatewayUrl.replace(/\/graphql$/, '/health'))).json()) as any).subscriptions.upstream === 0)).toBe(true);
  });

  it('refuses a new subscription on an open connection once its session is signed out', async () => {
    const leaver = await registerCustomer('gateway-leaver');
    const order = await placedOrder(leaver, { lines: [{ productId, quantity: 1 }], shippingAddressId: await addressOf(leaver) });
    const codes: string[] = [];
    let closedWith: number | undefined;
    const client = createClient({
      url: testEnvironment().gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${leaver.accessToken}` },
      on: { closed: (event) => (closedWith = (event as { code: number }).code) },
    });
    const first = new Promise<void>((resolve) => client.subscribe({ query: WATCH, variables: { orderId: order.id } }, { next: () => {}, error: () => {}, complete: () => {} }) && setTimeout(resolve, 500));
    await first;
    expect((await graphqlRequest(`mutation { logout }`, { token: leaver.accessToken })).data?.logout).toBe(true);
    await new Promise<void>((resolve) => {
      client.subscribe(
        { query: WATCH, variables: { orderId: order.id } },
        { next: () => {}, error: (error) => (codes.push(...(Array.isArray(error) ? error.map((entry: any) => entry.extensions?.code) : [`closed ${(error as any).code}`])), resolve()), complete: () => resolve() },
      );
    });
    expect(codes.some((code) => code === 'UNAUTHENTICATED' || code === 'closed 4403')).toBe(true);
    expect(await eventually(async () => closedWith === 4403)).toBe(true);
    await client.dispose();
  });

  it('keeps delivering to staff watching every order, across changes made by anyone', async () => {
    const before = await settledActiveOn('orders');
    const watching = watch(staff.accessToken, null);
    await watching.connected();
    expect(await eventually(async () => (await activeOn('orders')) === before + 1)).toBe(true);
    const order = await newOrder();
    await graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: order.id, status: 'CANCELLED', reason: 'watched' } });
    const event = (await watching.next(10_000)) as any;
    expect(event.data.orderStatusChanged).toMatchObject({ order: { id: order.id, status: 'CANCELLED', user: { id: customer.userId } }, change: { to: 'CANCELLED', actor: 'STAFF' } });
  });
});

describe('limits', () => {
  it('refuses operations beyond the per-connection limit with TOO_MANY_REQUESTS, and keeps the others', async () => {
    const order = await newOrder();
    const before = await settledActiveOn('orders');
    const results = await new Promise<{ ok: number; refused: string[] }>((resolve) => {
      const client = createClient({
        url: testEnvironment().gatewayUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${customer.accessToken}` },
      });
      const limit = Number(testEnvironment().env.SUBSCRIPTIONS_PER_CONNECTION);
      const refused: string[] = [];
      for (let index = 0; index <= limit; index++) {
        client.subscribe({ query: WATCH, variables: { orderId: order.id } }, { next: () => {}, complete: () => {}, error: (error) => refused.push((error as any[])[0].extensions.code) });
      }
      setTimeout(async () => {
        const upstream = (await activeOn('orders')) - before;
        await client.dispose();
        resolve({ ok: upstream, refused });
      }, 1_000);
    });
    expect(results.refused).toEqual(['TOO_MANY_REQUESTS']);
    // Exactly the allowed ones reached the orders subgraph.
    expect(results.ok).toBe(Number(testEnvironment().env.SUBSCRIPTIONS_PER_CONNECTION));
  });
});

describe('several gateways and orders instances', () => {
  it('delivers a change to subscribers of every gateway, each served by its own orders instance', async () => {
    const orders = await startOrdersInstance();
    const port = await freePort();
    const gateway = await startUntilHealthy(
      'gateway/src/main.js',
      [],
      { ...process.env, ...testEnvironment().env, GATEWAY_PORT: String(port), ORDERS_URL: orders.url, LOG_LEVEL: 'warn' },
      `http://127.0.0.1:${port}/health`,
    );
    try {
      const order = await newOrder();
      const first = watch(customer.accessToken, order.id);
      const second = subscribeToGateway({ query: WATCH, variables: { orderId: order.id }, token: customer.accessToken, url: `http://127.0.0.1:${port}/graphql` });
      open.push(second);
      await Promise.all([first.connected(), second.connected()]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await graphqlRequest(UPDATE_STATUS, { token: staff.accessToken, variables: { id: order.id, status: 'CANCELLED' } });
      for (const subscription of [first, second]) {
        const event = (await subscription.next(10_000)) as any;
        expect(event.data.orderStatusChanged).toMatchObject({ order: { id: order.id, status: 'CANCELLED', lines: [{ product: { name: 'Watched kettle' } }] } });
      }
    } finally {
      await stopProcess(gateway);
      await orders.stop();
    }
  });
});

describe('graphql-ws protocol errors at the gateway', () => {
  /** A raw socket speaking graphql-transport-ws; resolves with the close code. */
  function rawSocket(send: (socket: WebSocket) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(testEnvironment().gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
      socket.on('open', () => send(socket));
      socket.on('close', (code) => resolve(code));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('the socket stayed open')), 10_000).unref();
    });
  }

  it('closes 4400 on an invalid message', async () => {
    expect(await rawSocket((socket) => socket.send('{"type":"nonsense"}'))).toBe(4400);
  });

  it('closes 4429 on a second connection_init', async () => {
    expect(
      await rawSocket((socket) => {
        socket.send(JSON.stringify({ type: 'connection_init' }));
        socket.send(JSON.stringify({ type: 'connection_init' }));
      }),
    ).toBe(4429);
  });

  it('closes 4409 on a duplicate operation id', async () => {
    expect(
      await rawSocket((socket) => {
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${staff.accessToken}` } }));
        socket.on('message', (data) => {
          if (JSON.parse(String(data)).type !== 'connection_ack') return;
          const subscribe = JSON.stringify({ id: 'same', type: 'subscribe', payload: { query: 'subscription { orderStatusChanged { change { to } } }' } });
          socket.send(subscribe);
          socket.send(subscribe);
        });
      }),
    ).toBe(4409);
  });

  it('closes 4408 when connection_init never comes', async () => {
    expect(await rawSocket(() => {})).toBe(4408);
  });

  it('closes 4401 on a subscribe before connection_init is acknowledged', async () => {
    expect(await rawSocket((socket) => socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { orderStatusChanged { change { to } } }' } })))).toBe(4401);
  });
});
