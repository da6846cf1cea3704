/**
 * Compares a migrated MySQL/MariaDB database with a Prisma schema: the check `prisma migrate
 * diff` would give us if its schema engine could run here (it cannot: see scripts/migrate.ts).
 *
 * What is compared, per model: the table (`@@map`, utf8mb4_unicode_ci collation), every
 * scalar column (`@map`, SQL type, nullability, default, AUTO_INCREMENT) and no extra
 * ones, the primary key, unique constraints and indexes (names from `map:` or Prisma's
 * naming convention, columns, prefix lengths, DESC) and foreign keys of relations
 * (columns, referenced table and columns, ON DELETE / ON UPDATE). No extra tables besides
 * `_prisma_migrations`.
 *
 * Assumptions: relationMode "foreignKeys" (the default); foreign key constraint names are
 * not compared because the DMMF does not expose `@relation(map:)`; literal DateTime and
 * `dbgenerated()` defaults are not compared.
 */
import { getDMMF } from '@prisma/internals';
import { createConnection } from 'mariadb';
import { parseDatabaseUrl } from '../../scripts/migrate';

type Datamodel = Awaited<ReturnType<typeof getDMMF>>['datamodel'];
type Model = Datamodel['models'][number];
type Field = Model['fields'][number];

/** Options of {@link findSchemaDrift}. */
export interface SchemaDriftOptions {
  /** URL of the migrated database, e.g. `mysql://root@127.0.0.1:3306/shop_orders`. */
  databaseUrl: string;
  /** Text of the Prisma schema the database should match. */
  datamodel: string;
  /** Prefix of each difference, e.g. the domain name; defaults to the database name. */
  label?: string;
}

/** MySQL's identifier length limit, which Prisma's default constraint names respect. */
const MAX_IDENTIFIER_LENGTH = 64;

/** Prisma's default constraint name: `<table>_<columns>_<suffix>`, truncated to 64 characters. */
export function defaultConstraintName(table: string, columns: readonly string[], suffix: 'key' | 'idx' | 'fkey') {
  const base = `${table}_${columns.join('_')}`;
  return `${base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length - 1)}_${suffix}`;
}

const FOREIGN_KEY_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/** Column type Prisma uses for a scalar without `@db.*`. */
const DEFAULT_TYPES: Record<string, string> = {
  String: 'VARCHAR(191)',
  Boolean: 'TINYINT(1)',
  Int: 'INT',
  BigInt: 'BIGINT',
  Float: 'DOUBLE',
  Decimal: 'DECIMAL(65,30)',
  DateTime: 'DATETIME(3)',
  Json: 'JSON',
  Bytes: 'LONGBLOB',
};

/** SQL type of a `@db.*` native type, in the normalized form of {@link actualType}. */
function nativeTypeSql(prismaType: string, name: string, args: readonly string[]): string {
  const unsigned = /^Unsigned(.*)$/.exec(name);
  if (unsigned) return `${nativeTypeSql(prismaType, unsigned[1]!, args)} UNSIGNED`;
  if (name === 'Int') return 'INT';
  if (name === 'TinyInt' && prismaType === 'Boolean') return 'TINYINT(1)';
  if (name === 'Decimal') return `DECIMAL(${args.length ? args.join(',') : '10,0'})`;
  return normalizeType(`${name.toUpperCase()}${args.length ? `(${args.join(',')})` : ''}`);
}

/** Drops what MySQL and MariaDB render differently: integer display widths and `(0)` precisions. */
function normalizeType(type: string): string {
  const upper = type.toUpperCase();
  if (upper.startsWith('TINYINT(1)')) return upper.replace(/ ZEROFILL/, '');
  return upper
    .replace(/^(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT)\(\d+\)/, '$1')
    .replace(/^INTEGER\b/, 'INT')
    .replace(/^(DATETIME|TIMESTAMP|TIME)\(0\)/, '$1')
    .replace(/ ZEROFILL/, '');
}

const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;
const isNumber = (text: string) => /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(text);
const normalizeNumber = (text: string) => (isNumber(text) ? String(Number(text)) : text);

/** Name of the function in `@default(fn())`, if the default is one. */
function defaultFunction(field: Field): string | undefined {
  const value: unknown = field.default;
  return value !== null && typeof value === 'object' && 'name' in value ? String(value.name) : undefined;
}

interface ColumnRow {
  TABLE_NAME: string;
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  DATA_TYPE: string;
  IS_NULLABLE: 'YES' | 'NO';
  COLUMN_DEFAULT: string | null;
  EXTRA: string;
}

interface IndexRow {
  TABLE_NAME: string;
  INDEX_NAME: string;
  NON_UNIQUE: number | bigint | string;
  COLUMN_NAME: string;
  SUB_PART: number | bigint | null;
  COLLATION: string | null;
  INDEX_TYPE: string;
}

