/**
 * The hand-written migrations (the Prisma schema engine cannot run offline, see
 * scripts/migrate.ts) must produce exactly what each domain's schema.prisma describes, and
 * the runner must record them the way `prisma migrate deploy` does. Needs the MySQL/MariaDB
 * server of DATABASE_URL (default mysql://root@127.0.0.1:3306); every database it creates is
 * named shop_drift_<random>_* and dropped afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Connection, createConnection } from 'mariadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS, loadConfig, subgraphEnv } from '#kernel';
import { migrateDatabase, parseDatabaseUrl, splitStatements } from '../../scripts/migrate';
import { repoRoot } from '../../scripts/repo-root';
import { findSchemaDrift } from '../support/schema-drift';

const root = repoRoot();
const migrationsDir = (domain: string) => path.join(root, 'prisma', domain, 'migrations');
const schemaOf = (domain: string) => readFileSync(path.join(root, 'prisma', domain, 'schema.prisma'), 'utf8');
const INIT = '20261124000000_init';
/** Every migration folder of a domain, in the order the runner applies them. */
const migrationNames = (domain: string) =>
  readdirSync(migrationsDir(domain), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

const { DATABASE_URL } = loadConfig({ DATABASE_URL: subgraphEnv.DATABASE_URL });
const run = randomBytes(4).toString('hex');
const created: string[] = [];
const urlOf = (database: string) => {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
};
/** URL of a new scratch database `shop_drift_<run>_<suffix>`, dropped in afterAll. */
function scratchDatabase(suffix: string): string {
  const name = `shop_drift_${run}_${suffix}`;
  created.push(name);
  return urlOf(name);
}

let admin: Connection;
beforeAll(async () => {
  admin = await createConnection(parseDatabaseUrl(urlOf('mysql')).server);
});
afterAll(async () => {
  for (const name of created) await admin?.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin?.end();
});

describe.each(DOMAINS)('%s migrations', (domain) => {
  it('produce exactly the tables, columns, keys and indexes of schema.prisma', async () => {
    const databaseUrl = scratchDatabase(domain);
    const { applied } = await migrateDatabase({ databaseUrl, migrationsDir: migrationsDir(domain) });
    expect(applied).toEqual(migrationNames(domain));

    const drift = await findSchemaDrift({ databaseUrl, datamodel: schemaOf(domain), label: domain });
    expect(drift, `prisma/${domain}: migrations and schema.prisma disagree:\n${drift.join('\n')}\n`).toEqual([]);
  });
});

describe('schema drift check', () => {
  it('reports every change made behind the migrations', async () => {
    const databaseUrl = scratchDatabase('tampered');
    await migrateDatabase({ databaseUrl, migrationsDir: migrationsDir('orders') });
    const { database } = parseDatabaseUrl(databaseUrl);
    await admin.query(`ALTER TABLE \`${database}\`.order_lines DROP COLUMN product_name`);
    await admin.query(`ALTER TABLE \`${database}\`.orders MODIFY currency CHAR(4) NOT NULL, ADD COLUMN note TEXT NULL`);
    await admin.query(`ALTER TABLE \`${database}\`.order_lines DROP FOREIGN KEY order_lines_order_id_fkey`);
    await admin.query(`ALTER TABLE \`${database}\`.orders DROP INDEX orders_status_payment_due_at_idx`);

    const drift = await findSchemaDrift({ databaseUrl, datamodel: schemaOf('orders'), label: 'orders' });
    expect(drift).toEqual(
      expect.arrayContaining([
        'orders.order_lines.product_name: missing column (field OrderLine.productName)',
        'orders.orders.currency: expected CHAR(3) NOT NULL, found CHAR(4) NOT NULL',
        'orders.orders.note: unexpected column TEXT NULL',
        'orders.orders: missing INDEX `orders_status_payment_due_at_idx`(status, payment_due_at)',
        expect.stringMatching(/^orders\.order_lines: missing FOREIGN KEY \(order_id\) REFERENCES orders\(id\) ON DELETE CASCADE/),
      ]),
    );
    expect(drift).toHaveLength(5);
  });
});

describe('migration runner', () => {
  const products = migrationsDir('products');
  const rowsOf = async (databaseUrl: string) =>
    admin.query<{ id: string; checksum: string; migration_name: string; finished_at: Date | null; rolled_back_at: Date | null; logs: string | null; applied_steps_count: number }[]>(
      `SELECT * FROM \`${parseDatabaseUrl(databaseUrl).database}\`._prisma_migrations`,
    );

  it('records migrations like Prisma and applies nothing the second time', async () => {
    const databaseUrl = scratchDatabase('rerun');
    expect(await migrateDatabase({ databaseUrl, migrationsDir: products })).toEqual({ applied: migrationNames('products') });
    expect(await migrateDatabase({ databaseUrl, migrationsDir: products })).toEqual({ applied: [] });

    const sha256 = createHash('sha256').update(readFileSync(path.join(products, INIT, 'migration.sql'))).digest('hex');
    const rows = await rowsOf(databaseUrl);
    expect(rows).toHaveLength(migrationNames('products').length);
    const init = rows.find((row) => row.migration_name === INIT);
    expect(init).toMatchObject({ migration_name: INIT, checksum: sha256, rolled_back_at: null, logs: null, applied_steps_count: 1 });
    expect(init!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(init!.finished_at).toBeInstanceOf(Date);
  });

  it('refuses when an applied migration no longer matches its file', async () => {
    const databaseUrl = scratchDatabase('checksum');
    await migrateDatabase({ databaseUrl, migrationsDir: products });
    await admin.query(`UPDATE \`${parseDatabaseUrl(databaseUrl).database}\`._prisma_migrations SET checksum = ?`, ['0'.repeat(64)]);
    await expect(migrateDatabase({ databaseUrl, migrationsDir: products })).rejects.toThrow(
      `the migration \`${INIT}\` was modified after it was applied`,
    );
  });

  it('records a failed migration and refuses to go on until it is resolved', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    try {
      for (const [name, sql] of [
        ['20260101000000_ok', 'CREATE TABLE a (id INT PRIMARY KEY);\n'],
        ['20260102000000_broken', "-- two statements; the second fails\nINSERT INTO a VALUES (1);\nINSERT INTO missing VALUES ('x;y');\n"],
      ] as const) {
        mkdirSync(path.join(dir, name));
        writeFileSync(path.join(dir, name, 'migration.sql'), sql);
      }
      const databaseUrl = scratchDatabase('failed');
      await expect(migrateDatabase({ databaseUrl, migrationsDir: dir })).rejects.toThrow(
        /migration `20260102000000_broken` failed to apply .* at statement 2 of 2: .*missing/,
      );
      const broken = (await rowsOf(databaseUrl)).find((row) => row.migration_name === '20260102000000_broken');
      expect(broken).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
      expect(broken!.logs).toMatch(/missing/);

      await expect(migrateDatabase({ databaseUrl, migrationsDir: dir })).rejects.toThrow(
        /found a failed migration .*`20260102000000_broken`/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies each migration once when two runners start together on a new database', async () => {
    const databaseUrl = scratchDatabase('concurrent');
    const results = await Promise.all([
      migrateDatabase({ databaseUrl, migrationsDir: products }),
      migrateDatabase({ databaseUrl, migrationsDir: products }),
    ]);
    expect(results.map((r) => r.applied).sort()).toEqual([[], migrationNames('products')]);
    expect(await rowsOf(databaseUrl)).toHaveLength(migrationNames('products').length);
  });

  it('splits scripts on line-ending semicolons outside quotes and comments', () => {
    expect(
      splitStatements("-- CreateTable; not here\nCREATE TABLE `a;` (x CHAR(1) DEFAULT ';');\n/* ; */\nINSERT INTO a VALUES ('a;\nb');\n-- trailing comment\n"),
    ).toEqual(["-- CreateTable; not here\nCREATE TABLE `a;` (x CHAR(1) DEFAULT ';')", "/* ; */\nINSERT INTO a VALUES ('a;\nb')"]);
  });
});
