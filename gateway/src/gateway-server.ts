import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLFormattedError } from 'graphql';
import { createHttpServer, createLogger, createRedis, formatGraphQLError, Lifecycle, listen, sendJson, type Logger } from '#kernel';
import { Authenticator } from './authenticator';
import { avatarProxyRoutes } from './avatar-proxy';
import { webhookProxyRoutes } from './webhook-proxy';
import { clientIpOf } from './client-ip';
import type { GatewayConfig } from './gateway-config';
import type { GatewayContext } from './gateway-context';
import { FastGateway } from './execution/fast-gateway';
import { sharedQueryKey } from './execution/shared-queries';
import { JwksKeyStore, jwksUrlFor } from './jwks';
import { subgraphsOf, checkSubgraphs } from './readiness';
import { corsHandler } from './security/cors';
import { GatewayRateLimit } from './security/gateway-rate-limit';
import { withoutSuggestions } from './security/hide-suggestions';
import { formatOperationLimitError, operationLimitsPlugin, operationLimitsServerOptions } from './security/operation-limits-plugin';
import { SubgraphDataSource } from './subgraph-data-source';
import { attachGatewaySubscriptions, type GatewaySubscriptions } from './subscriptions/gateway-subscriptions';
import { SubscriptionPlanner } from './subscriptions/subscription-planner';

/** A running gateway. */
export interface RunningGateway {
  port: number;
  server: Server;
  stop: () => Promise<void>;
}

