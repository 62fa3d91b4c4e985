import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadDataSource } from './data-source';

/** The embedded read database keeps records nothing can rebuild (household keys, logins, signed checkpoints): it must not lose a commit. */
// SQLite only: the int-postgres project runs this file too, against nothing it concerns.
const sqliteOnly = process.env.PANGOLIN_TEST_READ_DB === 'postgres' ? describe.skip : describe;

sqliteOnly('the embedded read database', () => {
  it('writes ahead, syncs every commit, and overwrites what it deletes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pangolin-read-db-'));
    const dataSource = await openReadDataSource({ type: 'sqlite', path: join(folder, 'read.sqlite') });
    try {
      const pragma = async (name: string) => Object.values((await dataSource.query(`PRAGMA ${name}`))[0])[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('secure_delete')).toBe(1);
    } finally {
      await dataSource.destroy();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
