import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddAddressDocument,
  AdjustInventoryDocument,
  CancelOrderDocument,
  CreatePaymentDocument,
  CreateProductDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  MyOrdersDocument,
  MyProfileDocument,
  OrderDocument,
  OrderStatusChangedDocument,
  PlaceOrderDocument,
  ProductBySlugDocument,
  ProductsDocument,
  RefundPaymentDocument,
  RegisterDocument,
  ShopClientError,
  UpdateOrderStatusDocument,
  VerifyPaymentDocument,
  type ShopClient,
  type ShopTokens,
} from '../../client/src';
import { randomIp, registerCustomer, shopClient, uniqueEmail } from '../support/accounts';
import { BERLIN } from '../support/orders';
import { asStaff } from '../support/staff';

// A storefront and a back office driven only through the typed client (client/src):
// every call below is a generated TypedDocumentNode, every result typed by it.

let staff: ShopClient;
const clients: ShopClient[] = [];
const track = (client: ShopClient) => (clients.push(client), client);
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
});

beforeAll(async () => {
  staff = track(shopClient(await asStaff()));
});

/** A product on sale, made by staff through the client's admin operations. */
async function productOnSale(word: string, stock: number, amount = 2400) {
  const slug = `client-${word}`;
  const { createProduct } = await staff.request(CreateProductDocument, {
    input: { name: `Lamp ${word}`, slug, description: `A ${word} desk lamp`, price: { amount, currency: 'USD' }, status: 'ACTIVE' },
  });
  await staff.request(AdjustInventoryDocument, { productId: createProduct.id, delta: stock, reason: 'storefront client spec' });
  return createProduct;
}

/** A subscription being read: its first event is already asked for, so the gateway has subscribed once `watch` returns. */
interface Watch<T> {
  events: AsyncIterableIterator<T>;
  pending: Promise<IteratorResult<T>>;
}

async function watch<T>(events: AsyncIterableIterator<T>): Promise<Watch<T>> {
  const pending = events.next();
  // graphql-ws has no "subscribed" signal: give the gateway a moment to run the subscribe step.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { events, pending };
}

