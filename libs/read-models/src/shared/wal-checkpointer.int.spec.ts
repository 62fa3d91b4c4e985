import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../../../test/support/eventually';
import { WalCheckpointer } from './wal-checkpointer';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** Commits `megabytes` of rows, half a megabyte per commit. */
function write(db: Database.Database, megabytes: number): void {
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  const body = 'x'.repeat(4000);
  for (let commit = 0; commit < megabytes * 2; commit++) db.transaction(() => Array.from({ length: 128 }, () => insert.run(body)))();
}

describe('WalCheckpointer', () => {
  let folder: string;
  let file: string;
  let db: Database.Database;
  const errors: string[] = [];

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'pangolin-checkpointer-'));
    file = join(folder, 'views.sqlite');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  });
  afterEach(() => {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('copies the WAL into the database on its own thread once it passes 4 MB, the main connection no longer checkpointing below 16 MB', async () => {
    const checkpointer = WalCheckpointer.start(file, db, (message) => errors.push(message));
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(4_000);
      // The main connection would not checkpoint 6 MB (its threshold is 16 MB): the rows reach the database file through the thread.
      write(db, 6);
      const copied = await until('the checkpointer copying the WAL into the database', async () => statSync(file).size, (size) => size >= 5 * 1024 * 1024, { deadlineMs: 20_000 });
      expect(copied).toBeGreaterThanOrEqual(5 * 1024 * 1024);
      // Every row committed is there, read through the main connection.
      expect(db.prepare('SELECT count(*) FROM rows').pluck().get()).toBe(6 * 2 * 128);
      expect(errors).toEqual([]);
    } finally {
      await checkpointer.stop();
    }
    // Stopped: the main connection checkpoints as SQLite does by default.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
  }, 30_000);

  it('reports a thread that could not open the file, and stops all the same', async () => {
    const failures: string[] = [];
    const checkpointer = WalCheckpointer.start(join(folder, 'missing.sqlite'), db, (message) => failures.push(message));
    await until('the thread reporting the missing file', async () => failures, (seen) => seen.length > 0, { deadlineMs: 10_000 });
    expect(failures[0]).toMatch(/unable to open|does not exist|missing/i);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
  }, 30_000);

  /** Runs `body` in a fresh process that has started a checkpointer on `file`, from the build `npm test` makes first. */
  function inAProcessWithACheckpointer(body: string) {
    (require(join(ROOT, 'scripts', 'ensure-built.js')) as { ensureBuilt(): void }).ensureBuilt();
    const child = `
      const Database = require('better-sqlite3');
      const { WalCheckpointer } = require(${JSON.stringify(join(ROOT, 'dist', 'libs', 'read-models', 'src', 'shared', 'wal-checkpointer.js'))});
      const db = new Database(${JSON.stringify(file)});
      const checkpointer = WalCheckpointer.start(${JSON.stringify(file)}, db, (message) => console.error(message));
      ${body}
    `;
    // The deadline only stops a hung child, so that the failure is reported rather than the run stalling.
    const run = spawnSync(process.execPath, ['-e', child], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    return { ended: run.signal === null && run.status === 0, stdout: run.stdout.trim(), stderr: run.stderr };
  }

  it('does not keep a process alive: one that never stops it still ends when its work is done', () => {
    // A tool (a benchmark, a command) that forgets stop() must still end. (Listening for the thread's messages used to ref it again.)
    expect(inAProcessWithACheckpointer(`console.log('started');`)).toEqual({ ended: true, stdout: 'started', stderr: '' });
  }, 60_000);

  it('keeps the process alive while it stops, so that the work after stop() runs', () => {
    // A command prints its result after closing its databases: the process must not end in between.
    expect(inAProcessWithACheckpointer(`checkpointer.stop().then(() => console.log('stopped'));`)).toEqual({ ended: true, stdout: 'stopped', stderr: '' });
  }, 60_000);

  it('starts only for an embedded file: not for a database in memory', () => {
    const memory = { options: { type: 'better-sqlite3', database: ':memory:' } } as never;
    const server = { options: { type: 'postgres', database: 'pangolin' } } as never;
    expect(WalCheckpointer.startFor(memory, () => undefined)).toBeUndefined();
    expect(WalCheckpointer.startFor(server, () => undefined)).toBeUndefined();
  });
});
