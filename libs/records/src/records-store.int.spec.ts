import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openReadDataSource, ParkedEventRow, runDurableWriteSyncedOffLoop, runRebuildableWrite, type ReadStoreConfig } from '@pangolin/read-models';
import { CreateRecordsStore1766000000000 } from './migrations/1766000000000-create-records-store';
import { openRecordsStore, RECORDS_DATABASE } from './records-store';
import { TypeOrmCheckpointStore } from './worker-checkpoints/typeorm-checkpoint-store';
import { HouseholdKeyVault } from './household-keys/household-key-vault';
import { UserAccount } from './logins/user-account.entity';
import { SignedCheckpointRow } from './checkpoints/signed-checkpoint.entity';
import { CheckpointCosignatureRow } from './checkpoints/checkpoint-cosignature.entity';

const url = process.env.PANGOLIN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// The int-postgres project runs this file again; it covers both databases itself.
const once = process.env.PANGOLIN_TEST_READ_DB === 'postgres' ? describe.skip : describe;

once('the records store on PostgreSQL', () => {
  const schema = `records_test_${randomBytes(6).toString('hex')}`;
  let records: DataSource;

  beforeAll(async () => {
    records = await openRecordsStore({ type: 'postgres', url, schema });
  });
  afterAll(async () => {
    await records?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await records?.destroy();
  });

  it('is built by its migrations in a schema of its own, leaving nothing for TypeORM to change', async () => {
    const pending = await records.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    const tables = (await records.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema])).map((row: { table_name: string }) => row.table_name);
    for (const entity of RECORDS_DATABASE.entities) expect(tables).toContain(records.getMetadata(entity).tableName);
  });

  it('runs its migrations again as a no-op on an up-to-date store', async () => {
    expect(await records.runMigrations()).toEqual([]);
  });

  it('keeps process-manager checkpoints (written by an upsert, read back exactly)', async () => {
    const checkpoints = new TypeOrmCheckpointStore(records);
    expect(await checkpoints.load('premium-allocation')).toBe(0n);
    await checkpoints.save('premium-allocation', 5n);
    await checkpoints.save('premium-allocation', 9_007_199_254_740_993n);
    expect(await checkpoints.load('premium-allocation')).toBe(9_007_199_254_740_993n);
  });
});

