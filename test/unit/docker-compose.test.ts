/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so this
 * reads them against the code and checks what breaks silently: a service missing, an
 * environment variable the code never reads (a typo or a rename), a port that differs
 * between a service, its healthcheck and the gateway's routing, an entry point that does
 * not exist, a start order that lets a service boot before its migrations.
 */
import { authEnv } from '../../subgraphs/auth/src/auth-config';
import { usersEnv } from '../../subgraphs/users/src/users-config';
import { ordersEnv } from '../../subgraphs/orders/src/orders-config';
import { loadPaymentsConfig, paymentsEnv } from '../../subgraphs/payments/src/payments-config';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commonEnv, DEFAULT_PORTS, DOMAINS, type Domain, databaseUrlFor, loadConfig, redisEnv, servicePort, subgraphEnv } from '#kernel';
import { loadGatewayConfig } from '../../gateway/src/gateway-config';
import { repoRoot } from '../../scripts/repo-root';

const root = repoRoot();
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// ---- docker-compose.yml -------------------------------------------------------------------

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: unknown;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | { target: number; published?: string | number })[];
  restart?: string;
}

/**
 * Compose's variable substitution, as `docker compose up` does it with only `userEnv` in
 * `.env` (nothing by default): `${VAR:-default}` and `${VAR-default}` give the user's
 * value or the default, `$$` a `$`. A variable without a default would come out empty
 * without a `.env`, so it is reported.
 */
function interpolate(value: string, where: string, problems: string[], userEnv: Env = {}): string {
  return value.replace(/\$(?:\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (match, braced?: string, bare?: string) => {
    if (match === '$$') return '$';
    const expr = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(braced ?? bare!);
    if (!expr) {
      problems.push(`${where}: "${match}" is not valid compose interpolation`);
      return '';
    }
    const [, name, op, rest = ''] = expr;
    const given = userEnv[name!];
    if (op === ':-') return given || rest;
    if (op === '-') return given ?? rest;
    if (op === ':+' || op === '+') return '';
    problems.push(`${where}: \${${name}} has no default, so it is empty unless the user exports it (write \${${name}:-default})`);
    return '';
  });
}

function interpolateAll(node: unknown, where: string, problems: string[], userEnv: Env = {}): unknown {
  if (typeof node === 'string') return interpolate(node, where, problems, userEnv);
  if (Array.isArray(node)) return node.map((item, i) => interpolateAll(item, `${where}[${i}]`, problems, userEnv));
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateAll(value, `${where}.${key}`, problems, userEnv)]),
    );
  }
  return node;
}

const composeText = read('docker-compose.yml');
// `merge: true`: resolve `<<: *anchor` the way Compose does, so each service is seen with
// the environment it really gets.
const composeRaw = parse(composeText, { merge: true }) as Record<string, unknown>;
const interpolationProblems: string[] = [];
const compose = interpolateAll(composeRaw, 'docker-compose.yml', interpolationProblems) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
/** What the README and the file's header tell users to put in `.env` before `docker compose up`. */
const DOCUMENTED_USER_ENV: Env = {
  GATEWAY_SECRET: 'Qm9yaW5nIGJ1dCByYW5kb20gZW5vdWdoIGZvciBhIHRlc3Q',
  PAYMENT_SIMULATOR_SECRET: 'c2ltdWxhdG9yIHNlY3JldCBmb3IgdGVzdHM',
};
/** The services as Compose runs them without a `.env` (for checks that need no secret). */
const bareServices = compose.services ?? {};
/** The services as Compose runs them with the documented `.env`. */
const services = (interpolateAll(composeRaw, 'docker-compose.yml', [], DOCUMENTED_USER_ENV) as typeof compose).services ?? {};

/** A service's environment after anchors and interpolation, values as strings. */
function environmentOf(service: Service): Env {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep?.condition ?? 'service_started']));
}

const commandOf = (service: Service): string[] =>
  typeof service.command === 'string' ? service.command.split(/\s+/).filter(Boolean) : (service.command ?? []);

const healthcheckText = (service: Service): string => {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
};