/** Events until one satisfies `done` (then the subscription is ended), or an error after `timeoutMs`. */
async function until<T>(watched: Watch<T>, done: (event: T) => boolean, timeoutMs = 15_000): Promise<T[]> {
  const seen: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`)), timeoutMs);
  });
  try {
    for (let next = watched.pending; ; next = watched.events.next()) {
      const result = await Promise.race([next, timeout]);
      if (result.done) throw new Error(`the subscription completed first; saw ${JSON.stringify(seen)}`);
      seen.push(result.value);
      if (done(result.value)) return seen;
    }
  } finally {
    clearTimeout(timer);
    await watched.events.return?.();
  }
}

describe('a storefront on the typed client', () => {
  it('registers, signs in, browses, checks out, pays and watches the order become PAID', async () => {
    const word = `zq${randomBytes(5).toString('hex')}`;
    const product = await productOnSale(word, 5);

    const sessions: (ShopTokens | null)[] = [];
    const shop = track(shopClient(null, { onTokens: (tokens) => sessions.push(tokens) }));
    const email = uniqueEmail('storefront');
    const password = `Storefront-${randomBytes(6).toString('hex')}`;

    // Sign-up signs in: the client keeps the tokens itself.
    const { register } = await shop.request(RegisterDocument, { input: { email, password, name: 'Store Front' } });
    expect(register.user).toMatchObject({ email, roles: ['CUSTOMER'], emailVerified: false });
    expect(await shop.getTokens()).toEqual({ accessToken: register.accessToken, refreshToken: register.refreshToken });
    expect((await shop.request(MeDocument)).me.email).toBe(email);

    // Signing out clears them; signing in again stores new ones.
    expect((await shop.request(LogoutDocument)).logout).toBe(true);
    expect(await shop.getTokens()).toBeNull();
    const anonymous = await shop.request(MeDocument).catch((error: unknown) => error);
    expect(anonymous).toBeInstanceOf(ShopClientError);
    expect((anonymous as ShopClientError).codes).toEqual(['UNAUTHENTICATED']);
    const { login } = await shop.request(LoginDocument, { input: { email, password } });
    expect(sessions).toEqual([
      { accessToken: register.accessToken, refreshToken: register.refreshToken },
      null,
      { accessToken: login.accessToken, refreshToken: login.refreshToken },
    ]);

    // Browse: search finds the staff's new product; its page comes by slug.
    const { products: found } = await shop.request(ProductsDocument, { search: word, filter: { inStock: true }, first: 5 });
    expect(found.totalCount).toBe(1);
    expect(found.edges[0]!.node).toMatchObject({ id: product.id, name: `Lamp ${word}`, price: { amount: 2400, currency: 'USD' }, inStock: true });
    const { productBySlug } = await shop.request(ProductBySlugDocument, { slug: product.slug });
    expect(productBySlug).toMatchObject({ id: product.id, description: `A ${word} desk lamp`, soldCount: 0 });

    // Address book, then checkout.
    const { addAddress } = await shop.request(AddAddressDocument, { input: BERLIN });
    expect(addAddress).toMatchObject({ ...BERLIN, isDefaultShipping: true });
    expect((await shop.request(MyProfileDocument)).me.addresses.map((address) => address.id)).toEqual([addAddress.id]);
    const { placeOrder } = await shop.request(PlaceOrderDocument, {
      input: { lines: [{ productId: product.id, quantity: 2 }], shippingAddressId: addAddress.id, idempotencyKey: randomUUID() },
    });
    expect(placeOrder).toMatchObject({ status: 'PENDING_PAYMENT', total: { amount: 4800, currency: 'USD' }, payment: null });
    expect(placeOrder.lines).toEqual([expect.objectContaining({ productName: `Lamp ${word}`, quantity: 2, subtotal: { amount: 4800, currency: 'USD' } })]);

    // Watch the order over graphql-ws, then pay: the simulator calls back through the gateway.
    const watched = await watch(shop.subscribe(OrderStatusChangedDocument, { orderId: placeOrder.id }));
    const { createPayment } = await shop.request(CreatePaymentDocument, {
      input: { orderId: placeOrder.id, method: 'CARD', paymentToken: 'sim_success', idempotencyKey: randomUUID() },
    });
    expect(createPayment).toMatchObject({ status: 'PENDING', provider: 'simulator', amount: { amount: 4800, currency: 'USD' } });
    const events = await until(watched, (event) => event.orderStatusChanged.change.to === 'PAID');
    expect(events.at(-1)!.orderStatusChanged).toMatchObject({
      order: { id: placeOrder.id, status: 'PAID', total: { amount: 4800 } },
      change: { from: 'PENDING_PAYMENT', to: 'PAID', actor: 'SYSTEM' },
    });

    const { order } = await shop.request(OrderDocument, { id: placeOrder.id });
    expect(order).toMatchObject({ status: 'PAID', paymentDueAt: null, payment: { id: createPayment.id, status: 'CAPTURED' } });
    expect(order!.history.map((change) => change.to)).toEqual(['PENDING_PAYMENT', 'PAID']);
    expect((await shop.request(VerifyPaymentDocument, { id: createPayment.id })).verifyPayment).toMatchObject({ status: 'CAPTURED', capturedAmount: { amount: 4800 } });
    const mine = await shop.request(MyOrdersDocument);
    expect(mine.myOrders.edges.map((edge) => edge.node.id)).toEqual([placeOrder.id]);

    // The back office moves it along and refunds part of it.
    const processing = await staff.request(UpdateOrderStatusDocument, { id: placeOrder.id, status: 'PROCESSING', reason: 'packing' });
    expect(processing.updateOrderStatus.status).toBe('PROCESSING');
    const refunded = await staff.request(RefundPaymentDocument, { input: { paymentId: createPayment.id, amount: 1000, reason: 'scratched', idempotencyKey: randomUUID() } });
    expect(refunded.refundPayment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 1000 } });
  });

  it('turns business refusals into ShopClientError with their codes', async () => {
    const shop = track(shopClient(await registerCustomer('refused')));
    const error = await shop.request(OrderDocument, { id: randomUUID() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShopClientError);
    expect((error as ShopClientError).codes).toEqual(['NOT_FOUND']);
    expect((error as ShopClientError).hasCode('NOT_FOUND')).toBe(true);
    const forbidden = await shop.request(AdjustInventoryDocument, { productId: randomUUID(), delta: 1, reason: 'not staff' }).catch((caught: unknown) => caught);
    expect((forbidden as ShopClientError).codes).toEqual(['FORBIDDEN']);
  });
});

describe('token refresh', () => {
  /** A fetch that counts the operations the client sends, and can spoil the token of some. */
  function countingFetch(spoil?: (operationName: string) => boolean) {
    const sent: string[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      const { operationName } = JSON.parse(String(init?.body)) as { operationName: string };
      sent.push(operationName);
      const headers = { ...(init?.headers as Record<string, string>) };
      if (spoil?.(operationName) && headers.authorization) headers.authorization = 'Bearer spoiled';
      return fetch(input, { ...init, headers });
    };
    return { sent, fetch: fetchImpl };
  }

  it('refreshes a refused access token once and retries the call', async () => {
    const user = await registerCustomer('refresh');
    const counting = countingFetch();
    const sessions: (ShopTokens | null)[] = [];
    const shop = shopClient({ ...user, accessToken: 'not-a-jwt' }, { fetch: counting.fetch, onTokens: (tokens) => sessions.push(tokens) });

    expect((await shop.request(MeDocument)).me.id).toBe(user.userId);
    expect(counting.sent).toEqual(['Me', 'RefreshToken', 'Me']);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.refreshToken).not.toBe(user.refreshToken); // single use: replaced
    expect(await shop.getTokens()).toEqual(sessions[0]);

    // The new access token serves the next calls without another refresh.
    await shop.request(MyOrdersDocument, { first: 1 });
    expect(counting.sent).toEqual(['Me', 'RefreshToken', 'Me', 'MyOrders']);
  });

  it('shares one refresh between concurrent refused calls (each refresh token works once)', async () => {
    const user = await registerCustomer('concurrent');
    const counting = countingFetch();
    const shop = shopClient({ ...user, accessToken: 'not-a-jwt' }, { fetch: counting.fetch });
    const results = await Promise.all([shop.request(MeDocument), shop.request(MeDocument), shop.request(MyOrdersDocument)]);
    expect(results.map((result) => Object.keys(result)[0])).toEqual(['me', 'me', 'myOrders']);
    expect(counting.sent.filter((name) => name === 'RefreshToken')).toHaveLength(1);
  });

  it('does not loop when the retried call is refused again', async () => {
    const user = await registerCustomer('loop');
    const counting = countingFetch((name) => name === 'Me');
    const shop = shopClient(user, { fetch: counting.fetch });
    const error = await shop.request(MeDocument).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShopClientError);
    expect((error as ShopClientError).codes).toEqual(['UNAUTHENTICATED']);
    expect((error as ShopClientError).status).toBe(401);
    expect(counting.sent).toEqual(['Me', 'RefreshToken', 'Me']);
  });

  it('ends the session when the refresh token is refused too', async () => {
    const counting = countingFetch();
    const sessions: (ShopTokens | null)[] = [];
    const shop = shopClient({ accessToken: 'not-a-jwt', refreshToken: 'not-a-refresh-token', ip: randomIp() }, { fetch: counting.fetch, onTokens: (tokens) => sessions.push(tokens) });
    const error = await shop.request(MeDocument).catch((caught: unknown) => caught);
    expect((error as ShopClientError).codes).toEqual(['UNAUTHENTICATED']);
    expect((error as ShopClientError).cause).toBeInstanceOf(ShopClientError);
    expect(counting.sent).toEqual(['Me', 'RefreshToken']);
    expect(sessions).toEqual([null]);
    expect(await shop.getTokens()).toBeNull();
  });

  it('refreshes a token the WebSocket refused and keeps the subscription', async () => {
    const user = await registerCustomer('ws-refresh');
    const setup = shopClient(user);
    const { addAddress } = await setup.request(AddAddressDocument, { input: BERLIN });
    const product = await productOnSale(`ws${randomBytes(4).toString('hex')}`, 3, 700);
    const { placeOrder } = await setup.request(PlaceOrderDocument, { input: { lines: [{ productId: product.id, quantity: 1 }], shippingAddressId: addAddress.id, idempotencyKey: randomUUID() } });

    const sessions: (ShopTokens | null)[] = [];
    const shop = track(shopClient({ ...user, accessToken: 'not-a-jwt' }, { onTokens: (tokens) => sessions.push(tokens) }));
    const watched = await watch(shop.subscribe(OrderStatusChangedDocument, { orderId: placeOrder.id }));
    // The socket was refused (4403), the tokens refreshed, the subscription resumed on a new socket.
    await expect.poll(() => sessions.length, { timeout: 5_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));

    await shop.request(CancelOrderDocument, { id: placeOrder.id, reason: 'changed my mind' });
    const first = await watched.pending;
    expect(first.done).toBe(false);
    expect(first.value!.orderStatusChanged.change).toMatchObject({ from: 'PENDING_PAYMENT', to: 'CANCELLED', reason: 'changed my mind', actor: 'CUSTOMER' });
    // A watch of one order completes once the order is final.
    expect(await watched.events.next()).toEqual({ done: true, value: undefined });
  });

  it('ends the subscription with UNAUTHENTICATED when no refresh can help', async () => {
    const shop = track(shopClient({ accessToken: 'not-a-jwt', refreshToken: null, ip: randomIp() }));
    const events = shop.subscribe(OrderStatusChangedDocument, { orderId: randomUUID() });
    const error = await events.next().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShopClientError);
    expect((error as ShopClientError).codes).toEqual(['UNAUTHENTICATED']);
  });
});