once('the embedded records store', () => {
  it('writes ahead, syncs every commit, and overwrites what it deletes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pangolin-records-'));
    const dataSource = await openRecordsStore({ type: 'sqlite', path: join(folder, 'records.sqlite') });
    try {
      const pragma = async (name: string) => Object.values((await dataSource.query(`PRAGMA ${name}`))[0])[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('secure_delete')).toBe(1);

      // Writes the event log can make again (a process manager's checkpoint) commit without a sync of their own; the level is back to FULL after them, even after a failure.
      await dataSource.query('CREATE TABLE rebuildable (n INTEGER)');
      await runRebuildableWrite(dataSource, () => dataSource.transaction((tx) => tx.query('INSERT INTO rebuildable (n) VALUES (1)')));
      expect(await pragma('synchronous')).toBe(2);
      let levelDuring: unknown;
      await expect(
        runRebuildableWrite(dataSource, async () => {
          levelDuring = await pragma('synchronous');
          await dataSource.transaction(async (tx) => {
            await tx.query('INSERT INTO rebuildable (n) VALUES (2)');
            throw new Error('the write failed');
          });
        }),
      ).rejects.toThrow('the write failed');
      expect(levelDuring).toBe(1); // NORMAL
      expect(await pragma('synchronous')).toBe(2);
      expect(await dataSource.query('SELECT n FROM rebuildable')).toEqual([{ n: 1 }]);

      // A durable write synced off the event loop (inclusion promises): committed at NORMAL, then the WAL synced before it resolves; FULL again after.
      let durableLevel: unknown;
      await runDurableWriteSyncedOffLoop(dataSource, async () => {
        durableLevel = await pragma('synchronous');
        await dataSource.query('INSERT INTO rebuildable (n) VALUES (3)');
      });
      expect(durableLevel).toBe(1);
      expect(await pragma('synchronous')).toBe(2);
      expect(await dataSource.query('SELECT n FROM rebuildable ORDER BY n')).toEqual([{ n: 1 }, { n: 3 }]);
    } finally {
      await dataSource.destroy();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

/**
 * An installation of an earlier version kept its records among the views. Opening the records
 * store moves them in and drops them from the views, on either database.
 */
describe.each([
  ['SQLite', (folder: string): ReadStoreConfig[] => [{ type: 'sqlite', path: join(folder, 'read.sqlite') }, { type: 'sqlite', path: join(folder, 'records.sqlite') }]],
  ['PostgreSQL', (): ReadStoreConfig[] => [{ type: 'postgres', url, schema: `views_test_${randomBytes(6).toString('hex')}` }, { type: 'postgres', url, schema: `records_test_${randomBytes(6).toString('hex')}` }]],
])('records kept among the views by an earlier version (%s)', (_, configs) => {
  const runOnce = process.env.PANGOLIN_TEST_READ_DB === 'postgres' ? it.skip : it;
  runOnce('are moved into the records store, every row, and gone from the views', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pangolin-adopt-'));
    const [viewsConfig, recordsConfig] = configs(folder);
    const views = await openReadDataSource(viewsConfig);
    let records: DataSource | undefined;
    try {
      // The tables as the earlier version had them, beside the views, with more rows than one page of the move.
      const runner = views.createQueryRunner();
      if (viewsConfig.type === 'postgres') {
        // (parked_events is made again by the same statement as the views' own.)
        for (const table of ['household_data_keys', 'signed_checkpoints', 'checkpoint_cosignatures', 'inclusion_promises', 'parked_events']) await runner.query(`DROP TABLE IF EXISTS "${viewsConfig.schema}"."${table}"`);
        await new CreateRecordsStore1766000000000().up(runner);
      } else {
        await createEarlierTablesInSqlite(views);
      }
      await runner.release();
      const keys = Array.from({ length: 2_345 }, (_, i) => ({ householdId: `hh-${i}`, key: randomBytes(32).toString('base64'), createdAt: '2026-01-01T00:00:00.000Z' }));
      const legacy = (table: string) => (viewsConfig.type === 'postgres' ? `"${viewsConfig.schema}"."${table}"` : `"${table}"`);
      const p = (i: number) => (viewsConfig.type === 'postgres' ? `$${i}` : '?');
      for (const key of keys) await views.query(`INSERT INTO ${legacy('household_data_keys')} ("householdId", "key", "createdAt") VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [key.householdId, key.key, key.createdAt]);
      await views.query(`INSERT INTO ${legacy('user_accounts')} ("userId", "username", "displayName", "role", "passwordHash") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`, ['u-1', 'officer', '县民政局', 'government', 'scrypt$hash']);
      await views.query(`INSERT INTO ${legacy('signed_checkpoints')} ("size", "rootHash", "note", "signedAt") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`, ['123456789', 'ab'.repeat(32), 'note\n', '2026-01-02T00:00:00.000Z']);
      await views.query(`INSERT INTO ${legacy('checkpoint_cosignatures')} ("size", "witness", "cosignature", "cosignedAt") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`, ['123456789', 'witness.example', '— witness sig\n', '2026-01-02T00:00:01.000Z']);
      await views.query(`INSERT INTO ${legacy('process_checkpoints')} ("name", "position") VALUES (${p(1)}, ${p(2)})`, ['premium-allocation', '41']);
      const parked = (worker: string) => [worker, '7', 'e-7', 'GiftPaymentConfirmed', 'no data', 3, '2026-01-03T00:00:00.000Z', '2026-01-03T00:00:01.000Z'];
      for (const worker of ['premium-allocation', 'catalogue']) {
        await views.query(`INSERT INTO ${legacy('parked_events')} ("worker", "position", "eventId", "eventType", "error", "attempts", "firstFailedAt", "lastFailedAt") VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(', ')})`, parked(worker));
      }

      records = await openRecordsStore(recordsConfig, views);
      const vault = new HouseholdKeyVault(records);
      const moved = await vault.keysOf(keys.map(({ householdId }) => householdId));
      expect(moved.size).toBe(keys.length);
      for (const key of keys) expect(moved.get(key.householdId)?.toString('base64')).toBe(key.key);
      expect(await records.getRepository(UserAccount).findOneBy({ username: 'officer' })).toMatchObject({ userId: 'u-1', displayName: '县民政局', role: 'government' });
      expect(await records.getRepository(SignedCheckpointRow).find()).toEqual([{ size: 123_456_789n, rootHash: 'ab'.repeat(32), note: 'note\n', signedAt: '2026-01-02T00:00:00.000Z' }]);
      expect(await records.getRepository(CheckpointCosignatureRow).find()).toEqual([{ size: 123_456_789n, witness: 'witness.example', cosignature: '— witness sig\n', cosignedAt: '2026-01-02T00:00:01.000Z' }]);
      expect(await new TypeOrmCheckpointStore(records).load('premium-allocation')).toBe(41n);
      // A process manager's parked event is a record; a projection's stays among the views (a rebuild would park it again).
      expect((await records.getRepository(ParkedEventRow).find()).map(({ worker, position }) => [worker, position])).toEqual([['premium-allocation', 7n]]);
      expect((await views.getRepository(ParkedEventRow).find()).map(({ worker, position }) => [worker, position])).toEqual([['catalogue', 7n]]);
      const left = viewsConfig.type === 'postgres'
        ? await views.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = ANY($2)`, [viewsConfig.schema, RECORDS_DATABASE.entities.filter((entity) => entity !== ParkedEventRow).map((entity) => records!.getMetadata(entity).tableName)])
        : await views.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('household_data_keys', 'user_accounts', 'signed_checkpoints', 'checkpoint_cosignatures', 'inclusion_promises', 'process_checkpoints')`);
      expect(left).toEqual([]);

      // Opening again finds nothing left to move and changes nothing.
      await records.destroy();
      records = await openRecordsStore(recordsConfig, views);
      expect((await new HouseholdKeyVault(records).keysOf(keys.map(({ householdId }) => householdId))).size).toBe(keys.length);
    } finally {
      if (records?.isInitialized) {
        if (recordsConfig.type === 'postgres') await records.query(`DROP SCHEMA "${recordsConfig.schema}" CASCADE`);
        await records.destroy();
      }
      if (viewsConfig.type === 'postgres') await views.query(`DROP SCHEMA "${viewsConfig.schema}" CASCADE`);
      await views.destroy();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The earlier version's tables in an embedded views database, as TypeORM's synchronize had made them. */
async function createEarlierTablesInSqlite(views: DataSource): Promise<void> {
  for (const statement of [
    `CREATE TABLE "household_data_keys" ("householdId" varchar(64) PRIMARY KEY NOT NULL, "key" varchar(44) NOT NULL, "createdAt" varchar(32) NOT NULL)`,
    `CREATE TABLE "user_accounts" ("userId" varchar(64) PRIMARY KEY NOT NULL, "username" varchar(64) NOT NULL, "displayName" varchar(200) NOT NULL, "role" varchar(16) NOT NULL, "insurerId" varchar(64), "regionCode" varchar(12), "passwordHash" varchar(300) NOT NULL, "creationFingerprint" varchar(64), CONSTRAINT "UQ_d45e7ca4a62293443961558c564" UNIQUE ("username"))`,
    `CREATE TABLE "signed_checkpoints" ("size" bigint PRIMARY KEY NOT NULL, "rootHash" varchar(64) NOT NULL, "note" text NOT NULL, "signedAt" varchar(32) NOT NULL)`,
    `CREATE TABLE "checkpoint_cosignatures" ("size" bigint NOT NULL, "witness" varchar(300) NOT NULL, "cosignature" text NOT NULL, "cosignedAt" varchar(32) NOT NULL, PRIMARY KEY ("size", "witness"))`,
    `CREATE TABLE "inclusion_promises" ("id" varchar(64) PRIMARY KEY NOT NULL, "firstLeaf" bigint NOT NULL, "lastLeaf" bigint NOT NULL, "issuedAt" varchar(32) NOT NULL, "deadline" varchar(32) NOT NULL, "note" text NOT NULL)`,
    `CREATE TABLE "process_checkpoints" ("name" varchar(100) PRIMARY KEY NOT NULL, "position" varchar(20) NOT NULL)`,
  ])
    await views.query(statement);
}
