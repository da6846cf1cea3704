import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DOMAINS, servicePort } from '#kernel';
import { migrateAll } from './migrate';
import { repoRoot } from './repo-root';

export const SERVICES = [...DOMAINS, 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Environment of every process; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** Receives each output line, prefixed with the service name; defaults to stdout. */
  output?: (line: string) => void;
  /**
   * Development reload: each service runs under `node --watch` and restarts when its
   * compiled files change (pair with `tsc --watch`, as `npm run dev` does).
   */
  watch?: boolean;
  /** Longest wait for all services to answer `/health`; default 60 s. */
  readyTimeoutMs?: number;
}

/** The running supergraph: five subgraphs and the gateway, each its own process. */
export interface Stack {
  gatewayUrl: string;
  /** Stops one service (SIGTERM, then SIGKILL after 5 s), e.g. to test a subgraph being down. */
  stopService(name: ServiceName): Promise<void>;
  /** Starts a stopped service again (no-op when it runs) and waits for its health check. */
  startService(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

const entryPoint = (name: ServiceName) =>
  join(repoRoot(), 'dist', ...(name === 'gateway' ? ['gateway', 'src', 'main.js'] : ['subgraphs', name, 'src', 'main.js']));

const healthUrl = (name: ServiceName, env: NodeJS.ProcessEnv) => `http://127.0.0.1:${servicePort(name, env)}/health`;

/**
 * Applies pending migrations (creating the databases), starts every service from its
 * compiled entry point and waits until each answers `/health`. Used by `npm start` and
 * by the e2e tests, so both run the supergraph the same way.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const env = { ...(options.env ?? process.env) };
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  await migrateAll({ env, log: (message) => output(`[migrate] ${message}`) });

  const children = new Map<ServiceName, ChildProcess>();
  let stopping = false;

  const launch = (name: ServiceName) => {
    const flags = ['--enable-source-maps', ...(options.watch ? ['--watch'] : [])];
    const child = spawn(process.execPath, [...flags, entryPoint(name)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `[${name}]`.padEnd(11);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => output(`${prefix}${line}`));
    }
    child.on('exit', (code, signal) => {
      if (children.get(name) === child) children.delete(name);
      if (!stopping) output(`${prefix}exited (${signal ?? `code ${code}`})`);
    });
    children.set(name, child);
    return child;
  };

  const waitHealthy = async (name: ServiceName) => {
    const child = children.get(name);
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited during start-up (see its log above)`);
      const ok = await fetch(healthUrl(name, env), { signal: AbortSignal.timeout(1_000) }).then((res) => res.ok, () => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new Error(`${name} did not become healthy within ${readyTimeoutMs} ms`);
  };

  const stopService = async (name: ServiceName) => {
    const child = children.get(name);
    if (!child) return;
    // 'close', not 'exit': the last log lines may still be in the pipe when the process exits.
    const exited = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const stop = async () => {
    stopping = true;
    await Promise.all([...children.keys()].map(stopService));
  };

  try {
    for (const name of SERVICES) launch(name);
    await Promise.all(SERVICES.map(waitHealthy));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gatewayUrl: `http://127.0.0.1:${servicePort('gateway', env)}/graphql`,
    stopService,
    startService: async (name) => {
      if (!children.has(name)) launch(name);
      await waitHealthy(name);
    },
    stop,
  };
}

if (require.main === module) {
  startStack({ watch: process.argv.includes('--watch') }).then(
    (stack) => {
      process.stdout.write(`\nSupergraph ready: ${stack.gatewayUrl} (Apollo Sandbox in a browser). Ctrl-C stops everything.\n\n`);
      const shutdown = () => void stack.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (error: Error) => {
      process.stderr.write(`npm start failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
