import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { createConnection, type PoolConfig } from 'mariadb';

/** Options of {@link createPrismaClient}. */
export interface PrismaClientOptions {
  /** Connections in the pool; defaults to 10. */
  connectionLimit?: number;
}

/**
 * Connection settings for the `mariadb` driver from a `mysql://` or `mariadb://` URL
 * (the driver itself only accepts the `mariadb:` scheme).
 */
export function poolConfigFromUrl(databaseUrl: string): PoolConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
  };
}

/** Database name in a connection URL. */
export const databaseNameOf = (databaseUrl: string) => poolConfigFromUrl(databaseUrl).database ?? '';

/**
 * A domain's Prisma client over the MariaDB driver adapter (Prisma 7 has no built-in
 * driver). `PrismaClient` is the class generated for that domain.
 */
export function createPrismaClient<T>(
  PrismaClient: new (options: { adapter: PrismaMariaDb }) => T,
  databaseUrl: string,
  options: PrismaClientOptions = {},
): T {
  const adapter = new PrismaMariaDb({
    ...poolConfigFromUrl(databaseUrl),
    connectionLimit: options.connectionLimit ?? 10,
    // Fail fast when the database is down instead of queueing requests for 10 s.
    acquireTimeout: 5_000,
    connectTimeout: 3_000,
  } as ConstructorParameters<typeof PrismaMariaDb>[0]); // the adapter bundles its own copy of mariadb's types
  return new PrismaClient({ adapter });
}

/**
 * Opens and closes one plain connection to fail fast with the server's own reason
 * ("Unknown database ...", "Access denied ...") instead of the pool's generic timeout.
 */
export async function assertDatabaseReachable(databaseUrl: string): Promise<void> {
  const database = databaseNameOf(databaseUrl);
  try {
    const connection = await createConnection({ ...poolConfigFromUrl(databaseUrl), connectTimeout: 3_000 });
    await connection.end();
  } catch (error) {
    const { code, sqlMessage, message } = error as { code?: string; sqlMessage?: string; message: string };
    if (code === 'ER_BAD_DB_ERROR') throw new Error(`database ${database} does not exist; run \`npm run migrate\` to create it`);
    throw new Error(`database ${database} is not reachable (${sqlMessage ?? message.split('\n')[0]})`);
  }
}
