import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadDataSource } from './data-source';

// SQLite only: the int-postgres project runs this file too, against nothing it concerns.
const sqliteOnly = process.env.PANGOLIN_TEST_READ_DB === 'postgres' ? describe.skip : describe;

/**
 * The views are rebuilt from the log, so their commits need not be synced one by one (an OS crash
 * can only lose the latest, checkpoints with them); what cannot be rebuilt is in the records store
 * (@pangolin/records, whose own test checks that every commit is synced).
 */
sqliteOnly('the embedded views database', () => {
  it('writes ahead, commits without a sync of its own, and overwrites what it deletes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pangolin-read-db-'));
    const dataSource = await openReadDataSource({ type: 'sqlite', path: join(folder, 'read.sqlite') });
    try {
      const pragma = async (name: string) => Object.values((await dataSource.query(`PRAGMA ${name}`))[0])[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('secure_delete')).toBe(1);
    } finally {
      await dataSource.destroy();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
