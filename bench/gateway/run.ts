/**
 * Gateway benchmark, scenario A: the shape of The Guild's graphql-gateways-benchmark, run
 * side by side on the same subgraphs for our gateway, the stock `@apollo/gateway` server
 * and Hive Gateway.
 *
 *   npm run bench:gateway
 *
 * Each gateway runs alone, pinned to core 0 (`taskset`); the subgraphs, this process and
 * the load generator (wrk) share core 1. Per gateway and round: start it, check its
 * answer, warm up, then two measured runs at BENCH_CONNECTIONS connections: identical
 * requests (no Authorization, as in the public benchmark), and a different valid access
 * token on every request (so no gateway can merge in-flight requests). wrk checks every
 * response against the expected bytes. Prints RPS, p50, p99 and peak RSS, as medians over
 * BENCH_ROUNDS rounds, with ratios to the stock gateway. Needs Redis (our gateway's token
 * deny-list and rate limit) and wrk (installed with apt-get when missing and allowed).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import jwt from 'jsonwebtoken';
import { BENCHMARK_QUERY, expectedBenchmarkData } from './benchmark-query';
import { BENCH_SUBGRAPHS, type BenchSubgraphUrls } from './subgraphs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Which gateways run, e.g. `shop` while tuning ours; the ratios need `stock`. */
const GATEWAYS = (process.env.BENCH_GATEWAYS ?? 'stock,hive,shop').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const GATEWAY_CORE = '0';
const LOAD_CORE = '1';
const repo = join(__dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'shop-bench-gateway-'));

type Mode = 'identical' | 'unique-auth';
const MODES: Mode[] = ['identical', 'unique-auth'];

/** One measured run of wrk. */
interface Run {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  rssMiB: number;
  failures: number;
}

/** A gateway under test: how to start it on a port. */
interface Contender {
  /** Short name for BENCH_GATEWAYS. */
  id: 'stock' | 'hive' | 'shop';
  name: string;
  start: (port: number) => ChildProcess;
}

function pinned(core: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn('taskset', ['-c', core, command, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  if (process.getuid?.() === 0 && !process.env.CI) {
    process.stdout.write('wrk is missing: installing it with apt-get\n');
    const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'wrk'], { stdio: 'inherit' });
    if (install.status === 0) return;
  }
  throw new Error('this benchmark needs wrk (apt-get install wrk)');
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the first line a child prints; rejects if it exits first. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Resident memory of a process and all its descendants, in MiB. */
function treeRssMiB(rootPid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  let kib = 0;
  for (const pid of parents.keys()) {
    let ancestor: number | undefined = pid;
    while (ancestor !== undefined && ancestor !== rootPid && ancestor > 1) ancestor = parents.get(ancestor);
    if (ancestor !== rootPid) continue;
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return kib / 1024;
}

/** Posts the benchmark query until the gateway answers; returns the answer's exact bytes once it is correct. */
async function checkedAnswer(url: string, child: ChildProcess): Promise<string> {
  const expected = expectedBenchmarkData();
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: BENCHMARK_QUERY }) });
      last = await response.text();
      if (response.status === 200) {
        const answer = JSON.parse(last) as { data?: unknown; errors?: unknown };
        if (answer.errors || !isDeepStrictEqual(answer.data, expected)) throw new Error(`wrong answer: ${last.slice(0, 500)}`);
        return last;
      }
    } catch (error) {
      if ((error as Error).message.startsWith('wrong answer')) throw error;
    }
    await sleep(250);
  }
  throw new Error(`the gateway did not answer within 60 s (last: ${last.slice(0, 300)})`);
}

async function runWrk(url: string, seconds: number, files: { body: string; expected: string; tokens: string }, gatewayPid: number): Promise<Run> {
  const wrk = pinned(LOAD_CORE, 'wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', '-s', join(__dirname, '..', '..', '..', 'bench', 'gateway', 'wrk.lua'), url, '--', files.body, files.expected, files.tokens]);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRssMiB(gatewayPid))), 500);
  let output = '';
  let errors = '';
  wrk.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  wrk.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => wrk.once('exit', resolve));
  clearInterval(sampler);
  peakRss = Math.max(peakRss, treeRssMiB(gatewayPid));
  const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${errors || output}`);
  if (errors) process.stderr.write(errors);
  const result = JSON.parse(line) as { requests: number; durationUs: number; p50Us: number; p99Us: number; socketErrors: number; httpErrors: number; mismatches: number };
  return {
    rps: result.requests / (result.durationUs / 1e6),
    p50Ms: result.p50Us / 1000,
    p99Ms: result.p99Us / 1000,
    rssMiB: peakRss,
    failures: result.socketErrors + result.httpErrors + result.mismatches,
  };
}

/** Serves a JWKS for our gateway and signs one access token per request the runs can make. */
async function startTokenIssuer(count: number): Promise<{ jwksUrl: string; tokensFile: string; server: Server }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `bench-${randomUUID()}`;
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(jwt.sign({ roles: ['CUSTOMER'], sid: randomUUID() }, privateKey, {
      algorithm: 'ES256', keyid: kid, issuer: 'shop-auth', audience: 'shop', subject: randomUUID(), jwtid: randomUUID(), expiresIn: '2h',
    }));
  }
  const tokensFile = join(work, 'tokens.txt');
  writeFileSync(tokensFile, `${tokens.join('\n')}\n`);
  return { jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`, tokensFile, server };
}