/**
 * Serves the supergraph at `/graphql`: `@apollo/gateway` plans and runs each operation
 * against the subgraphs named in the supergraph file. Each request's bearer token is
 * verified once, here; subgraphs get the resulting identity in a signed header.
 * Production turns off introspection, the Sandbox landing page and "Did you mean"
 * hints; CSRF prevention stays on everywhere, batched requests are refused. Every
 * operation is held to the limits in `config.operationLimits` and counted against the
 * rate limit, over HTTP and WebSocket; see gateway/src/security/.
 */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const log = createLogger({ service: 'gateway', level: config.logLevel });
  const lifecycle = new Lifecycle(log);
  try {
    let supergraphSdl: string;
    try {
      supergraphSdl = readFileSync(config.supergraphPath, 'utf8');
    } catch (error) {
      throw new Error(`cannot read supergraph ${config.supergraphPath} (${(error as Error).message}); run \`npm run compose\``);
    }
    const subgraphs = subgraphsOf(supergraphSdl, config.subgraphUrls);

    const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
    lifecycle.add('redis', () => redis.quit());
    await redis.connect().catch((error: Error) => {
      throw new Error(`Redis at ${config.redisUrl} is not reachable (${error.message})`);
    });
    const authUrl = subgraphs.find((subgraph) => subgraph.name === 'auth')?.url;
    const jwksUrl = config.jwksUrl ?? (authUrl ? jwksUrlFor(authUrl) : undefined);
    if (!jwksUrl) log.warn('no auth subgraph and no AUTH_JWKS_URL: every access token will be refused');
    const keys = jwksUrl ? new JwksKeyStore({ url: jwksUrl, log }) : undefined;
    const authenticator = new Authenticator({ keyFor: keys && ((kid) => keys.keyFor(kid)), redis });
    const rateLimit = new GatewayRateLimit({ redis, log, ...config.rateLimit });
    const formatError = (formatted: GraphQLFormattedError, error: unknown, errorLog: Logger) => {
      const safe = formatOperationLimitError(formatted, error, config.operationLimits) ?? formatGraphQLError(formatted, error, errorLog);
      return config.production ? withoutSuggestions(safe) : safe;
    };

    // One data source (one connection pool) per subgraph, for queries and subscriptions alike.
    const dataSources = new Map(
      subgraphs.map(({ name, url }) => [
        name,
        new SubgraphDataSource(name, config.subgraphUrls[name] ?? url, { timeoutMs: config.subgraphTimeoutMs, gatewaySecret: config.gatewaySecret }),
      ]),
    );
    lifecycle.add('subgraph connections', () => Promise.all([...dataSources.values()].map((source) => source.close())));
    // @apollo/gateway otherwise sends host details (OS, CPUs, memory) to Apollo every hour
    // over OTLP: a shop's gateway does not phone home unless its operator sets this to false.
    process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
    const apolloGateway = new ApolloGateway({ supergraphSdl, buildService: ({ name }) => dataSources.get(name)! });
    const planner = new SubscriptionPlanner(supergraphSdl);
    const gateway = new FastGateway(apolloGateway, planner, Object.fromEntries(dataSources));
    const apollo = new ApolloServer<GatewayContext>({
      gateway,
      introspection: !config.production,
      csrfPrevention: true,
      // Apollo's default, kept explicit: a JSON array of operations is refused (400 BAD_REQUEST).
      allowBatchedHttpRequests: false,
      hideSchemaDetailsFromClientErrors: config.production,
      ...operationLimitsServerOptions(config.operationLimits),
      includeStacktraceInErrorResponses: false,
      formatError: (formatted, error) => formatError(formatted, error, log),
      plugins: [
        operationLimitsPlugin({ limits: config.operationLimits, rateLimit }),
        config.production
          ? ApolloServerPluginLandingPageDisabled()
          : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      ],
    });
    await apollo.start();
    lifecycle.add('graphql', () => apollo.stop());

    // The users subgraph's avatar upload and images, served on this origin.
    const avatarRoutes = () => {
      const users = subgraphs.find((subgraph) => subgraph.name === 'users');
      if (!users) return {};
      return avatarProxyRoutes({
        usersOrigin: new URL(users.url).origin,
        authenticator,
        gatewaySecret: config.gatewaySecret,
        maxBytes: config.avatarMaxBytes,
        trustProxy: config.trustProxy,
        timeoutMs: config.subgraphTimeoutMs,
        log,
      });
    };
    // The payment provider's webhooks, on this origin.
    const webhookRoutes = () => {
      const payments = subgraphs.find((subgraph) => subgraph.name === 'payments');
      return payments ? webhookProxyRoutes({ paymentsOrigin: new URL(payments.url).origin, timeoutMs: config.subgraphTimeoutMs, log }) : {};
    };
    let subscriptions: GatewaySubscriptions | undefined;
    const server = createHttpServer<GatewayContext>({
      log,
      onRequest: corsHandler(config.corsOrigins),
      graphql: {
        server: apollo,
        timeoutMs: config.requestTimeoutMs,
        shareKey: sharedQueryKey({ trustProxy: config.trustProxy }),
        context: async (req, trace) => {
          const requestLog = log.child({ traceId: trace.traceId, spanId: trace.spanId });
          const identity = await authenticator.identify(req.headers.authorization, requestLog);
          return { identity, clientIp: clientIpOf(req, config.trustProxy), trace, log: requestLog };
        },
      },
      routes: {
        ...avatarRoutes(),
        ...webhookRoutes(),
        'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway', subscriptions: subscriptions?.stats() }),
        'GET /ready': async (_req, res) => {
          const [checks, redisUp] = await Promise.all([checkSubgraphs(subgraphs), redis.ping().then(() => true, () => false)]);
          const ready = redisUp && Object.values(checks).every(Boolean);
          sendJson(res, ready ? 200 : 503, {
            status: ready ? 'ready' : 'unavailable',
            service: 'gateway',
            supergraph: true,
            redis: redisUp,
            subgraphs: checks,
          });
        },
      },
    });
    // Subscriptions over graphql-ws on the same /graphql, planned by Apollo's query planner.
    subscriptions = attachGatewaySubscriptions({
      server,
      planner,
      serviceMap: Object.fromEntries(dataSources),
      subgraphUrls: Object.fromEntries(subgraphs.map(({ name, url }) => [name, config.subgraphUrls[name] ?? url])),
      authenticator,
      gatewaySecret: config.gatewaySecret,
      trustProxy: config.trustProxy,
      log,
      limits: config.operationLimits,
      rateLimit,
      formatError,
      ...config.subscriptions,
    });
    const port = await listen(server, config.port, config.bindHost);
    lifecycle.add('http', () => new Promise((resolve) => server.close(resolve)));
    // Added after HTTP so it stops first: open sockets would keep server.close waiting.
    const running = subscriptions;
    lifecycle.add('subscriptions', () => running.stop());
    lifecycle.stopOnSignals();
    log.info({ port, supergraph: config.supergraphPath }, `gateway ready at http://${config.bindHost}:${port}/graphql`);
    return { port, server, stop: () => lifecycle.stop() };
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}
