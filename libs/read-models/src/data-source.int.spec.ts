import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadDataSource } from './data-source';
import { runDurableWriteSyncedOffLoop, runRebuildableWrite } from './write-lock';

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

      // Writes the event log can make again commit without a sync of their own; the level is back to FULL after them, even after a failure.
      await dataSource.query('CREATE TABLE rebuildable (n INTEGER)');
      await runRebuildableWrite(dataSource, () => dataSource.transaction((tx) => tx.query('INSERT INTO rebuildable (n) VALUES (1)')));
      expect(await pragma('synchronous')).toBe(2);
      let levelDuring: unknown;
      await expect(runRebuildableWrite(dataSource, async () => {
        levelDuring = await pragma('synchronous');
        await dataSource.transaction(async (tx) => {
          await tx.query('INSERT INTO rebuildable (n) VALUES (2)');
          throw new Error('the projection failed');
        });
      })).rejects.toThrow('the projection failed');
      expect(levelDuring).toBe(1); // NORMAL
      expect(await pragma('synchronous')).toBe(2);
      expect(await dataSource.query('SELECT n FROM rebuildable')).toEqual([{ n: 1 }]);

      // A durable write synced off the event loop: committed at NORMAL, then the WAL synced before it resolves; the level is FULL again after.
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
