import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Raw SQL for the projections' hot statements. The projections run them for every batch in the
 * runner's transaction, and TypeORM's query builders and save() cost more CPU than the queries
 * themselves (save() also reads the row before writing it, and TypeORM's cache of prepared
 * statements is smaller than the projections' set); plain prepared statements keep the read side's
 * share of throughput down.
 */

/** The entity's table, schema-qualified when the data source has a schema, quoted for the driver. */
export function quotedTable(manager: EntityManager, entity: EntityTarget<ObjectLiteral>): string {
  const { schema, tableName } = manager.connection.getMetadata(entity);
  const { driver } = manager.connection;
  return schema ? `${driver.escape(schema)}.${driver.escape(tableName)}` : driver.escape(tableName);
}

/** Runs `sql` with `:name` parameters, written in the driver's placeholder style (? or $n). */
export function rawQuery<Row = ObjectLiteral>(manager: EntityManager, sql: string, parameters: ObjectLiteral = {}): Promise<Row[]> {
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
  return manager.query(query, values);
}

/**
 * Runs a statement inside `tx`, with `?` placeholders, on the driver's own connection: on SQLite
 * the statement is prepared once per connection and reused (TypeORM's path costs more CPU than
 * SQLite's work for such a statement); on PostgreSQL the placeholders become $1, $2, ...
 * Returns the rows of a statement that yields rows (a SELECT, `INSERT ... RETURNING`), else none.
 */
export async function preparedQuery<Row = ObjectLiteral>(tx: EntityManager, sql: string, values: readonly unknown[]): Promise<Row[]> {
  const runner = tx.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('prepared statements of the projections run inside a transaction');
  if (tx.connection.options.type === 'better-sqlite3') {
    const statement = preparedOn(runner.connection.driver as unknown as SqliteDriver, sql);
    if (statement.reader) return statement.all(...values) as Row[];
    statement.run(...values);
    return [];
  }
  const result = await runner.query(numberedPlaceholders(sql), [...values], true);
  return result.records ?? [];
}

/** `sql` with its `?` placeholders numbered as PostgreSQL wants them ($1, $2, ...); remembered, as the same few statements recur. */
function numberedPlaceholders(sql: string): string {
  let numbered = numberedTexts.get(sql);
  if (numbered === undefined) {
    let n = 0;
    numbered = sql.replace(/\?/g, () => `$${++n}`);
    if (numberedTexts.size >= MAX_CACHED_STATEMENTS) numberedTexts.clear();
    numberedTexts.set(sql, numbered);
  }
  return numbered;
}

const numberedTexts = new Map<string, string>();

interface SqliteDriver {
  databaseConnection: { prepare(sql: string): PreparedStatement };
}
interface PreparedStatement {
  readonly reader: boolean;
  all(...values: unknown[]): unknown[];
  run(...values: unknown[]): unknown;
}

const statements = new WeakMap<object, Map<string, PreparedStatement>>();
const MAX_CACHED_STATEMENTS = 512;

function preparedOn(driver: SqliteDriver, sql: string): PreparedStatement {
  const database = driver.databaseConnection;
  let cache = statements.get(database);
  if (!cache) statements.set(database, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    // Statements differ only in their number of rows, so few are ever made; the bound is a safeguard.
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    cache.set(sql, (statement = database.prepare(sql)));
  }
  return statement;
}

/** Statement sizes: rows go in chunks of these sizes only, so each table has a handful of distinct statements to prepare. */
const CHUNK_SIZES = [256, 64, 16, 4, 1];

/** `items` cut into chunks of CHUNK_SIZES, largest first. */
export function fixedSizeChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (const size of CHUNK_SIZES) {
    while (items.length - start >= size) {
      chunks.push(items.slice(start, start + size));
      start += size;
    }
  }
  return chunks;
}
