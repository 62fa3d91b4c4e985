import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import { embeddedSqliteConnection } from '../write-lock';

/** What the checkpointer needs of the main connection to the file: better-sqlite3's pragma(). */
interface SqliteConnection {
  pragma(source: string): unknown;
}

/** The worker checkpoints once the WAL holds this much: SQLite's own default (1,000 pages of 4 KB). */
const CHECKPOINT_AT_BYTES = 4 * 1024 * 1024;
/** How often the worker looks at the WAL's size. */
const LOOK_EVERY_MS = 100;
/**
 * The main connection still checkpoints itself beyond this many pages (16 MB). Under writes that
 * never pause (a catch-up), the thread's PASSIVE checkpoints never reach the WAL's end, and SQLite
 * starts a WAL over only once all of it is copied: this checkpoint, finding most pages copied by the
 * thread already, lets it. It also bounds the WAL should the thread be gone.
 */
const MAIN_CONNECTION_CHECKPOINTS_AT_PAGES = 4_000;
/** SQLite's default, restored when the checkpointer stops. */
const SQLITE_DEFAULT_CHECKPOINT_PAGES = 1_000;

/**
 * The worker's code (evaluated: it runs the same from dist/ and from the TypeScript sources under
 * test). Its own connection runs PASSIVE checkpoints, which copy what they can of the WAL into the
 * database without waiting for, or blocking, the readers and the writer; SQLite then starts the WAL
 * over at the next commit. The connection keeps synchronous=FULL: the WAL is synced before it is
 * copied, the database after.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
let db, checkpoint;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
} catch (error) {
  parentPort.postMessage({ failed: 'cannot open ' + workerData.file + ': ' + String(error && error.message || error) });
  process.exit(1);
}
const walSize = () => { try { return statSync(workerData.file + '-wal').size; } catch { return 0; } };
const timer = setInterval(() => {
  if (walSize() < workerData.checkpointAtBytes) return;
  try { checkpoint.run(); } catch (error) {
    // Another connection checkpointing the same file (a command-line tool's, say): this one's turn comes later.
    if (error && error.code === 'SQLITE_BUSY') return;
    parentPort.postMessage({ failed: String(error && error.message || error) });
  }
}, workerData.lookEveryMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

/**
 * Checkpoints an embedded SQLite database's WAL on a thread of its own (the views' and the records'
 * files: openDatabase). Left to itself, SQLite checkpoints inside the COMMIT that takes the WAL
 * past 1,000 pages: copying the pages back and syncing the WAL and the database stopped the event
 * loop for 5-20 ms every fifteen commits or so of the projections under load (gifts benchmark: 40%
 * of the read database's commit time). Here the main connection checkpoints only past 16 MB, and
 * the work runs beside the event loop, on the other core.
 */
export class WalCheckpointer {
  /** The thread ended: by stop(), or on an error of its own (reported to onError). */
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly connection: SqliteConnection,
  ) {
    worker.once('exit', () => (this.exited = true));
  }

  /**
   * Starts checkpointing the file of `dataSource` if it is an embedded SQLite file (in WAL mode);
   * undefined for a server database or one in memory. `onError` hears a failed checkpoint (the next one tries again).
   */
  static startFor(dataSource: DataSource, onError: (message: string) => void): WalCheckpointer | undefined {
    const file = String(dataSource.options.database);
    if (file === ':memory:' || file === '') return undefined;
    const connection = embeddedSqliteConnection<SqliteConnection>(dataSource);
    return connection && WalCheckpointer.start(file, connection, onError);
  }

  /** Starts checkpointing `file` (a database in WAL mode, open on `connection`). */
  static start(file: string, connection: SqliteConnection, onError: (message: string) => void): WalCheckpointer {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: require.resolve('better-sqlite3'), checkpointAtBytes: CHECKPOINT_AT_BYTES, lookEveryMs: LOOK_EVERY_MS },
    });
    worker.on('message', (message: { failed?: string }) => message.failed && onError(message.failed));
    worker.on('error', (error: unknown) => onError(`the checkpointing thread failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`));
    // The thread does not keep the process alive: stop() ends it, and a process ending without it loses
    // nothing (the WAL is the data). After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    connection.pragma(`wal_autocheckpoint = ${MAIN_CONNECTION_CHECKPOINTS_AT_PAGES}`);
    return new WalCheckpointer(worker, connection);
  }

  /** Ends the thread (after the checkpoint under way, if any); the main connection checkpoints as SQLite does by default again. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const stopped = new Promise<void>((resolve) => {
        this.worker.on('message', (message: { stopped?: boolean }) => message.stopped && resolve());
        this.worker.once('exit', () => resolve());
      });
      // Referenced while it stops: the caller's work after stop() must not be cut short by an event loop with nothing else to wait for.
      this.worker.ref();
      this.worker.postMessage('stop');
      await stopped;
      await this.worker.terminate();
    }
    this.connection.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_CHECKPOINT_PAGES}`);
  }
}
