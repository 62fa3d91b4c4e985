import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openDatabase, openReadDataSource, type DatabaseContents } from '../data-source';

/**
 * The database the read-model tests run on (the views, or `contents` such as the records store): in-memory SQLite, or (in the jest project
 * `int-postgres`, which sets PANGOLIN_TEST_READ_DB=postgres) a fresh schema in the PostgreSQL at
 * PANGOLIN_TEST_POSTGRES_URL, created by the migrations and dropped by `drop()`.
 */
export async function openTestReadStore(contents?: DatabaseContents): Promise<{ dataSource: DataSource; drop(): Promise<void> }> {
  const open = (config: Parameters<typeof openReadDataSource>[0]) => (contents ? openDatabase(config, contents) : openReadDataSource(config));
  if (process.env.PANGOLIN_TEST_READ_DB !== 'postgres') {
    const dataSource = await open({ type: 'sqlite', path: ':memory:' });
    return { dataSource, drop: () => dataSource.destroy() };
  }
  const url = process.env.PANGOLIN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `read_test_${randomBytes(6).toString('hex')}`;
  const dataSource = await open({ type: 'postgres', url, schema });
  return {
    dataSource,
    drop: async () => {
      await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}
