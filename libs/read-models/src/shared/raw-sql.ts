import { createHash } from 'node:crypto';
import { QueryFailedError, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';

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
 * Runs a statement inside `tx`, with `?` placeholders, on the driver's own connection, prepared once
 * per connection and reused: on SQLite (TypeORM's path costs more CPU than SQLite's work for such a
 * statement) and on PostgreSQL, where the placeholders become $1, $2, ... and the statement is a
 * named one (parsed and planned once per connection: an unnamed multi-row INSERT of 256 rows is
 * parsed and planned again each time, which cost about as much as inserting its rows).
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
  const { name, text } = namedStatement(sql);
  // The pg client itself: TypeORM's query() takes no statement name. Its errors are wrapped as TypeORM's would be.
  const client = (await runner.connect()) as { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows?: Row[] }> };
  try {
    return (await client.query({ name, text, values: [...values] })).rows ?? [];
  } catch (error) {
    throw new QueryFailedError(text, [...values], error as Error);
  }
}

/**
 * `sql` as a named PostgreSQL statement: its `?` placeholders numbered ($1, $2, ...), its name
 * derived from the text (the pg client refuses a name reused for another text; the tables are
 * schema-qualified, so each schema has its own). Remembered, as the same few statements recur.
 */
function namedStatement(sql: string): { name: string; text: string } {
  let named = namedStatements.get(sql);
  if (named === undefined) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    named = { name: `pangolin_${createHash('sha256').update(text).digest('hex').slice(0, 40)}`, text };
    if (namedStatements.size >= MAX_CACHED_STATEMENTS) namedStatements.clear();
    namedStatements.set(sql, named);
  }
  return named;
}

const namedStatements = new Map<string, { name: string; text: string }>();

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

/**
 * The rows of `select` (a SELECT ending in `WHERE <column>`) whose column holds one of `values`,
 * inside `tx`: on PostgreSQL in one statement (`= ANY` of the values as one array), on SQLite in
 * `IN` lists of a few fixed sizes (see fixedSizeChunks).
 */
export async function selectWhereIn<Row = ObjectLiteral>(tx: EntityManager, select: string, values: readonly unknown[]): Promise<Row[]> {
  if (values.length === 0) return [];
  if (tx.connection.options.type === 'postgres') return preparedQuery<Row>(tx, `${select} = ANY(?)`, [values]);
  const rows: Row[] = [];
  for (const chunk of fixedSizeChunks(values)) rows.push(...(await preparedQuery<Row>(tx, `${select} IN (${chunk.map(() => '?').join(', ')})`, chunk)));
  return rows;
}

/**
 * A PostgreSQL INSERT of any number of rows in one statement: its parameters are one array per
 * column, of the column's type (`types`, as PostgreSQL names them), so its text and plan do not
 * depend on the number of rows, and a batch's rows of a table go in one round trip.
 * `columns` are escaped already.
 */
export function columnsInsert(table: string, columns: readonly string[], types: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${types.map((type) => `?::${type}[]`).join(', ')})`;
}

/**
 * How the projections' multi-row INSERTs (and upserts) begin on SQLite. Inside a transaction, a
 * statement that writes several rows and may abort on a constraint makes SQLite keep a statement
 * journal (the original of every page the statement changes, in a temporary file) so that the abort
 * can undo the statement alone: measured, that was two thirds of the bytes a catch-up wrote (426 of
 * 657 MB for 50,000 events) and about 5% of its CPU. OR FAIL needs no statement journal: a failing
 * statement keeps the rows it wrote before the failure. Nothing keeps them: these statements run in
 * the runner's transaction, or in the savepoint of a last attempt, and any error of theirs ends the
 * transaction or savepoint in a rollback (no projection catches a database error and goes on).
 * The ON CONFLICT clause of an upsert still decides about the key it names; OR FAIL is about the rest.
 */
export const SQLITE_INSERT_ROWS = 'INSERT OR FAIL INTO';

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