interface ForeignKeyRow {
  CONSTRAINT_NAME: string;
  TABLE_NAME: string;
  COLUMN_NAME: string;
  REFERENCED_TABLE_NAME: string;
  REFERENCED_COLUMN_NAME: string;
  DELETE_RULE: string;
  UPDATE_RULE: string;
}

interface IndexDescription {
  kind: 'UNIQUE INDEX' | 'INDEX' | 'FULLTEXT INDEX';
  columns: string[];
}

const describeIndex = (name: string, index: IndexDescription) =>
  `${index.kind} \`${name}\`(${index.columns.join(', ')})`;

/**
 * Differences between the database at `databaseUrl` and the Prisma schema `datamodel`,
 * one readable line each, e.g.
 * `orders.order_lines.product_name: expected VARCHAR(200) NOT NULL, found VARCHAR(100) NOT NULL`.
 * Empty when they agree.
 */
export async function findSchemaDrift(options: SchemaDriftOptions): Promise<string[]> {
  const { datamodel } = await getDMMF({ datamodel: options.datamodel });
  const { server, database } = parseDatabaseUrl(options.databaseUrl);
  const label = options.label ?? database;
  const conn = await createConnection({ ...server, database });
  try {
    const [{ version }] = await conn.query<{ version: string }[]>('SELECT VERSION() AS version');
    const isMariaDb = /mariadb/i.test(version);
    const tables = await conn.query<{ TABLE_NAME: string; TABLE_COLLATION: string }[]>(
      "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
      [database],
    );
    const columns = await conn.query<ColumnRow[]>(
      `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [database],
    );
    const indexRows = await conn.query<IndexRow[]>(
      `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      [database],
    );
    const foreignKeyRows = await conn.query<ForeignKeyRow[]>(
      `SELECT k.CONSTRAINT_NAME, k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME,
              r.DELETE_RULE, r.UPDATE_RULE
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
       WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
       ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      [database],
    );
    // MariaDB stores JSON as LONGTEXT guarded by a json_valid() check named after the column.
    const jsonColumns = new Set<string>();
    if (isMariaDb) {
      const checks = await conn.query<{ TABLE_NAME: string; CONSTRAINT_NAME: string; CHECK_CLAUSE: string }[]>(
        'SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?',
        [database],
      );
      for (const check of checks) {
        if (/^json_valid\(`[^`]+`\)$/i.test(check.CHECK_CLAUSE)) jsonColumns.add(`${check.TABLE_NAME}.${check.CONSTRAINT_NAME}`);
      }
    }

    const actualType = (column: ColumnRow) => {
      if (jsonColumns.has(`${column.TABLE_NAME}.${column.COLUMN_NAME}`) && column.DATA_TYPE === 'longtext') return 'JSON';
      const enumMatch = /^(enum|set)\((.*)\)$/i.exec(column.COLUMN_TYPE);
      if (enumMatch) {
        const values = [...enumMatch[2]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => `'${m[1]}'`);
        return `${enumMatch[1]!.toUpperCase()}(${values.join(', ')})`;
      }
      return normalizeType(column.COLUMN_TYPE);
    };
    const actualDefault = (column: ColumnRow): string | undefined => {
      const raw = column.COLUMN_DEFAULT;
      // MariaDB reports a nullable column without default as the text NULL.
      if (raw === null || raw === 'NULL') return undefined;
      const now = /^current_timestamp(?:\((\d*)\))?$/i.exec(raw);
      if (now) return `CURRENT_TIMESTAMP(${now[1] || 0})`;
      if (raw.startsWith("'")) return raw; // MariaDB quotes literals
      // MySQL does not quote literals; it flags expressions with DEFAULT_GENERATED.
      if (isMariaDb || isNumber(raw) || /DEFAULT_GENERATED/i.test(column.EXTRA)) return normalizeNumber(raw);
      return quoteLiteral(raw);
    };
    const describeActual = (column: ColumnRow) => {
      const fallback = actualDefault(column);
      return [
        actualType(column),
        column.IS_NULLABLE === 'NO' ? 'NOT NULL' : 'NULL',
        fallback === undefined ? '' : `DEFAULT ${fallback}`,
        /auto_increment/i.test(column.EXTRA) ? 'AUTO_INCREMENT' : '',
      ]
        .filter(Boolean)
        .join(' ');
    };

    const differences: string[] = [];
    const tableName = (model: Model) => model.dbName ?? model.name;
    const modelsByName = new Map(datamodel.models.map((model) => [model.name, model]));
    const columnName = (model: Model, fieldName: string) => {
      const field = model.fields.find((f) => f.name === fieldName);
      return field?.dbName ?? fieldName;
    };

    const expectedType = (field: Field): string => {
      if (field.kind === 'enum') {
        const definition = datamodel.enums.find((e) => e.name === field.type);
        const values = (definition?.values ?? []).map((v) => quoteLiteral(v.dbName ?? v.name));
        return `ENUM(${values.join(', ')})`;
      }
      if (field.nativeType) return nativeTypeSql(field.type, field.nativeType[0], field.nativeType[1]);
      return DEFAULT_TYPES[field.type] ?? `<unsupported Prisma type ${field.type}>`;
    };
    /** `undefined`: no database default; `null`: not compared. */
    const expectedDefault = (field: Field, type: string): string | undefined | null => {
      const value = field.default;
      if (value === undefined || typeof value === 'object') {
        const fn = defaultFunction(field);
        if (fn === 'now') return `CURRENT_TIMESTAMP(${/\((\d+)\)/.exec(type)?.[1] ?? 0})`;
        if (fn === 'dbgenerated') return null;
        return undefined; // none, or uuid(), cuid(), autoincrement()...: set by the client or AUTO_INCREMENT
      }
      if (field.type === 'Json' || field.type === 'Bytes') return undefined; // MySQL allows no such literal defaults
      if (field.type === 'DateTime') return null;
      if (typeof value === 'boolean') return value ? '1' : '0';
      if (typeof value === 'number') return normalizeNumber(String(value));
      if (field.kind === 'enum') {
        const definition = datamodel.enums.find((e) => e.name === field.type);
        const member = definition?.values.find((v) => v.name === value);
        return quoteLiteral(member?.dbName ?? value);
      }
      return ['Int', 'BigInt', 'Float', 'Decimal'].includes(field.type) ? normalizeNumber(value) : quoteLiteral(value);
    };

    // Tables.
    const expectedTables = new Set(datamodel.models.map(tableName));
    for (const table of tables) {
      if (table.TABLE_NAME !== '_prisma_migrations' && !expectedTables.has(table.TABLE_NAME)) {
        differences.push(`${label}.${table.TABLE_NAME}: unexpected table (no model maps to it)`);
      }
    }

    for (const model of datamodel.models) {
      const table = tableName(model);
      const actualTable = tables.find((t) => t.TABLE_NAME === table);
      if (!actualTable) {
        differences.push(`${label}.${table}: missing table (model ${model.name})`);
        continue;
      }
      if (actualTable.TABLE_COLLATION !== 'utf8mb4_unicode_ci') {
        differences.push(`${label}.${table}: expected collation utf8mb4_unicode_ci, found ${actualTable.TABLE_COLLATION}`);
      }

      // Columns.
      const tableColumns = columns.filter((c) => c.TABLE_NAME === table);
      const scalarFields = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
      for (const field of scalarFields) {
        const name = field.dbName ?? field.name;
        const column = tableColumns.find((c) => c.COLUMN_NAME === name);
        const type = expectedType(field);
        const fallback = expectedDefault(field, type);
        const autoIncrement = defaultFunction(field) === 'autoincrement';
        if (!column) {
          differences.push(`${label}.${table}.${name}: missing column (field ${model.name}.${field.name})`);
          continue;
        }
        const actualFallback = actualDefault(column);
        const expected = [
          type,
          field.isRequired ? 'NOT NULL' : 'NULL',
          fallback === null ? (actualFallback === undefined ? '' : `DEFAULT ${actualFallback}`) : fallback === undefined ? '' : `DEFAULT ${fallback}`,
          autoIncrement ? 'AUTO_INCREMENT' : '',
        ]
          .filter(Boolean)
          .join(' ');
        const found = describeActual(column);
        if (expected !== found) differences.push(`${label}.${table}.${name}: expected ${expected}, found ${found}`);
      }
      const fieldColumns = new Set(scalarFields.map((f) => f.dbName ?? f.name));
      for (const column of tableColumns) {
        if (!fieldColumns.has(column.COLUMN_NAME)) {
          differences.push(`${label}.${table}.${column.COLUMN_NAME}: unexpected column ${describeActual(column)}`);
        }
      }

      // Primary key, unique constraints and indexes.
      const actualIndexes = new Map<string, IndexDescription>();
      for (const row of indexRows.filter((r) => r.TABLE_NAME === table)) {
        const kind = row.INDEX_TYPE === 'FULLTEXT' ? 'FULLTEXT INDEX' : Number(row.NON_UNIQUE) === 0 ? 'UNIQUE INDEX' : 'INDEX';
        const index = actualIndexes.get(row.INDEX_NAME) ?? { kind, columns: [] };
        index.columns.push(
          `${row.COLUMN_NAME}${row.SUB_PART === null ? '' : `(${row.SUB_PART})`}${row.COLLATION === 'D' ? ' DESC' : ''}`,
        );
        actualIndexes.set(row.INDEX_NAME, index);
      }
      const expectedIndexes = new Map<string, IndexDescription>();
      let expectedPrimaryKey: string[] = [];
      for (const index of datamodel.indexes.filter((i) => i.model === model.name)) {
        const indexColumns = index.fields.map((f) => columnName(model, f.name));
        const described = index.fields.map(
          (f, i) => `${indexColumns[i]}${f.length === undefined ? '' : `(${f.length})`}${f.sortOrder === 'desc' ? ' DESC' : ''}`,
        );
        if (index.type === 'id') {
          expectedPrimaryKey = described;
          continue;
        }
        const suffix = index.type === 'unique' ? 'key' : 'idx';
        const name = index.dbName ?? defaultConstraintName(table, indexColumns, suffix);
        const kind = index.type === 'unique' ? 'UNIQUE INDEX' : index.type === 'fulltext' ? 'FULLTEXT INDEX' : 'INDEX';
        expectedIndexes.set(name, { kind, columns: described });
      }
      const primaryKey = actualIndexes.get('PRIMARY')?.columns ?? [];
      if (primaryKey.join(', ') !== expectedPrimaryKey.join(', ')) {
        differences.push(
          `${label}.${table}: expected PRIMARY KEY (${expectedPrimaryKey.join(', ')}), found ${primaryKey.length ? `PRIMARY KEY (${primaryKey.join(', ')})` : 'no primary key'}`,
        );
      }
      for (const [name, expected] of expectedIndexes) {
        const actual = actualIndexes.get(name);
        if (!actual) differences.push(`${label}.${table}: missing ${describeIndex(name, expected)}`);
        else if (describeIndex(name, actual) !== describeIndex(name, expected)) {
          differences.push(`${label}.${table}: expected ${describeIndex(name, expected)}, found ${describeIndex(name, actual)}`);
        }
      }
      const tableForeignKeys = foreignKeyRows.filter((r) => r.TABLE_NAME === table);
      for (const [name, actual] of actualIndexes) {
        if (name === 'PRIMARY' || expectedIndexes.has(name)) continue;
        // MySQL adds an index named after a foreign key whose columns no other index covers.
        const backsForeignKey = tableForeignKeys.some((fk) => fk.CONSTRAINT_NAME === name);
        if (backsForeignKey && actual.kind === 'INDEX') continue;
        differences.push(`${label}.${table}: unexpected ${describeIndex(name, actual)}`);
      }

      // Foreign keys of the relations this model holds the scalar fields of.
      const actualForeignKeys = new Map<string, string>();
      for (const name of new Set(tableForeignKeys.map((r) => r.CONSTRAINT_NAME))) {
        const rows = tableForeignKeys.filter((r) => r.CONSTRAINT_NAME === name);
        const key = rows.map((r) => r.COLUMN_NAME).join(', ');
        actualForeignKeys.set(
          key,
          `FOREIGN KEY (${key}) REFERENCES ${rows[0]!.REFERENCED_TABLE_NAME}(${rows.map((r) => r.REFERENCED_COLUMN_NAME).join(', ')}) ` +
            `ON DELETE ${rows[0]!.DELETE_RULE} ON UPDATE ${rows[0]!.UPDATE_RULE}`,
        );
      }
      const expectedForeignKeys = new Set<string>();
      for (const relation of model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)) {
        const target = modelsByName.get(relation.type)!;
        const from = relation.relationFromFields!.map((f) => columnName(model, f));
        const to = (relation.relationToFields ?? []).map((f) => columnName(target, f));
        const required = relation.relationFromFields!.every((f) => model.fields.find((x) => x.name === f)?.isRequired);
        const onDelete = FOREIGN_KEY_ACTIONS[relation.relationOnDelete ?? (required ? 'Restrict' : 'SetNull')];
        const onUpdate = FOREIGN_KEY_ACTIONS[relation.relationOnUpdate ?? 'Cascade'];
        const key = from.join(', ');
        expectedForeignKeys.add(key);
        const expected = `FOREIGN KEY (${key}) REFERENCES ${tableName(target)}(${to.join(', ')}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
        const actual = actualForeignKeys.get(key);
        if (!actual) differences.push(`${label}.${table}: missing ${expected} (relation ${model.name}.${relation.name})`);
        else if (actual !== expected) differences.push(`${label}.${table}: expected ${expected}, found ${actual}`);
      }
      for (const [key, actual] of actualForeignKeys) {
        if (!expectedForeignKeys.has(key)) differences.push(`${label}.${table}: unexpected ${actual}`);
      }
    }
    return differences;
  } finally {
    await conn.end();
  }
}
