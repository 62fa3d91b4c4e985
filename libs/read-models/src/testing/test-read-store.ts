import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openReadDataSource } from '../data-source';

/**
 * The read database the read-model tests run on: in-memory SQLite, or (in the jest project
 * `int-postgres`, which sets PANGOLIN_TEST_READ_DB=postgres) a fresh schema in the PostgreSQL at
 * PANGOLIN_TEST_POSTGRES_URL, created by the migrations and dropped by `drop()`.
 */
export async function openTestReadStore(): Promise<{ dataSource: DataSource; drop(): Promise<void> }> {
  if (process.env.PANGOLIN_TEST_READ_DB !== 'postgres') {
    const dataSource = await openReadDataSource({ type: 'sqlite', path: ':memory:' });
    return { dataSource, drop: () => dataSource.destroy() };
  }
  const url = process.env.PANGOLIN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `read_test_${randomBytes(6).toString('hex')}`;
  const dataSource = await openReadDataSource({ type: 'postgres', url, schema });
  return {
    dataSource,
    drop: async () => {
      await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}