function contenders(supergraphPath: string, jwksUrl: string): Contender[] {
  const node = process.execPath;
  return [
    {
      id: 'stock',
      name: 'stock @apollo/gateway',
      start: (port) => pinned(GATEWAY_CORE, node, [join(__dirname, 'stock-apollo-gateway.js')], { SUPERGRAPH_PATH: supergraphPath, PORT: String(port) }),
    },
    {
      id: 'hive',
      name: 'Hive Gateway',
      start: (port) =>
        pinned(GATEWAY_CORE, join(repo, 'node_modules', '.bin', 'hive-gateway'), [
          '--config-path', join(repo, 'bench', 'gateway', 'hive-gateway.config.mjs'), '--fork', '1', '--host', '127.0.0.1', '--port', String(port), 'supergraph', supergraphPath,
        ], { NODE_ENV: 'production' }),
    },
    {
      id: 'shop',
      name: 'shop gateway',
      start: (port) =>
        pinned(GATEWAY_CORE, node, [join(repo, 'dist', 'gateway', 'src', 'main.js'), '--supergraph', supergraphPath, '--port', String(port)], {
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          GATEWAY_SECRET: randomBytes(32).toString('hex'),
          REDIS_URL,
          REDIS_KEY_PREFIX: `bench-${randomBytes(4).toString('hex')}:`,
          AUTH_JWKS_URL: jwksUrl,
          GATEWAY_RATE_LIMIT_POINTS: '10000000',
        }),
    },
  ];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function printTable(results: Map<string, Map<Mode, Run[]>>): void {
  const stock = 'stock @apollo/gateway';
  for (const mode of MODES) {
    process.stdout.write(`\nScenario A, ${mode === 'identical' ? 'identical requests' : 'a unique authorization per request'} (${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${SECONDS} s)\n`);
    process.stdout.write(`${'gateway'.padEnd(24)}${'RPS'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'RSS MiB'.padStart(9)}${'× stock'.padStart(9)}${'failed'.padStart(8)}\n`);
    const stockRuns = results.get(stock)?.get(mode);
    const stockRps = stockRuns ? median(stockRuns.map((run) => run.rps)) : Number.NaN;
    for (const [name, byMode] of results) {
      const runs = byMode.get(mode)!;
      const rps = median(runs.map((run) => run.rps));
      process.stdout.write(
        `${name.padEnd(24)}${rps.toFixed(0).padStart(9)}${median(runs.map((run) => run.p50Ms)).toFixed(1).padStart(9)}${median(runs.map((run) => run.p99Ms)).toFixed(1).padStart(9)}` +
          `${median(runs.map((run) => run.rssMiB)).toFixed(0).padStart(9)}${(Number.isNaN(stockRps) ? '-' : (rps / stockRps).toFixed(2)).padStart(9)}${String(runs.reduce((sum, run) => sum + run.failures, 0)).padStart(8)}\n`,
      );
    }
  }
}

async function main(): Promise<void> {
  ensureWrk();
  const subgraphs = pinned(LOAD_CORE, process.execPath, [join(__dirname, 'subgraphs.js')]);
  const issuer = await startTokenIssuer(Number(process.env.BENCH_TOKENS ?? 60_000));
  try {
    const urls = JSON.parse(await firstLine(subgraphs)) as BenchSubgraphUrls;
    const composition = composeServices(BENCH_SUBGRAPHS.map(({ name, typeDefs }) => ({ name, url: urls[name], typeDefs: parse(typeDefs) })));
    if (composition.errors) throw new Error(`composition failed: ${composition.errors.map((error) => error.message).join('; ')}`);
    const supergraphPath = join(work, 'supergraph.graphql');
    writeFileSync(supergraphPath, composition.supergraphSdl);
    const files = { body: join(work, 'request.json'), expected: join(work, 'expected.json'), tokens: '-' };
    writeFileSync(files.body, JSON.stringify({ query: BENCHMARK_QUERY }));

    const gateways = contenders(supergraphPath, issuer.jwksUrl).filter((gateway) => GATEWAYS.includes(gateway.id));
    const results = new Map(gateways.map((gateway) => [gateway.name, new Map<Mode, Run[]>(MODES.map((mode) => [mode, []]))]));
    for (let round = 0; round < ROUNDS; round++) {
      // A different order each round, so no gateway always runs on a warmer machine.
      for (const gateway of [...gateways.slice(round % gateways.length), ...gateways.slice(0, round % gateways.length)]) {
        const port = await freePort();
        const child = gateway.start(port);
        let log = '';
        child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
        child.stdout!.resume();
        const url = `http://127.0.0.1:${port}/graphql`;
        try {
          writeFileSync(files.expected, await checkedAnswer(url, child));
          await runWrk(url, WARMUP_SECONDS, files, child.pid!);
          for (const mode of MODES) {
            const run = await runWrk(url, SECONDS, { ...files, tokens: mode === 'unique-auth' ? issuer.tokensFile : '-' }, child.pid!);
            results.get(gateway.name)!.get(mode)!.push(run);
            process.stdout.write(`round ${round + 1} ${gateway.name.padEnd(22)} ${mode.padEnd(12)} ${run.rps.toFixed(0).padStart(6)} RPS  p50 ${run.p50Ms.toFixed(1)} ms  p99 ${run.p99Ms.toFixed(1)} ms  RSS ${run.rssMiB.toFixed(0)} MiB${run.failures ? `  FAILED ${run.failures}` : ''}\n`);
          }
        } catch (error) {
          throw new Error(`${gateway.name}: ${(error as Error).message}\n${log}`);
        } finally {
          await stopChild(child);
        }
      }
    }
    printTable(results);
    const failures = [...results.values()].flatMap((byMode) => [...byMode.values()].flat()).reduce((sum, run) => sum + run.failures, 0);
    if (failures) throw new Error(`${failures} responses were wrong or failed`);
  } finally {
    issuer.server.close();
    await stopChild(subgraphs);
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((error: Error) => {
  process.stderr.write(`gateway benchmark failed: ${error.message}\n`);
  process.exit(1);
});