/** Port and path probed by an app healthcheck such as `fetch('http://127.0.0.1:4001/health')`. */
function probed(service: Service): { host: string; port: number; path: string } | undefined {
  const match = /https?:\/\/([^:/'"\s]+):(\d+)(\/[^'"\s)]*)/.exec(healthcheckText(service));
  return match ? { host: match[1]!, port: Number(match[2]), path: match[3]! } : undefined;
}

// ---- Dockerfile -----------------------------------------------------------------------------

interface Stage {
  name?: string;
  from: string;
  instructions: { keyword: string; args: string }[];
}

function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim());
  const args: Env = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    if (!line || line.startsWith('#')) continue;
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/s.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      args[name!.trim()] = value.trim();
    } else if (upper === 'FROM') {
      const [image = '', , name] = rest.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => args[arg] ?? '').split(/\s+/);
      stages.push({ from: image, name, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args: rest });
    }
  }
  return stages;
}

/** `ENV A=1 B="two"` (or the legacy `ENV A 1`) as a map. */
function envOf(stage: Stage): Env {
  const env: Env = {};
  for (const { args } of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    if (!/^\w+=/.test(args)) {
      const [name, ...value] = args.split(/\s+/);
      env[name!] = value.join(' ');
      continue;
    }
    for (const [, name, value] of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      env[name!] = value!.replace(/^"(.*)"$/s, '$1');
    }
  }
  return env;
}

/** Absolute paths a stage's COPY instructions write, and the working directory. */
function copiedPaths(stage: Stage): { workdir: string; paths: string[] } {
  let workdir = '/';
  const paths: string[] = [];
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'WORKDIR') workdir = posix.resolve(workdir, args.trim());
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const words = args.split(/\s+/).filter((word) => !word.startsWith('--'));
    const dest = posix.resolve(workdir, words.at(-1)!);
    const sources = words.slice(0, -1);
    const intoDir = words.at(-1)!.endsWith('/') || sources.length > 1;
    for (const source of sources) paths.push(intoDir ? posix.join(dest, posix.basename(source)) : dest);
  }
  return { workdir, paths };
}

const dockerfileText = read('Dockerfile');
const stages = parseDockerfile(dockerfileText);
const runtime = stages.at(-1)!;
const runtimeEnv = envOf(runtime);
const runtimeFiles = copiedPaths(runtime);
/** Whether the runtime image holds `path` (absolute, or relative to its WORKDIR). */
const imageHas = (path: string) => {
  const absolute = posix.resolve(runtimeFiles.workdir, path);
  return runtimeFiles.paths.some((copied) => absolute === copied || absolute.startsWith(`${copied}/`));
};
const runCommands = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

// ---- what the code expects --------------------------------------------------------------------

const supergraphNames = Object.keys(
  (parse(read('supergraph.yaml')) as { subgraphs: Record<string, unknown> }).subgraphs,
);
const INFRA = ['mysql', 'redis', 'mongo', 'nats'] as const;
const MIGRATE = 'migrate';
const APP = [...DOMAINS, 'gateway'] as const;
const upper = (name: string) => name.toUpperCase();

/**
 * Variables each app process reads. Subgraphs: the kernel's `subgraphEnv` plus their own
 * `<DOMAIN>_PORT` and `<DOMAIN>_DATABASE_URL`. Gateway: the kernel's `commonEnv` and
 * `redisEnv`, its port, supergraph, timeout, JWKS and proxy settings (their names are
 * checked against `loadGatewayConfig` below) and one `<SUBGRAPH>_URL` per subgraph.
 * Migrations: the database settings.
 */
function knownEnv(service: string): Set<string> {
  if (service === 'gateway') {
    return new Set([
      ...Object.keys(commonEnv),
      ...Object.keys(redisEnv),
      'GATEWAY_PORT',
      'SUPERGRAPH_PATH',
      'SUBGRAPH_TIMEOUT_MS',
      'AUTH_JWKS_URL',
      'TRUST_PROXY',
      ...supergraphNames.map((name) => `${upper(name)}_URL`),
    ]);
  }
  if (service === MIGRATE) {
    return new Set([...Object.keys(commonEnv), 'DATABASE_URL', 'DATABASE_PREFIX', ...DOMAINS.map((d) => `${upper(d)}_DATABASE_URL`)]);
  }
  const names = new Set([...Object.keys(subgraphEnv), `${upper(service)}_PORT`, `${upper(service)}_DATABASE_URL`]);
  if (service === 'auth') for (const name of Object.keys(authEnv)) names.add(name);
  if (service === 'users') for (const name of Object.keys(usersEnv)) names.add(name);
  if (service === 'payments') for (const name of Object.keys(paymentsEnv)) names.add(name);
  if (service === 'orders') for (const name of Object.keys(ordersEnv)) names.add(name);
  return names;
}

