import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
// The CommonJS build, like graphql-ws and the subgraphs' schemas (see kernel/subscription-server.ts).
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  attachSubscriptionServer,
  createLogger,
  forbidden,
  listen,
  signGatewayConnection,
  signGatewayRequest,
  verifyGatewayConnection,
  verifyGatewaySignature,
  type ForwardedCaller,
  type Identity,
  type Logger,
  type SubscriptionServer,
  type TraceContext,
  unauthenticated,
} from '#kernel';
import { subscribeToSubgraph, type SubgraphSubscription } from '../../test/support/subgraph-subscriptions';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const customer: Identity = { userId: 'u1', roles: ['CUSTOMER'], sessionId: 's1' };

const never = () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<unknown>>(() => {}), return: async () => ({ done: true, value: undefined }) }) });
async function* once() {
  yield {};
}

type TestContext = { identity: Identity | null; clientIp: string | null; trace: TraceContext; log: Logger; loaders: object };

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ping: { type: GraphQLString, resolve: () => 'pong' } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      counter: {
        type: GraphQLInt,
        args: { to: { type: GraphQLInt } },
        subscribe: async function* (_source, { to }: { to: number }) {
          for (let value = 1; value <= to; value++) yield { counter: value };
        },
      },
      caller: {
        type: GraphQLString,
        subscribe: once,
        resolve: (_source, _args, context: TestContext) =>
          JSON.stringify({ identity: context.identity, clientIp: context.clientIp, traceId: context.trace.traceId, loaders: context.loaders }),
      },
      broken: {
        type: GraphQLString,
        subscribe: once,
        resolve: () => {
          throw new Error('connect ECONNREFUSED 10.0.0.5:3306 (user shop, password hunter2)');
        },
      },
      refused: { type: GraphQLString, subscribe: once, resolve: () => Promise.reject(forbidden('Only staff may watch this.')) },
      failingStream: {
        type: GraphQLInt,
        subscribe: async function* () {
          yield { failingStream: 1 };
          throw new Error('the event bus exploded: nats://internal:4222');
        },
      },
      revoked: {
        type: GraphQLInt,
        subscribe: async function* () {
          yield { revoked: 1 };
          throw unauthenticated('Your session has ended.');
        },
      },
      forever: { type: GraphQLInt, subscribe: never },
    },
  }),
});

let lines: Record<string, unknown>[];
let server: Server;
let subscriptions: SubscriptionServer;
let url: string;
const open: SubgraphSubscription<unknown>[] = [];

beforeEach(async () => {
  lines = [];
  const destination = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const log = createLogger({ service: 'test', level: 'debug', destination });
  server = createServer((_req, res) => res.end());
  const context = async (_req: unknown, trace: TraceContext, caller: ForwardedCaller): Promise<TestContext> => ({
    identity: caller.identity,
    clientIp: caller.clientIp,
    trace,
    log: log.child({ traceId: trace.traceId }),
    loaders: { fresh: true },
  });
  subscriptions = attachSubscriptionServer({ server, schema, log, gatewaySecret: secret, context, connectionInitWaitTimeoutMs: 500 });
  const port = await listen(server, 0, '127.0.0.1');
  url = `http://127.0.0.1:${port}/graphql`;
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((subscription) => subscription.close()));
  await subscriptions.stop();
  await new Promise((resolve) => server.close(resolve));
});

function subscribe<T = Record<string, any>>(query: string, options: { identity?: Identity | null; secret?: string | null; variables?: Record<string, unknown> } = {}) {
  const subscription = subscribeToSubgraph<T>({
    url,
    query,
    variables: options.variables,
    identity: options.identity === undefined ? customer : options.identity,
    clientIp: '203.0.113.7',
    secret: options.secret === undefined ? secret : options.secret,
  });
  open.push(subscription);
  return subscription;
}

const warnings = () => lines.filter((line) => line.level === 'warn');

