import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { durableRecordEntities, openReadDataSource, readModelEntities } from '@pangolin/read-models';
import { UserAccount } from '../auth/user-account.entity';
import { applicationMigrations } from './migrations';
import { ProcessCheckpoint } from './process-checkpoint.entity';
import { TypeOrmCheckpointStore } from './typeorm-checkpoint-store';

const url = process.env.PANGOLIN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** In server mode the schema comes only from migrations: they must build exactly what the entities describe. */
describe('read database migrations on PostgreSQL', () => {
  const schema = `migration_test_${randomBytes(6).toString('hex')}`;
  let db: DataSource;

  beforeAll(async () => {
    db = await openReadDataSource({ type: 'postgres', url, schema }, { entities: [UserAccount, ProcessCheckpoint], migrations: applicationMigrations });
  });
  afterAll(async () => {
    await db?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('creates every table, leaving nothing for TypeORM to change', async () => {
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
    const names = tables.map((row: { table_name: string }) => row.table_name);
    for (const entity of [...readModelEntities, ...durableRecordEntities, UserAccount, ProcessCheckpoint]) expect(names).toContain(db.getMetadata(entity).tableName);
  });

  it('runs again as a no-op on an up-to-date database', async () => {
    expect(await db.runMigrations()).toEqual([]);
  });

  it('keeps process-manager checkpoints (written by an upsert, read back exactly)', async () => {
    const checkpoints = new TypeOrmCheckpointStore(db);
    expect(await checkpoints.load('premium-allocation')).toBe(0n);
    await checkpoints.save('premium-allocation', 5n);
    await checkpoints.save('premium-allocation', 9_007_199_254_740_993n);
    expect(await checkpoints.load('premium-allocation')).toBe(9_007_199_254_740_993n);
  });
});
