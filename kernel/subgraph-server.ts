import type { IncomingMessage, Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { databaseUrlFor, loadConfig, servicePort, subgraphEnv, type Config, type Domain } from './config';
import { connectNats, createRedis } from './connections';
import type { RequestContext } from './context';
import { assertDatabaseReachable } from './database';
import { entityLimitPlugin } from './entity-limit';
import { formatGraphQLError } from './error-format';
import type { ForwardedCaller } from './gateway-signature';
import { createHttpServer, listen, sendJson, type RouteHandler } from './http-server';
import { Lifecycle } from './lifecycle';
import { createLogger, type Logger } from './logger';
import { attachSubscriptionServer, type SubscriptionServer } from './subscription-server';
import type { TraceContext } from './trace';

/** The part of a Prisma client the kernel needs: a ping and a clean disconnect. */
export interface DatabaseClient {
  $queryRawUnsafe(query: string): Promise<unknown>;
  $disconnect(): Promise<void>;
}

/** Connections a subgraph's services are built from. */
export interface SubgraphDeps<TDb> {
  db: TDb;
  redis: Redis;
  nats: NatsConnection;
  log: Logger;
  /** The shared settings (EVENTS_PREFIX, ...) this process was started with. */
  config: Config<typeof subgraphEnv>;
}

/** Something `setup` started that runs beside requests (an outbox relay, an event consumer). */
export interface BackgroundWorker {
  name: string;
  /** Finishes the work in hand and stops; called at shutdown after HTTP has closed. */
  stop: () => Promise<void>;
}

/** What a subgraph's `setup` returns: its schema and the per-request DataLoaders. */
export interface SubgraphParts<TLoaders> {
  schema: GraphQLSchema;
  createLoaders: () => TLoaders;
  workers?: BackgroundWorker[];
  /**
   * Routes that need the built services (an upload handled by a service), added to
   * {@link SubgraphOptions.routes}; the same rules apply (no gateway signature checked for them).
   */
  routes?: Record<string, RouteHandler>;
}

/** A subgraph's request context: the shared one plus this request's DataLoaders. */
export type SubgraphContext<TLoaders = unknown> = RequestContext & { loaders: TLoaders };

/** Options of {@link startSubgraph}. */
export interface SubgraphOptions<TDb extends DatabaseClient, TLoaders> {
  domain: Domain;
  /** Creates the domain's Prisma client for its database URL. */
  createDatabase: (databaseUrl: string) => TDb;
  /** Builds services, schema and loaders from the open connections. */
  setup: (deps: SubgraphDeps<TDb>) => Promise<SubgraphParts<TLoaders>>;
  /**
   * Plain HTTP routes next to `/health` and `/ready`, keyed `"GET /.well-known/jwks.json"`,
   * `"POST /payments/webhook"`, ... Unlike `/graphql` they do not require the gateway's
   * signature (providers and the gateway call them directly), so each does its own checks.
   */
  routes?: Record<string, RouteHandler>;
  env?: NodeJS.ProcessEnv;
}

/** A running subgraph, as returned to `main.ts` and to in-process tests. */
export interface RunningSubgraph {
  port: number;
  server: Server;
  /** The graphql-ws endpoint on `/graphql`, when the schema has a Subscription type. */
  subscriptions?: SubscriptionServer;
  stop: () => Promise<void>;
}

/** Routes every subgraph serves itself. */
const BUILT_IN_ROUTES = ['GET /health', 'GET /ready'];

/**
 * Starts one subgraph process: validates configuration, opens the database, Redis and
 * NATS (failing fast with a clear reason), builds the schema and serves `/graphql` (to
 * the gateway only: requests must carry its signature), `GET /health` (alive), `GET
 * /ready` (dependencies answer) and the subgraph's own `routes`. A schema with a
 * Subscription type is also served over graphql-ws on `/graphql`, to the gateway only.
 */
export async function startSubgraph<TDb extends DatabaseClient, TLoaders>(
  options: SubgraphOptions<TDb, TLoaders>,
): Promise<RunningSubgraph> {
  const { domain } = options;
  const env = options.env ?? process.env;
  const config = loadConfig(subgraphEnv, env);
  const port = servicePort(domain, env);
  const log = createLogger({ service: domain, level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(log);
  const taken = Object.keys(options.routes ?? {}).find((key) => BUILT_IN_ROUTES.includes(key));
  if (taken) throw new Error(`route "${taken}" is served by every subgraph and cannot be replaced`);

  try {
    const databaseUrl = databaseUrlFor(domain, config, env);
    await assertDatabaseReachable(databaseUrl);
    const db: TDb = options.createDatabase(databaseUrl);
    lifecycle.add('database', () => db.$disconnect());
    const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX);
    lifecycle.add('redis', () => redis.quit());
    await redis.connect().catch((error: Error) => {
      throw new Error(`Redis at ${config.REDIS_URL} is not reachable (${error.message})`);
    });
    const nats = await connectNats(config.NATS_URL, domain).catch((error: Error) => {
      throw new Error(`NATS at ${config.NATS_URL} is not reachable (${error.message})`);
    });
    lifecycle.add('nats', () => nats.drain());

    const parts = await options.setup({ db, redis, nats, log, config });
    const takenBySetup = Object.keys(parts.routes ?? {}).find((key) => BUILT_IN_ROUTES.includes(key));
    if (takenBySetup) throw new Error(`route "${takenBySetup}" is served by every subgraph and cannot be replaced`);
    for (const worker of parts.workers ?? []) lifecycle.add(worker.name, worker.stop);
    const apollo = new ApolloServer<SubgraphContext<TLoaders>>({
      schema: parts.schema,
      // Subgraphs are reached through the gateway only; it decides what clients may see.
      introspection: true,
      includeStacktraceInErrorResponses: false,
      plugins: [ApolloServerPluginInlineTraceDisabled(), entityLimitPlugin({ maxRepresentations: config.MAX_ENTITY_REPRESENTATIONS })],
      formatError: (formatted, error) => formatGraphQLError(formatted, error, log),
    });
    await apollo.start();
    lifecycle.add('graphql', () => apollo.stop());

    // Who calls comes only from the gateway's signed header, verified by the HTTP server.
    const context = async (_req: IncomingMessage, trace: TraceContext, forwarded?: ForwardedCaller): Promise<SubgraphContext<TLoaders>> => ({
      identity: forwarded?.identity ?? null,
      clientIp: forwarded?.clientIp ?? null,
      trace,
      log: log.child({ traceId: trace.traceId, spanId: trace.spanId }),
      loaders: parts.createLoaders(),
    });
    let subscriptions: SubscriptionServer | undefined;
    const builtInRoutes: Record<string, RouteHandler> = {
      // Subscription counts let operators (and tests) see that closed subscriptions are let go.
      'GET /health': (_req, res) =>
        sendJson(res, 200, {
          status: 'ok',
          service: domain,
          ...(subscriptions && { subscriptions: { connections: subscriptions.openConnections(), active: subscriptions.activeSubscriptions() } }),
        }),
      'GET /ready': async (_req, res) => {
        const checks = {
          database: await db.$queryRawUnsafe('SELECT 1').then(() => true, () => false),
          redis: await redis.ping().then(() => true, () => false),
          nats: !nats.isClosed(),
        };
        const ready = Object.values(checks).every(Boolean);
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', service: domain, checks });
      },
    };
    const server = createHttpServer({
      log,
      graphql: { server: apollo, context, gatewaySecret: config.GATEWAY_SECRET },
      routes: { ...options.routes, ...parts.routes, ...builtInRoutes },
    });
    // Same context as HTTP; the caller comes from the gateway's signed connection_init.
    subscriptions = parts.schema.getSubscriptionType()
      ? attachSubscriptionServer({ server, schema: parts.schema, log, gatewaySecret: config.GATEWAY_SECRET, context })
      : undefined;
    const boundPort = await listen(server, port, config.BIND_HOST);
    lifecycle.add('http', () => new Promise((resolve) => server.close(resolve)));
    // Added after HTTP so it stops first: open sockets would keep server.close waiting.
    if (subscriptions) lifecycle.add('subscriptions', () => subscriptions.stop());
    lifecycle.stopOnSignals();
    log.info({ port: boundPort }, `${domain} subgraph ready at http://${config.BIND_HOST}:${boundPort}/graphql`);
    return { port: boundPort, server, subscriptions, stop: () => lifecycle.stop() };
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}
