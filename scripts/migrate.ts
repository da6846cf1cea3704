/**
 * Applies the hand-written migrations in `prisma/<domain>/migrations/` to each domain's
 * database: our substitute for `prisma migrate deploy`.
 *
 * Why it exists: Prisma 7's CLI needs its native schema-engine binary for every `migrate`
 * command, and that binary cannot be downloaded in this environment (see the brief,
 * "Prisma 7 offline"). So the migrations are written by hand in Prisma's folder layout and
 * this runner records them in `_prisma_migrations` exactly the way Prisma does. A database
 * migrated here therefore stays manageable by `prisma migrate deploy`/`status` wherever the
 * engine is available, and vice versa.
 *
 * Run it with `node dist/scripts/migrate.js` (after `tsc`); it reads `DATABASE_URL`,
 * `DATABASE_PREFIX` and the optional `<DOMAIN>_DATABASE_URL` overrides.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Connection, createConnection } from 'mariadb';
import { DOMAINS, type Domain, databaseUrlFor, loadConfig, poolConfigFromUrl, subgraphEnv } from '#kernel';
import { repoRoot } from './repo-root';

/** Options of {@link migrateDatabase}. */
export interface MigrateOptions {
  /**
   * `mysql://` or `mariadb://` URL of the database to migrate, e.g.
   * `mysql://root@127.0.0.1:3306/shop_orders`. The database is created if missing.
   * Query parameters are ignored.
   */
  databaseUrl: string;
  /**
   * Folder holding `migration_lock.toml` and one `<timestamp>_<name>/migration.sql`
   * folder per migration, e.g. `prisma/orders/migrations`.
   */
  migrationsDir: string;
  /** Receives one line per step (lock taken, migration applied...). Defaults to silence. */
  log?: (message: string) => void;
}

/** Outcome of {@link migrateDatabase}. */
export interface MigrateResult {
  /** Names of the migrations applied by this call, in order; empty when up to date. */
  applied: string[];
}

/**
 * Thrown when the runner refuses to go on. `code` is the closest Prisma error code:
 * P3009 (a previous attempt failed), P3018 (a migration failed now), P3019 (wrong
 * provider in `migration_lock.toml`), or `CHECKSUM` for a migration edited after it was applied.
 */
export class MigrateError extends Error {
  override name = 'MigrateError';
  constructor(
    readonly code: 'P3009' | 'P3018' | 'P3019' | 'CHECKSUM' | 'LOCK',
    message: string,
  ) {
    super(message);
  }
}

/** How long a runner waits for another runner on the same database (Prisma waits 10 s). */
const LOCK_TIMEOUT_SECONDS = 60;

/** `_prisma_migrations` exactly as Prisma's MySQL connector creates it. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Server connection settings and the database name of a `mysql://` or `mariadb://` URL. */
export function parseDatabaseUrl(databaseUrl: string) {
  const { database, ...server } = poolConfigFromUrl(databaseUrl);
  if (!database) throw new Error('database URL names no database (expected mysql://host:port/<database>)');
  return { server, database };
}

const quoteIdentifier = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/**
 * Splits a migration script into statements so each runs on its own (the driver runs
 * one statement per query). A statement ends at a `;` that is the last thing on its line
 * and lies outside quotes and comments. Constraint: a `;` followed by more text on the
 * same line does not end a statement, and stored routines with inner `;` lines (which need
 * `DELIMITER`) are not supported. Prisma's generated SQL and ours satisfy this.
 * Chunks holding only comments or whitespace are dropped.
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const flush = (end: number) => {
    if (hasCode) statements.push(script.slice(start, end).trim());
    start = end;
    hasCode = false;
  };
  while (i < script.length) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '-' && next === '-' && /[\s]/.test(script[i + 2] ?? '\n')) {
      i = lineEnd(script, i);
    } else if (c === '#') {
      i = lineEnd(script, i);
    } else if (c === '/' && next === '*') {
      const close = script.indexOf('*/', i + 2);
      i = close === -1 ? script.length : close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      hasCode = true;
      i++;
      while (i < script.length && script[i] !== c) i += script[i] === '\\' && c !== '`' ? 2 : 1;
      i++;
    } else if (c === ';' && /^[ \t]*(\r?\n|$)/.test(script.slice(i + 1, lineEnd(script, i) + 1))) {
      flush(i + 1);
      i++;
    } else {
      if (!/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  flush(script.length);
  return statements.map((statement) => statement.replace(/;$/, ''));
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}

/** Migration folders (those holding a `migration.sql`), sorted by name as Prisma does. */
function readMigrations(migrationsDir: string): { name: string; script: Buffer }[] {
  if (!existsSync(migrationsDir)) throw new Error(`migrations folder not found: ${migrationsDir}`);
  const lockFile = path.join(migrationsDir, 'migration_lock.toml');
  if (existsSync(lockFile)) {
    const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(readFileSync(lockFile, 'utf8'))?.[1];
    if (provider !== 'mysql') {
      throw new MigrateError('P3019', `${lockFile} is for provider "${provider}", this runner only handles "mysql"`);
    }
  }
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, script: readFileSync(path.join(migrationsDir, name, 'migration.sql')) }));
}

/**
 * Brings one database up to date with a migrations folder, like `prisma migrate deploy`:
 * creates the database and `_prisma_migrations` if missing, refuses to continue after a
 * failed attempt or when an applied migration was edited, then applies the pending
 * migrations in name order. Concurrent runners on the same database queue on a MySQL
 * advisory lock, so each migration is applied once.
 */
