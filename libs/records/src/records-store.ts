import { In, Not, type DataSource, type EntityManager } from 'typeorm';
import { openDatabase, ParkedEventRow, PROJECTION_NAMES, quotedTable, writeLockOf, type DatabaseContents, type ReadStoreConfig } from '@pangolin/read-models';
import { HouseholdDataKeyRow } from './household-keys/household-data-key.entity';
import { UserAccount } from './logins/user-account.entity';
import { SignedCheckpointRow } from './checkpoints/signed-checkpoint.entity';
import { CheckpointCosignatureRow } from './checkpoints/checkpoint-cosignature.entity';
import { InclusionPromiseRow } from './checkpoints/inclusion-promise.entity';
import { ProcessCheckpoint } from './worker-checkpoints/process-checkpoint.entity';
import { recordsMigrations } from './migrations';

/**
 * What the platform keeps that the event log cannot rebuild, apart from the views (which it can):
 * household data keys (the only way to read personal data sealed in the log), logins, the
 * checkpoints it signed and their witnesses' cosignatures, the inclusion promises that answered
 * money commands, where each process manager has got to and the events a process manager parked
 * (its checkpoint has moved past them: lost, they would never be handled). Its own SQLite file
 * embedded, its own PostgreSQL schema in server mode; every commit synced. Back this up; the views
 * can be deleted.
 */
const RECORDS_ENTITIES = [HouseholdDataKeyRow, UserAccount, SignedCheckpointRow, CheckpointCosignatureRow, InclusionPromiseRow, ProcessCheckpoint, ParkedEventRow] as const;
export type RecordsEntity = (typeof RECORDS_ENTITIES)[number];

export const RECORDS_DATABASE: Omit<DatabaseContents, 'entities'> & { entities: readonly RecordsEntity[] } = {
  entities: RECORDS_ENTITIES,
  migrations: recordsMigrations,
  description: 'records store',
  urlSetting: 'RECORDS_DB_URL',
  syncEveryCommit: true,
};

/** Rows copied per statement when records move from one database to another. */
const COPY_PAGE = 1000;

/**
 * Opens the records store. `views`: the views database of the same installation, from which records
 * an earlier version kept among the views are moved in (see adoptRecordsKeptAmongViews).
 */
export async function openRecordsStore(config: ReadStoreConfig, views?: DataSource): Promise<DataSource> {
  const records = await openDatabase(config, RECORDS_DATABASE);
  try {
    if (views) await adoptRecordsKeptAmongViews(records, views);
  } catch (error) {
    await records.destroy();
    throw error;
  }
  return records;
}

/**
 * Versions before the records store kept its tables in the views database. Each such table still
 * there is copied into the records store (insert-or-ignore, in pages, committed and synced), and only
 * then dropped from the views, so a crash at any point leaves every record in one place or both, and
 * the next start finishes the move. On PostgreSQL an advisory lock keeps two processes starting
 * together from moving the same table at once.
 */
export async function adoptRecordsKeptAmongViews(records: DataSource, views: DataSource): Promise<void> {
  const postgres = views.options.type === 'postgres';
  const schema = postgres ? ((views.options as { schema?: string }).schema ?? 'public') : undefined;
  await views.transaction(async (tx) => {
    if (postgres) await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pangolin:adopt-records'))`);
    for (const entity of RECORDS_DATABASE.entities.filter((entity) => entity !== ParkedEventRow)) {
      const table = records.getMetadata(entity).tableName;
      const exists = postgres
        ? (await tx.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2`, [schema, table])).length > 0
        : (await tx.query(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [table])).length > 0;
      if (!exists) continue;
      const legacy = schema ? `"${schema}"."${table}"` : `"${table}"`;
      await copyRecordRows(tx, legacy, records, entity);
      await tx.query(`DROP TABLE ${legacy}`);
    }
    // The views keep their projections' parked events; a process manager's move here.
    const fromProcessManagers = await tx.getRepository(ParkedEventRow).find({ where: { worker: Not(In([...PROJECTION_NAMES])) } });
    if (fromProcessManagers.length > 0) {
      await writeLockOf(records).run(() => records.createQueryBuilder().insert().into(ParkedEventRow).values(fromProcessManagers).orIgnore().execute());
      await tx.getRepository(ParkedEventRow).delete({ worker: Not(In([...PROJECTION_NAMES])) });
    }
  });
}

/**
 * Copies every row of `sourceTable` (read through `source`, with the columns of `entity`'s table)
 * into `entity`'s table of the records store `target`, keeping what the target already has
 * (insert-or-ignore on any key, so a login whose id or name is taken there stays as it is there).
 * Reads in pages in primary-key order, one multi-row INSERT per page. Returns how many rows were added.
 */
export async function copyRecordRows(source: EntityManager, sourceTable: string, target: DataSource, entity: RecordsEntity): Promise<number> {
  const metadata = target.getMetadata(entity);
  const columns = metadata.columns.map((column) => column.databaseName);
  const keys = metadata.primaryColumns.map((column) => column.databaseName);
  const list = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');
  const placeholders = (postgres: boolean, count: number, from = 0) => Array.from({ length: count }, (_, i) => (postgres ? `$${from + i + 1}` : '?')).join(', ');
  const sourceIsPostgres = source.connection.options.type === 'postgres';
  const targetIsPostgres = target.options.type === 'postgres';
  const targetTable = quotedTable(target.manager, entity);
  const count = async () => Number((await target.query(`SELECT COUNT(*) AS n FROM ${targetTable}`))[0].n);
  const before = await count();
  let after: unknown[] | undefined;
  for (;;) {
    const where = after ? `WHERE (${list(keys)}) > (${placeholders(sourceIsPostgres, keys.length)})` : '';
    const page: Record<string, unknown>[] = await source.query(`SELECT ${list(columns)} FROM ${sourceTable} ${where} ORDER BY ${list(keys)} LIMIT ${COPY_PAGE}`, after ?? []);
    if (page.length === 0) break;
    const values = page.flatMap((row) => columns.map((column) => row[column]));
    const rows = page.map((_, i) => `(${placeholders(targetIsPostgres, columns.length, i * columns.length)})`).join(', ');
    await writeLockOf(target).run(() => target.query(`INSERT INTO ${targetTable} (${list(columns)}) VALUES ${rows} ON CONFLICT DO NOTHING`, values));
    const last = page[page.length - 1];
    after = keys.map((key) => last[key]);
  }
  return (await count()) - before;
}
