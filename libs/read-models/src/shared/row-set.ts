import { EntityNotFoundError, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { pangolinEvent, type PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import { columnsInsert, fixedSizeChunks, preparedQuery, quotedTable, selectWhereIn, SQLITE_INSERT_ROWS } from './raw-sql';

/**
 * The rows of one read-model table that a batch of events touches, held in memory while the batch
 * is applied, so a projection applies a batch set by set rather than event by event:
 *
 *   1. `load` the stored rows the batch will read, in one query per column (a projection scans the
 *      batch's events for the keys first; on PostgreSQL the keys go as one array, on SQLite in
 *      lists of a few fixed sizes), and anything read later that was not loaded is loaded then;
 *   2. apply the events in log order to the rows in memory (`get`, `where`, `insert`, `update`,
 *      `delete`): a later event of the batch sees what an earlier one did;
 *   3. `flush`: the changed rows go back in multi-row upserts, the deleted ones in a DELETE.
 *
 * It behaves as the same statements run one by one would: updating or deleting a row that does not
 * exist does nothing, inserting a row whose key is taken throws, and the flushed rows are those the
 * statements would have left. Values go through the driver's own conversions (TypeORM's
 * preparePersistentValue and prepareHydratedValue), so rows read the same as rows TypeORM wrote.
 * Statements are raw and prepared (see raw-sql.ts) and of a few fixed sizes (on PostgreSQL, one per
 * kind whatever the number of rows: the values go as arrays), so few are ever made.
 */
export class RowSet<Row extends ObjectLiteral> {
  private readonly entries = new Map<string, Entry<Row>>();
  /**
   * For each column `where` was asked about: the keys of the rows that held each value (a superset:
   * a row whose value changed since stays listed, and `where` checks). Without it, every `where`
   * scanned every row of the set, and a batch of thousands of events asks thousands of times.
   */
  private readonly indexes = new Map<string, Map<unknown, Set<string>>>();
  private readonly loaded = new Map<string, Set<unknown>>();
  /** Rows of a table only ever appended to, written with a plain INSERT: the database refuses a taken key. */
  private readonly appended: Row[] = [];
  private readonly table: string;
  private readonly columns: readonly ColumnMetadata[];
  private readonly keyColumns: readonly ColumnMetadata[];
  /** The columns a secondary index or unique constraint holds, but the key (see flush). */
  private readonly indexedColumns: ReadonlySet<string>;
  private readonly columnsByProperty: ReadonlyMap<string, ColumnMetadata>;
  private readonly metadata: EntityMetadata;

  constructor(
    private readonly tx: EntityManager,
    private readonly entity: EntityTarget<Row>,
  ) {
    const metadata = tx.connection.getMetadata(entity);
    this.metadata = metadata;
    this.table = quotedTable(tx, entity);
    this.columns = metadata.columns;
    this.keyColumns = metadata.primaryColumns;
    this.columnsByProperty = new Map(metadata.columns.map((column) => [column.propertyName, column]));
    const keys = new Set(metadata.primaryColumns.map(({ propertyName }) => propertyName));
    this.indexedColumns = new Set(
      [...metadata.indices, ...metadata.uniques].flatMap(({ columns }) => columns.map(({ propertyName }) => propertyName)).filter((property) => !keys.has(property)),
    );
  }

  /** Loads the stored rows whose `column` holds one of `values`, but for values already loaded. */
  async load(column: keyof Row & string, values: Iterable<unknown>): Promise<void> {
    let done = this.loaded.get(column);
    if (!done) this.loaded.set(column, (done = new Set()));
    const wanted = [...new Set(values)].filter((value) => value !== undefined && value !== null && !done.has(value));
    if (wanted.length === 0) return;
    for (const value of wanted) done.add(value);
    const metadata = this.column(column);
    const select = this.statement(`select ${column}`, () => `SELECT ${this.columns.map(({ databaseName }) => this.escape(databaseName)).join(', ')} FROM ${this.table} WHERE ${this.escape(metadata.databaseName)}`);
    const rows = await selectWhereIn(this.tx, select, wanted.map((value) => this.persisted(value, metadata)));
    for (const stored of rows) {
      const row = this.hydrated(stored);
      const key = this.keyOf(row);
      // What the batch did to a row wins over what is stored.
      if (!this.entries.has(key)) this.add(key, { row, stored: true, changed: false, changedColumns: new Set(), order: this.entries.size });
    }
  }

  /** The row with this primary key as the batch left it, if any. */
  async get(key: Partial<Row>): Promise<Row | undefined> {
    const column = this.keyColumns[0].propertyName;
    // Most gets find their row loaded already (a batch reads what it prefetched): no load to start then.
    if (!this.loaded.get(column)?.has(key[column])) await this.load(column, [key[column]]);
    return this.entries.get(this.keyOf(key))?.row ?? undefined;
  }

  /** As `get`, but throws as TypeORM's findOneByOrFail does when there is no such row. */
  async getOrFail(key: Partial<Row>): Promise<Row> {
    const row = await this.get(key);
    if (!row) throw new EntityNotFoundError(this.entity, key);
    return row;
  }

  /** The rows whose `column` holds `value`, as the batch left them. */
  async where<Column extends keyof Row & string>(column: Column, value: Row[Column]): Promise<Row[]> {
    await this.load(column, [value]);
    let index = this.indexes.get(column);
    if (!index) {
      this.indexes.set(column, (index = new Map()));
      for (const [key, { row }] of this.entries) if (row) indexed(index, row[column], key);
    }
    const found: Entry<Row>[] = [];
    for (const key of index.get(value) ?? []) {
      const entry = this.entries.get(key)!;
      if (entry.row && entry.row[column] === value) found.push(entry);
    }
    // In the order the rows came into the set, as a scan of the set finds them.
    if (found.length > 1) found.sort((a, b) => a.order - b.order);
    return found.map(({ row }) => row!);
  }

  /** Puts an entry in the set and in the indexes `where` keeps. */
  private add(key: string, entry: Entry<Row>): void {
    this.entries.set(key, entry);
    if (entry.row) for (const [column, index] of this.indexes) indexed(index, entry.row[column], key);
  }

  /** Adds a row (every column given); throws if its key is taken, as an INSERT would. */
  async insert(row: Row): Promise<void> {
    if (await this.get(row)) throw new Error(`${this.table} already holds a row with the key ${this.keyOf(row)}`);
    const key = this.keyOf(row);
    const before = this.entries.get(key);
    this.add(key, { row: { ...row }, stored: before?.stored ?? false, changed: true, order: before?.order ?? this.entries.size });
  }

  /** Adds a row to a table the batch never reads; the database checks its key when it is flushed. */
  append(row: Row): void {
    this.appended.push(row);
  }

  /** Changes the row with this key, if there is one. */
  async update(key: Partial<Row>, changes: Partial<Row>): Promise<void> {
    const row = await this.get(key);
    if (row) this.change(row, changes);
  }

  /** Adds `amount` to a number of the row with this key, if there is one (as TypeORM's increment). */
  async increment(key: Partial<Row>, column: keyof Row & string, amount: number): Promise<void> {
    const row = await this.get(key);
    if (row) this.change(row, { [column]: (row[column] as number) + amount } as Partial<Row>);
  }

  /** Changes every row whose `column` holds `value`. */
  async updateWhere<Column extends keyof Row & string>(column: Column, value: Row[Column], changes: Partial<Row> | ((row: Row) => Partial<Row>)): Promise<void> {
    for (const row of await this.where(column, value)) this.change(row, typeof changes === 'function' ? changes(row) : changes);
  }

  /** Changes a row this set gave out. */
  change(row: Row, changes: Partial<Row>): void {
    const entry = this.entries.get(this.keyOf(row));
    if (!entry || entry.row !== row) throw new Error(`${this.table}: a row changed must come from this set`);
    if (entry.changedColumns) for (const column in changes) if (changes[column] !== row[column]) entry.changedColumns.add(column);
    Object.assign(row, changes);
    entry.changed = true;
    for (const [column, index] of this.indexes) if (column in changes) indexed(index, row[column], this.keyOf(row));
  }

  /** Removes the row with this key, if there is one. */
  async delete(key: Partial<Row>): Promise<void> {
    const row = await this.get(key);
    if (!row) return;
    const entry = this.entries.get(this.keyOf(row))!;
    entry.deleted = row;
    entry.row = null;
    entry.changed = true;
  }

  /**
   * Writes what the batch changed: the deleted rows, then the changed stored ones in multi-row
   * upserts, then the rows it added (plain multi-row INSERTs: their keys were found free), then the
   * appended ones. A stored row's upsert leaves out the indexed columns the batch did not change:
   * SQLite rewrites the entries of every index on a column the SET names, changed or not (the
   * catalogue's rows, with four indexes each, change several times in their life), and a row the
   * batch changed back to what is stored is not written at all.
   */
  async flush(): Promise<void> {
    const deleted: Row[] = [];
    const changed = new Map<string, Row[]>();
    const added: Row[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.changed) continue;
      // A row the database does not hold (insert found its key free): a plain INSERT, no conflict to resolve.
      if (entry.row && !entry.stored) added.push(entry.row);
      else if (entry.row) {
        const unchanged = entry.stored && entry.changedColumns ? [...this.indexedColumns].filter((column) => !entry.changedColumns!.has(column)).join(',') : '';
        if (!entry.stored || !entry.changedColumns || entry.changedColumns.size > 0) {
          const rows = changed.get(unchanged);
          if (rows) rows.push(entry.row);
          else changed.set(unchanged, [entry.row]);
        }
      } else if (entry.stored) deleted.push(entry.deleted!);
      entry.changed = false;
      entry.stored = entry.row !== null;
      entry.changedColumns = new Set();
    }
    for (const chunk of fixedSizeChunks(deleted)) await this.deleteRows(chunk);
    for (const [unchanged, rows] of changed) await this.insertRows(rows, true, unchanged);
    await this.insertRows(added, false);
    await this.insertRows(this.appended.splice(0), false);
  }

  /**
   * Multi-row INSERTs (upserts) of `rows`: on PostgreSQL one statement, each column's values as one
   * array (see columnsInsert); on SQLite chunks of a few fixed sizes. `unchanged`: the indexed
   * columns, comma-separated, an upsert does not set (the stored row holds their values).
   */
  private async insertRows(rows: readonly Row[], upsert: boolean, unchanged = ''): Promise<void> {
    if (rows.length === 0) return;
    const conflict = () => {
      if (!upsert) return '';
      const kept = new Set(unchanged ? unchanged.split(',') : []);
      const keys = this.keyColumns.map(({ databaseName }) => this.escape(databaseName));
      const updated = this.columns.filter(({ propertyName }) => !kept.has(propertyName)).map(({ databaseName }) => this.escape(databaseName)).filter((name) => !keys.includes(name));
      return ` ON CONFLICT (${keys.join(', ')}) DO ${updated.length ? `UPDATE SET ${updated.map((name) => `${name} = excluded.${name}`).join(', ')}` : 'NOTHING'}`;
    };
    const names = () => this.columns.map(({ databaseName }) => this.escape(databaseName));
    const columns = this.columns;
    const kind = upsert ? `upsert ${unchanged}` : 'insert';
    if (this.tx.connection.options.type === 'postgres') {
      const sql = this.statement(`${kind} columns`, () => columnsInsert(this.table, names(), columns.map((column) => this.tx.connection.driver.normalizeType(column))) + conflict());
      const values = columns.map((column) => rows.map((row) => this.persisted(this.valueOf(row, column), column)));
      await preparedQuery(this.tx, sql, values);
      return;
    }
    for (const chunk of fixedSizeChunks(rows)) {
      const sql = this.statement(`${kind} ${chunk.length}`, () => `${SQLITE_INSERT_ROWS} ${this.table} (${names().join(', ')}) VALUES ${chunk.map(() => `(${placeholders(columns.length)})`).join(', ')}${conflict()}`);
      const values = new Array<unknown>(chunk.length * columns.length);
      let next = 0;
      for (const row of chunk) for (const column of columns) values[next++] = this.persisted(this.valueOf(row, column), column);
      await preparedQuery(this.tx, sql, values);
    }
  }

  private async deleteRows(rows: readonly Row[]): Promise<void> {
    const sql = this.statement(`delete ${rows.length}`, () => {
      const matchesKey = `(${this.keyColumns.map(({ databaseName }) => `${this.escape(databaseName)} = ?`).join(' AND ')})`;
      return `DELETE FROM ${this.table} WHERE ${rows.map(() => matchesKey).join(' OR ')}`;
    });
    await preparedQuery(this.tx, sql, rows.flatMap((row) => this.keyColumns.map((column) => this.persisted(row[column.propertyName], column))));
  }

  /**
   * The text of one of the table's statements, built once per table and kind: a batch runs the same
   * few statements many times, and a multi-row statement's text is long to build and to look up.
   */
  private statement(kind: string, build: () => string): string {
    let texts = statementTexts.get(this.metadata);
    if (!texts) statementTexts.set(this.metadata, (texts = new Map()));
    let text = texts.get(kind);
    if (text === undefined) texts.set(kind, (text = build()));
    return text;
  }

  private valueOf(row: Row, column: ColumnMetadata): unknown {
    const value = row[column.propertyName];
    if (value === undefined) throw new Error(`${this.table}: a row is written without ${column.propertyName}`);
    return value;
  }

  private keyOf(row: Partial<Row>): string {
    const columns = this.keyColumns;
    let key = String(row[columns[0].propertyName]);
    // Concatenated, not mapped and joined: this runs several times per event and row set.
    for (let i = 1; i < columns.length; i++) key += `\u0000${String(row[columns[i].propertyName])}`;
    return key;
  }

  private column(property: string): ColumnMetadata {
    const column = this.columnsByProperty.get(property);
    if (!column) throw new Error(`${this.table} has no column ${property}`);
    return column;
  }

  private escape(name: string): string {
    return this.tx.connection.driver.escape(name);
  }

  private persisted(value: unknown, column: ColumnMetadata): unknown {
    return this.tx.connection.driver.preparePersistentValue(value, column);
  }

  private hydrated(stored: ObjectLiteral): Row {
    const row: ObjectLiteral = {};
    for (const column of this.columns) row[column.propertyName] = this.tx.connection.driver.prepareHydratedValue(stored[column.databaseName], column);
    return row as Row;
  }
}

/** Statement texts by table (its metadata: one per data source) and kind (see RowSet.statement). */
const statementTexts = new WeakMap<EntityMetadata, Map<string, string>>();

/** Lists `key` under `value` in a column's index. */
function indexed(index: Map<unknown, Set<string>>, value: unknown, key: string): void {
  const keys = index.get(value);
  if (keys) keys.add(key);
  else index.set(value, new Set([key]));
}

interface Entry<Row> {
  /** The row as the batch left it; null once deleted. */
  row: Row | null;
  /** The row as it was when deleted (for its key). */
  deleted?: Row;
  /** The database holds a row with this key (before the flush). */
  stored: boolean;
  changed: boolean;
  /**
   * For a row loaded from the database: the columns the batch gave another value. Undefined for a
   * row the batch inserted (written whole).
   */
  changedColumns?: Set<string>;
  /** When the key came into the set (kept when its row is replaced): the order `where` gives rows in. */
  order: number;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/**
 * Applies a batch of events through row sets: `prefetch` loads what the batch reads (scanning its
 * events for keys), `applyEvent` applies each event in log order in memory, and every set is flushed.
 */
export async function applyThroughRowSets<Sets extends Record<string, RowSet<ObjectLiteral>>>(
  sets: Sets,
  recorded: readonly RecordedEvent[],
  prefetch: (sets: Sets, events: readonly PangolinEvent[]) => Promise<void>,
  applyEvent: (sets: Sets, event: PangolinEvent, recorded: RecordedEvent) => Promise<void>,
): Promise<void> {
  const events = recorded.map(pangolinEvent);
  await prefetch(sets, events);
  for (let index = 0; index < events.length; index++) await applyEvent(sets, events[index], recorded[index]);
  for (const set of Object.values(sets)) await set.flush();
}

/** The values `pick` finds in the events (undefined where an event has none). */
export function keysIn<T>(events: readonly PangolinEvent[], pick: (event: PangolinEvent) => T | readonly T[] | undefined): T[] {
  const keys: T[] = [];
  for (const event of events) {
    const picked = pick(event);
    if (Array.isArray(picked)) keys.push(...picked);
    else if (picked !== undefined) keys.push(picked as T);
  }
  return keys;
}