export async function migrateDatabase(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const { server, database } = parseDatabaseUrl(options.databaseUrl);
  const migrations = readMigrations(options.migrationsDir);

  // No database in the connection settings: it may not exist yet.
  const conn = await createConnection({ ...server, connectTimeout: 5_000 });
  // GET_LOCK names are server-wide and at most 64 characters long.
  const lockName = `prisma_migrate:${database}`.length <= 64
    ? `prisma_migrate:${database}`
    : `prisma_migrate:${createHash('sha256').update(database).digest('hex').slice(0, 48)}`;
  try {
    const [lock] = await conn.query<{ locked: number | bigint | null }[]>('SELECT GET_LOCK(?, ?) AS locked', [
      lockName,
      LOCK_TIMEOUT_SECONDS,
    ]);
    if (Number(lock?.locked) !== 1) {
      throw new MigrateError(
        'LOCK',
        `another migration of ${database} held the lock "${lockName}" for more than ${LOCK_TIMEOUT_SECONDS} s`,
      );
    }
    log(`${database}: lock taken`);

    // Check first so a user without CREATE privileges can still migrate an existing database.
    const exists = await conn.query<unknown[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
      database,
    ]);
    if (exists.length === 0) {
      await conn.query(
        `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
      log(`${database}: database created`);
    }
    await conn.query(`USE ${quoteIdentifier(database)}`);
    await conn.query(CREATE_MIGRATIONS_TABLE);

    const rows = await conn.query<MigrationRow[]>(
      'SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at',
    );
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new MigrateError(
        'P3009',
        `found a failed migration in ${database}, new migrations will not be applied: ` +
          `\`${failed.migration_name}\` started at ${failed.started_at.toISOString()} and did not finish. ` +
          'Repair the database by hand, then mark it rolled back ' +
          `(prisma migrate resolve --rolled-back ${failed.migration_name}, or set its rolled_back_at).`,
      );
    }
    // Rows marked rolled back do not count: Prisma applies those migrations again.
    const applied = new Map(
      rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]),
    );

    const result: string[] = [];
    for (const migration of migrations) {
      const checksum = createHash('sha256').update(migration.script).digest('hex');
      const done = applied.get(migration.name);
      if (done) {
        if (done.checksum !== checksum) {
          throw new MigrateError(
            'CHECKSUM',
            `the migration \`${migration.name}\` was modified after it was applied to ${database} ` +
              `(recorded checksum ${done.checksum}, file has ${checksum}); restore the file and add a new migration instead`,
          );
        }
        continue;
      }
      await applyMigration(conn, migration.name, migration.script.toString('utf8'), checksum, database);
      log(`${database}: applied ${migration.name}`);
      result.push(migration.name);
    }
    return { applied: result };
  } finally {
    // Closing the session releases the lock too; this just makes it immediate.
    await conn.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => {});
    await conn.end().catch(() => {});
  }
}

/** Runs one migration and records it the way Prisma's schema engine does. */
async function applyMigration(
  conn: Connection,
  name: string,
  script: string,
  checksum: string,
  database: string,
): Promise<void> {
  const id = randomUUID();
  await conn.query('INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(3))', [
    id,
    checksum,
    name,
  ]);
  const statements = splitStatements(script);
  // MySQL commits each DDL statement implicitly, so a failure leaves the earlier ones applied:
  // the row stays unfinished (with the error in `logs`) and blocks later runs, as in Prisma.
  for (const [index, statement] of statements.entries()) {
    try {
      await conn.query(statement);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const where = `statement ${index + 1} of ${statements.length}`;
      await conn.query('UPDATE _prisma_migrations SET logs = ? WHERE id = ?', [`${where}: ${reason}`, id]);
      throw new MigrateError(
        'P3018',
        `migration \`${name}\` failed to apply to ${database} at ${where}: ${reason}. ` +
          'New migrations cannot be applied before the error is recovered from.',
      );
    }
  }
  await conn.query(
    'UPDATE _prisma_migrations SET finished_at = CURRENT_TIMESTAMP(3), applied_steps_count = 1 WHERE id = ?',
    [id],
  );
}

/** Migrates every domain's database, one after another. */
export async function migrateAll(
  options: { env?: NodeJS.ProcessEnv; log?: (message: string) => void } = {},
): Promise<{ domain: Domain; database: string; applied: string[] }[]> {
  const env = options.env ?? process.env;
  const config = loadConfig(
    { DATABASE_URL: subgraphEnv.DATABASE_URL, DATABASE_PREFIX: subgraphEnv.DATABASE_PREFIX },
    env,
  );
  const root = repoRoot();
  const results = [];
  for (const domain of DOMAINS) {
    const databaseUrl = databaseUrlFor(domain, config, env);
    const { applied } = await migrateDatabase({
      databaseUrl,
      migrationsDir: path.join(root, 'prisma', domain, 'migrations'),
      log: options.log,
    });
    results.push({ domain, database: parseDatabaseUrl(databaseUrl).database, applied });
  }
  return results;
}

// `require`/`module` are absent when vitest loads this file as an ES module.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  migrateAll().then(
    (results) => {
      for (const { domain, database, applied } of results) {
        console.log(`${domain} (${database}): ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
      }
    },
    (error: unknown) => {
      console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