// ---- checks -----------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('is a Compose spec file without the obsolete `version` key', () => {
    expect('version' in composeRaw, 'remove the top-level `version:` key (obsolete in the Compose spec)').toBe(false);
  });

  it('has a default for every ${VARIABLE}, so it runs without a .env file', () => {
    expect(interpolationProblems, interpolationProblems.join('\n')).toEqual([]);
  });

  it('defines every service the code expects', () => {
    for (const name of [...INFRA, MIGRATE, ...APP]) {
      expect(services[name], `service "${name}" is missing from docker-compose.yml`).toBeDefined();
    }
  });

  it('has one subgraph service per subgraph in supergraph.yaml', () => {
    expect([...supergraphNames].sort(), 'supergraph.yaml and kernel DOMAINS name different subgraphs').toEqual([...DOMAINS].sort());
  });

  it('runs every app service from the image the Dockerfile builds', () => {
    const images = new Set<string | undefined>();
    for (const name of [MIGRATE, ...APP]) {
      const service = services[name]!;
      expect(service.build, `service "${name}" does not build the Dockerfile (no \`build:\`)`).toBeDefined();
      expect(service.env_file, `service "${name}" uses env_file, which this test cannot check; use environment:`).toBeUndefined();
      expect(service.entrypoint, `service "${name}" overrides the entrypoint; set command: instead`).toBeUndefined();
      images.add(service.image);
    }
    expect(images.size, `app services use different images (${[...images].join(', ')}); they should share one`).toBe(1);
  });

  it('starts each app service from an entry point that exists as TypeScript source', () => {
    const expected: Record<string, string> = {
      [MIGRATE]: 'dist/scripts/migrate.js',
      gateway: 'dist/gateway/src/main.js',
      ...Object.fromEntries(DOMAINS.map((d) => [d, `dist/subgraphs/${d}/src/main.js`])),
    };
    for (const [name, entry] of Object.entries(expected)) {
      const command = commandOf(services[name]!);
      expect(command[0], `service "${name}" should run node, its command is ${JSON.stringify(command)}`).toBe('node');
      const script = command.find((word) => word.endsWith('.js'));
      expect(script, `service "${name}" runs ${JSON.stringify(script)}, expected ${entry}`).toBe(entry);
      const source = script!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(existsSync(join(root, source)), `service "${name}" runs ${script}, but ${source} does not exist`).toBe(true);
      expect(imageHas(script!), `service "${name}" runs ${script}, which the runtime image does not contain`).toBe(true);
    }
  });

  it('gives each app service only environment variables the code reads', () => {
    for (const name of [MIGRATE, ...APP]) {
      const known = knownEnv(name);
      const unknown = Object.keys(environmentOf(services[name]!)).filter((variable) => !known.has(variable));
      expect(unknown, `service "${name}" sets variables the code never reads: ${unknown.join(', ')}`).toEqual([]);
    }
  });

  it('gives each subgraph a valid configuration with its port and database', () => {
    for (const domain of DOMAINS) {
      const env = { ...runtimeEnv, ...environmentOf(services[domain]!) };
      const config = loadConfig(subgraphEnv, env); // throws a ConfigError naming the bad variable
      expect(config.BIND_HOST, `${domain} must listen on 0.0.0.0 in a container, not ${config.BIND_HOST}`).toBe('0.0.0.0');
      expect(env[`${upper(domain)}_PORT`], `${domain} does not set ${upper(domain)}_PORT`).toBeDefined();
      const port = servicePort(domain, env);
      const probe = probed(services[domain]!);
      expect(probe, `${domain}'s healthcheck does not fetch http://127.0.0.1:<port>/health`).toBeDefined();
      expect(probe!.port, `${domain} listens on ${port} but its healthcheck probes ${probe!.port}`).toBe(port);
      expect(probe!.path, `${domain}'s healthcheck probes ${probe!.path}, not /health`).toBe('/health');
      expect(probe!.host, `${domain}'s healthcheck should probe 127.0.0.1 (localhost may resolve to ::1)`).toBe('127.0.0.1');

      const database = new URL(databaseUrlFor(domain, config, env));
      expect(services[database.hostname], `${domain}'s database host "${database.hostname}" is not a compose service`).toBeDefined();
      for (const variable of ['REDIS_URL', 'NATS_URL', 'MONGO_URL'] as const) {
        if (!env[variable]) continue;
        const host = new URL(env[variable]).hostname;
        expect(services[host], `${domain}'s ${variable} points at "${host}", which is not a compose service`).toBeDefined();
      }
    }
  });

  it('gives the gateway and every subgraph one GATEWAY_SECRET, and production refuses to start without it', () => {
    for (const name of APP) {
      const env = { ...runtimeEnv, ...environmentOf(services[name]!) };
      expect(env.GATEWAY_SECRET, `${name} does not get GATEWAY_SECRET from .env`).toBe(DOCUMENTED_USER_ENV.GATEWAY_SECRET);
      const bare = { ...runtimeEnv, ...environmentOf(bareServices[name]!) };
      expect(() => loadConfig(commonEnv, bare), `${name} would start in production without a GATEWAY_SECRET`).toThrow(/GATEWAY_SECRET/);
    }
    expect(environmentOf(services[MIGRATE]!).GATEWAY_SECRET, 'migrate has no use for GATEWAY_SECRET').toBeUndefined();
  });

  it('points the payment simulator at the gateway\'s webhook route, and production refuses to start without its secret', () => {
    const payments = loadPaymentsConfig({ ...runtimeEnv, ...environmentOf(services.payments!) });
    const gatewayPort = loadGatewayConfig([], { ...runtimeEnv, ...environmentOf(services.gateway!) }).port;
    expect(payments.PAYMENT_WEBHOOK_URL).toBe(`http://gateway:${gatewayPort}/payments/webhook`);
    expect(payments.PAYMENT_SIMULATOR_SECRET).toBe(DOCUMENTED_USER_ENV.PAYMENT_SIMULATOR_SECRET);
    expect(() => loadPaymentsConfig({ ...runtimeEnv, ...environmentOf(bareServices.payments!) })).toThrow(/PAYMENT_SIMULATOR_SECRET/);
  });

  it('lets the gateway read the token deny-list where the auth subgraph writes it', () => {
    const gateway = loadGatewayConfig([], { ...runtimeEnv, ...environmentOf(services.gateway!) });
    const auth = loadConfig(subgraphEnv, { ...runtimeEnv, ...environmentOf(services.auth!) });
    expect(gateway.redisUrl, 'the gateway and auth use different Redis servers').toBe(auth.REDIS_URL);
    expect(gateway.redisKeyPrefix, 'the gateway and auth use different REDIS_KEY_PREFIX values').toBe(auth.REDIS_KEY_PREFIX);
    expect(dependsOn(services.gateway!).redis, 'the gateway must wait for redis to be healthy').toBe('service_healthy');
  });

  it('routes the gateway to exactly the five subgraphs, on the ports they listen on', () => {
    const env = { ...runtimeEnv, ...environmentOf(services.gateway!) };
    const config = loadGatewayConfig([], env);
    expect(config.bindHost, `the gateway must listen on 0.0.0.0 in a container, not ${config.bindHost}`).toBe('0.0.0.0');
    expect(
      Object.keys(config.subgraphUrls).sort(),
      'the gateway\'s <SUBGRAPH>_URL overrides must cover exactly the subgraphs of supergraph.yaml ' +
        '(any other *_URL variable is taken for a subgraph)',
    ).toEqual([...supergraphNames].sort());
    for (const name of supergraphNames) {
      const url = new URL(config.subgraphUrls[name]!);
      const domain = name as Domain;
      const port = servicePort(domain, { ...runtimeEnv, ...environmentOf(services[domain]!) });
      expect(url.hostname, `${upper(name)}_URL should name the compose service "${name}", not "${url.hostname}"`).toBe(name);
      expect(Number(url.port), `${upper(name)}_URL uses port ${url.port} but ${name} listens on ${port}`).toBe(port);
      expect(url.pathname, `${upper(name)}_URL should end in /graphql`).toBe('/graphql');
    }

    const port = config.port;
    expect(probed(services.gateway!)?.port, `the gateway's healthcheck does not probe its port ${port}`).toBe(port);
    const published = (services.gateway!.ports ?? []).map((p) =>
      typeof p === 'string' ? Number(p.split(':').at(-1)!.split('/')[0]) : p.target,
    );
    expect(published, `the gateway listens on ${port} but publishes container ports ${published.join(', ') || 'none'}`).toContain(port);
    const supergraph = env.SUPERGRAPH_PATH ?? 'supergraph.graphql';
    expect(imageHas(supergraph), `SUPERGRAPH_PATH=${supergraph} is not a file the runtime image contains`).toBe(true);
  });

  it('publishes MySQL, Redis, NATS and MongoDB on the host ports the code defaults to', () => {
    // The README's quick start runs the services on the host against `docker compose up mysql redis nats mongo`.
    const defaults = loadConfig(subgraphEnv, {});
    const expected: Record<string, number> = {
      mysql: Number(new URL(defaults.DATABASE_URL).port || 3306),
      redis: Number(new URL(defaults.REDIS_URL).port || 6379),
      nats: Number(new URL(defaults.NATS_URL).port || 4222),
      mongo: 27017,
    };
    for (const [name, port] of Object.entries(expected)) {
      const published = (services[name]!.ports ?? []).map(String);
      expect(
        published.some((mapping) => mapping.endsWith(`:${port}:${port}`)),
        `${name} should publish host port ${port} to container port ${port} (has ${published.join(', ') || 'none'})`,
      ).toBe(true);
    }
  });

  it('starts every app service after the migrations, and subgraphs after Redis and NATS', () => {
    expect(dependsOn(services[MIGRATE]!).mysql, 'migrate must wait for mysql to be healthy').toBe('service_healthy');
    for (const name of APP) {
      expect(dependsOn(services[name]!)[MIGRATE], `${name} must depend on migrate with condition service_completed_successfully`).toBe(
        'service_completed_successfully',
      );
    }
    for (const domain of DOMAINS) {
      for (const infra of ['redis', 'nats']) {
        expect(dependsOn(services[domain]!)[infra], `${domain} must wait for ${infra} to be healthy`).toBe('service_healthy');
      }
    }
    for (const domain of DOMAINS) {
      expect(dependsOn(services.gateway!)[domain], `the gateway must wait for ${domain} to be healthy`).toBe('service_healthy');
    }
  });

  it('only depends on services that exist and can satisfy the condition', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, condition] of Object.entries(dependsOn(service))) {
        expect(services[target], `${name} depends on "${target}", which is not a service`).toBeDefined();
        if (condition === 'service_healthy') {
          expect(services[target]!.healthcheck?.test, `${name} waits for ${target} to be healthy, but ${target} has no healthcheck`).toBeDefined();
        }
      }
    }
    const restart = services[MIGRATE]!.restart ?? 'no';
    expect(['no', 'on-failure'], `migrate is one-shot; restart: ${restart} would rerun it forever`).toContain(restart);
  });

  it('has a healthcheck on every long-running service', () => {
    for (const name of [...INFRA, ...APP]) {
      const service = services[name]!;
      expect(service.healthcheck?.disable, `${name}'s healthcheck is disabled`).not.toBe(true);
      expect(healthcheckText(service), `${name} has no healthcheck`).not.toBe('');
    }
    expect(healthcheckText(services.nats!), 'the nats healthcheck should query the monitoring endpoint /healthz').toContain(':8222/healthz');
    expect(commandOf(services.nats!).join(' '), 'nats must run with JetStream (-js) and monitoring (-m 8222)').toMatch(/-js\b.*-m 8222|-m 8222.*-js\b/);
    expect(
      services.nats!.image,
      'the nats healthcheck uses wget, which only the alpine variant of the nats image has',
    ).toMatch(/alpine/);
  });

  it('declares every named volume it mounts', () => {
    for (const [name, service] of Object.entries(services) as [string, Service & { volumes?: string[] }][]) {
      for (const mount of service.volumes ?? []) {
        const source = mount.split(':')[0]!;
        if (source.startsWith('.') || source.startsWith('/')) continue;
        expect(compose.volumes?.[source] !== undefined, `${name} mounts volume "${source}", which is not declared under volumes:`).toBe(
          true,
        );
      }
    }
  });
});

