import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { createHttpServer, createLogger, formatGraphQLError, Lifecycle, listen, sendJson } from '#kernel';
import type { GatewayConfig } from './gateway-config';
import type { GatewayContext } from './gateway-context';
import { subgraphsOf, checkSubgraphs } from './readiness';
import { SubgraphDataSource } from './subgraph-data-source';

/** A running gateway. */
export interface RunningGateway {
  port: number;
  server: Server;
  stop: () => Promise<void>;
}

/**
 * Serves the supergraph at `/graphql`: `@apollo/gateway` plans and runs each operation
 * against the subgraphs named in the supergraph file. Production turns off
 * introspection and the Sandbox landing page; CSRF prevention stays on everywhere.
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
    const gateway = new ApolloGateway({
      supergraphSdl,
      buildService: ({ name, url }) => new SubgraphDataSource(name, config.subgraphUrls[name] ?? url!, config.subgraphTimeoutMs),
    });
    const apollo = new ApolloServer<GatewayContext>({
      gateway,
      introspection: !config.production,
      csrfPrevention: true,
      includeStacktraceInErrorResponses: false,
      formatError: (formatted, error) => formatGraphQLError(formatted, error, log),
      plugins: [
        config.production
          ? ApolloServerPluginLandingPageDisabled()
          : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      ],
    });
    await apollo.start();
    lifecycle.add('graphql', () => apollo.stop());

    const server = createHttpServer<GatewayContext>({
      log,
      graphql: {
        server: apollo,
        context: async (_req, trace) => ({ identity: null, trace, log: log.child({ traceId: trace.traceId, spanId: trace.spanId }) }),
      },
      routes: {
        'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
        'GET /ready': async (_req, res) => {
          const checks = await checkSubgraphs(subgraphs);
          const ready = Object.values(checks).every(Boolean);
          sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', service: 'gateway', supergraph: true, subgraphs: checks });
        },
      },
    });
    const port = await listen(server, config.port, config.bindHost);
    lifecycle.add('http', () => new Promise((resolve) => server.close(resolve)));
    lifecycle.stopOnSignals();
    log.info({ port, supergraph: config.supergraphPath }, `gateway ready at http://${config.bindHost}:${port}/graphql`);
    return { port, server, stop: () => lifecycle.stop() };
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}