describe('the connection signature', () => {
  const caller: ForwardedCaller = { identity: customer, clientIp: '203.0.113.7' };
  const now = Date.UTC(2026, 0, 1);

  it('vouches for the caller it was made for', () => {
    expect(verifyGatewayConnection(signGatewayConnection(caller, secret, now), secret, now)).toEqual({ ok: true, caller });
  });

  it('is not interchangeable with a request signature, either way', () => {
    const body = Buffer.from('{"query":"{ ping }"}');
    expect(verifyGatewayConnection(signGatewayRequest(caller, body, secret, now), secret, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyGatewaySignature(signGatewayConnection(caller, secret, now), body, secret, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a stale one and anything that is not a string', () => {
    expect(verifyGatewayConnection(signGatewayConnection(caller, secret, now - 61_000), secret, now)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyGatewayConnection({ forged: true }, secret, now)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('who may connect', () => {
  it('closes a connection whose connection_init carries no signature with 4403', async () => {
    const subscription = subscribe('subscription { counter(to: 3) }', { secret: null });
    expect(await subscription.closed()).toEqual({ code: 4403, reason: 'Forbidden' });
    await expect(subscription.next(100)).rejects.toThrow();
    expect(warnings()).toEqual([expect.objectContaining({ reason: 'missing', message: 'refused a subscription connection that did not come through the gateway' })]);
  });

  it('closes a connection signed with another secret with 4403', async () => {
    const subscription = subscribe('subscription { counter(to: 3) }', { secret: 'not-the-gateway-secret-but-long-enough-000000' });
    expect((await subscription.closed()).code).toBe(4403);
    expect(warnings()).toEqual([expect.objectContaining({ reason: 'bad-signature' })]);
  });

  it('closes a socket that never sends connection_init', async () => {
    const socket = new WebSocket(url.replace('http', 'ws'), 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => socket.on('close', resolve));
    expect(code).toBe(4408);
  });

  it('refuses upgrades on any other path', async () => {
    const socket = new WebSocket(url.replace('http', 'ws').replace('/graphql', '/other'), 'graphql-transport-ws');
    const failure = await new Promise<Error>((resolve) => socket.on('error', resolve));
    expect(failure.message).toMatch(/socket hang up|ECONNRESET/);
  });
});

describe('a signed connection', () => {
  it('receives the values of a subscription, then its completion', async () => {
    const subscription = subscribe<{ counter: number }>('subscription ($to: Int) { counter(to: $to) }', { variables: { to: 3 } });
    expect(await subscription.next()).toEqual({ data: { counter: 1 } });
    expect(await subscription.next()).toEqual({ data: { counter: 2 } });
    expect(await subscription.next()).toEqual({ data: { counter: 3 } });
    await expect(subscription.next(500)).rejects.toThrow('completed');
    expect(subscription.completed).toBe(true);
  });

  it('gives each operation a context like an HTTP request’s: the vouched caller, a fresh trace, fresh loaders', async () => {
    const first = subscribe<{ caller: string }>('subscription { caller }');
    const second = subscribe<{ caller: string }>('subscription { caller }');
    const [a, b] = [JSON.parse((await first.next()).data!.caller), JSON.parse((await second.next()).data!.caller)];
    expect(a).toEqual({ identity: customer, clientIp: '203.0.113.7', traceId: expect.stringMatching(/^[0-9a-f]{32}$/), loaders: { fresh: true } });
    expect(b.traceId).not.toBe(a.traceId);
  });

  it('vouches for anonymous callers too', async () => {
    const subscription = subscribe<{ caller: string }>('subscription { caller }', { identity: null });
    expect(JSON.parse((await subscription.next()).data!.caller)).toMatchObject({ identity: null });
  });

  it('masks an unexpected resolver error as INTERNAL_SERVER_ERROR and logs it', async () => {
    const subscription = subscribe('subscription { broken }');
    expect(await subscription.next()).toEqual({
      data: { broken: null },
      errors: [{ message: 'Internal server error', locations: [{ line: 1, column: 16 }], path: ['broken'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(lines.find((line) => line.message === 'unexpected error in an operation')).toMatchObject({ traceId: expect.any(String) });
  });

  it('lets coded errors through as they are', async () => {
    const subscription = subscribe('subscription { refused }');
    expect((await subscription.next()).errors).toEqual([expect.objectContaining({ message: 'Only staff may watch this.', extensions: { code: 'FORBIDDEN' } })]);
  });

  it('masks an error thrown by the event stream itself', async () => {
    const subscription = subscribe('subscription { failingStream }');
    expect(await subscription.next()).toEqual({ data: { failingStream: 1 } });
    await expect(subscription.next()).rejects.toThrow('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(subscription.errors)).not.toContain('nats://');
  });

  it('ends a stream with the coded error it throws, as it is', async () => {
    const subscription = subscribe('subscription { revoked }');
    expect(await subscription.next()).toEqual({ data: { revoked: 1 } });
    await expect(subscription.next()).rejects.toThrow('UNAUTHENTICATED');
    expect(subscription.errors).toEqual([[expect.objectContaining({ message: 'Your session has ended.', extensions: { code: 'UNAUTHENTICATED' } })]]);
  });

  it('answers invalid operations with the codes Apollo Server uses over HTTP', async () => {
    const invalid = subscribe('subscription { nope }');
    await expect(invalid.next()).rejects.toThrow('GRAPHQL_VALIDATION_FAILED');
    const unparsable = subscribe('subscription {');
    await expect(unparsable.next()).rejects.toThrow('GRAPHQL_PARSE_FAILED');
  });

  it('refuses queries and mutations: over the socket only subscriptions run', async () => {
    const query = subscribe('{ ping }');
    await expect(query.next()).rejects.toThrow(/Only subscriptions.*BAD_REQUEST/);
  });

  it('receives nothing from a stream with no events', async () => {
    const subscription = subscribe('subscription { forever }');
    await subscription.connected();
    await subscription.nothingWithin(200);
  });
});

describe('active subscriptions and shutdown', () => {
  it('counts open event streams', async () => {
    const first = subscribe('subscription { forever }');
    subscribe('subscription { forever }');
    await expect.poll(() => subscriptions.activeSubscriptions()).toBe(2);
    expect(subscriptions.openConnections()).toBe(2);
    await first.close();
    await expect.poll(() => subscriptions.activeSubscriptions()).toBe(1);
  });

  it('stop() closes open sockets with 1001 so the HTTP server can close', async () => {
    const subscription = subscribe('subscription { forever }');
    await expect.poll(() => subscriptions.activeSubscriptions()).toBe(1);

    await subscriptions.stop();
    expect(await subscription.closed()).toEqual({ code: 1001, reason: 'Going away' });
    expect(subscriptions.activeSubscriptions()).toBe(0);
    await new Promise((resolve) => server.close(resolve));
    expect(server.listening).toBe(false);
  });
});