describe('the gateway variables hard-coded above are the ones loadGatewayConfig reads', () => {
  it('reads GATEWAY_PORT, SUPERGRAPH_PATH, SUBGRAPH_TIMEOUT_MS, AUTH_JWKS_URL and TRUST_PROXY', () => {
    const config = loadGatewayConfig([], {
      GATEWAY_PORT: '4999',
      SUPERGRAPH_PATH: '/x/s.graphql',
      SUBGRAPH_TIMEOUT_MS: '1234',
      AUTH_JWKS_URL: 'https://keys.example/jwks.json',
      TRUST_PROXY: 'true',
    });
    expect(config.port, 'GATEWAY_PORT is no longer read by the gateway').toBe(4999);
    expect(config.supergraphPath, 'SUPERGRAPH_PATH is no longer read by the gateway').toBe('/x/s.graphql');
    expect(config.subgraphTimeoutMs, 'SUBGRAPH_TIMEOUT_MS is no longer read by the gateway').toBe(1234);
    expect(config.jwksUrl, 'AUTH_JWKS_URL is no longer read by the gateway').toBe('https://keys.example/jwks.json');
    expect(config.subgraphUrls, 'AUTH_JWKS_URL must not be taken for a subgraph URL').toEqual({});
    expect(config.trustProxy, 'TRUST_PROXY is no longer read by the gateway').toBe(true);
    expect(DEFAULT_PORTS.gateway).toBe(loadGatewayConfig([], {}).port);
  });
});

describe('Dockerfile', () => {
  it('builds on Node 20 or later, in a build and a runtime stage', () => {
    expect(stages.length, 'the Dockerfile should have a build stage and a runtime stage').toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const major = Number(/^node:(\d+)/.exec(stage.from)?.[1]);
      expect(major >= 20, `stage ${stage.name ?? ''} is FROM ${stage.from}; package.json needs node >= 20.19`).toBe(true);
    }
  });

  it('generates the Prisma clients and compiles in the build stage', () => {
    const build = stages.slice(0, -1).flatMap(runCommands).join('\n');
    expect(build, 'the build stage never runs `npm ci`').toMatch(/npm ci\b/);
    expect(build, 'the build stage never generates the Prisma clients (npm run generate / postinstall)').toMatch(
      /npm run generate|prisma-generate\.js|npm ci(?![^\n]*--ignore-scripts)/,
    );
    expect(build, 'the build stage never runs `npm run build`').toMatch(/npm run build/);
  });

  it('installs production dependencies without the postinstall that needs the prisma CLI', () => {
    const install = runCommands(runtime).find((command) => /npm ci/.test(command));
    expect(install, 'the runtime stage does not run npm ci').toBeDefined();
    expect(install, 'the runtime stage should install with --omit=dev').toMatch(/--omit=dev/);
    expect(install, 'postinstall runs `prisma generate`, and prisma is a devDependency: add --ignore-scripts').toMatch(/--ignore-scripts/);
  });

  it('holds what the services read at run time', () => {
    const needed = ['package.json', 'supergraph.graphql', 'supergraph.yaml', ...DOMAINS.map((d) => `prisma/${d}/migrations`)];
    for (const path of needed) {
      expect(existsSync(join(root, path)), `${path} does not exist in the repository`).toBe(true);
    }
    for (const path of [...needed, 'dist']) {
      expect(imageHas(path), `the runtime image does not contain ${path}`).toBe(true);
    }
  });

  it('runs as a non-root user, in production mode, listening on every interface', () => {
    const user = runtime.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user && !/^(root|0)(:|$)/.test(user), `the runtime stage runs as ${user ?? 'root (no USER)'}`).toBe(true);
    expect(runtimeEnv.NODE_ENV, 'the runtime stage should set NODE_ENV=production').toBe('production');
    expect(runtimeEnv.BIND_HOST, 'the runtime stage should set BIND_HOST=0.0.0.0').toBe('0.0.0.0');
    const unknown = Object.keys(runtimeEnv).filter((name) => !(name in commonEnv) && name !== 'NODE_OPTIONS');
    expect(unknown, `the runtime stage sets variables the code never reads: ${unknown.join(', ')}`).toEqual([]);
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('keeps host installs, builds, generated clients and secrets out of the build context', () => {
    for (const pattern of ['node_modules', 'dist', '.git', 'subgraphs/*/src/generated', '.env']) {
      expect(ignored, `.dockerignore should exclude ${pattern}`).toContain(pattern);
    }
  });

  it('does not exclude what the image is built from', () => {
    const sources = ['package.json', 'package-lock.json', 'prisma', 'scripts', 'kernel', 'gateway', 'subgraphs'];
    for (const path of [...sources, 'supergraph.graphql', 'supergraph.yaml', 'tsconfig.json', 'tsconfig.build.json']) {
      expect(ignored, `.dockerignore excludes ${path}, which the Dockerfile needs`).not.toContain(path);
    }
  });
});
