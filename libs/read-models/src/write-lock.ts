import { open } from 'node:fs/promises';
import type { DataSource } from 'typeorm';

/**
 * TypeORM drives an embedded SQLite database through one connection. Two transactions begun on
 * it from different async tasks (the projection runner and a process manager's checkpoint, say)
 * would interleave on that connection and fail ("cannot start a transaction within a
 * transaction"). Every writer of the read database therefore takes this lock, one per data source.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const locks = new WeakMap<DataSource, WriteLock>();

export function writeLockOf(dataSource: DataSource): WriteLock {
  let lock = locks.get(dataSource);
  if (!lock) locks.set(dataSource, (lock = new WriteLock()));
  return lock;
}

/** The better-sqlite3 connection under an embedded read database, if that is what `dataSource` is. */
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  readonly inTransaction: boolean;
  exec(sql: string): unknown;
}
interface SqliteStatement {
  pluck(): SqliteStatement;
  get(): unknown;
  run(): unknown;
}

/** The better-sqlite3 connection under `dataSource`, if it is an embedded SQLite database (TypeORM keeps it on its driver). */
export function embeddedSqliteConnection<Connection>(dataSource: DataSource): Connection | undefined {
  return dataSource.options.type === 'better-sqlite3' ? (dataSource.driver as unknown as { databaseConnection: Connection }).databaseConnection : undefined;
}

/** The statements that read and set a connection's synchronous level, prepared once (a pragma() call prepares its statement each time). */
const syncStatements = new WeakMap<SqliteConnection, { level: SqliteStatement; normal: SqliteStatement; restore: Map<number, SqliteStatement> }>();

function syncStatementsOf(connection: SqliteConnection) {
  let statements = syncStatements.get(connection);
  if (!statements) {
    statements = { level: connection.prepare('PRAGMA synchronous').pluck(), normal: connection.prepare('PRAGMA synchronous = NORMAL'), restore: new Map() };
    syncStatements.set(connection, statements);
  }
  return statements;
}

/**
 * Runs `work` (one write that begins and ends its own transaction, or a single statement) under the
 * write lock, durably, without stopping the event loop for the disk: on an embedded SQLite file its
 * commit is made with synchronous=NORMAL, then, once the lock is released, the WAL is synced
 * (fdatasync on a libuv thread) before this resolves, which makes it as durable as a FULL commit
 * (and every commit before it). For records nothing can rebuild that are written often (inclusion
 * promises), so that the sync does not block the requests being served meanwhile.
 */
export async function runDurableWriteSyncedOffLoop<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const file = dataSource.options.type === 'better-sqlite3' ? String(dataSource.options.database) : ':memory:';
  if (file === ':memory:' || file === '') return writeLockOf(dataSource).run(work);
  const result = await runAtNormalSync(dataSource, work);
  const wal = await open(`${file}-wal`, 'r');
  try {
    await wal.datasync();
  } finally {
    await wal.close();
  }
  return result;
}

/**
 * Runs `work` under the write lock like `run`, for writes that the event log can always make again:
 * a projection's effects with its checkpoint, a process manager's checkpoint. On SQLite their
 * commits are not synced one by one (synchronous=NORMAL for the duration): every commit is still
 * atomic, and the WAL is append-only, so the next commit that syncs (every other writer keeps FULL,
 * as does SQLite before each checkpoint) makes these durable with it. An OS crash or power loss can
 * only lose the latest of them, as a whole with their checkpoints, and the workers then apply the
 * same events again. Measured on the benchmark machine: a FULL commit stopped the event loop for
 * ~0.2 ms idle and ~0.6-1.6 ms under load (the fsync), once per projection batch and per process
 * checkpoint save; a NORMAL one ~0.01 ms idle.
 * `work` must begin and finish its own transaction (the level cannot change inside one).
 */
export function runRebuildableWrite<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  return runAtNormalSync(dataSource, work);
}

/** `work` under the write lock, its commits on an embedded SQLite database made with synchronous=NORMAL. */
async function runAtNormalSync<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const connection = embeddedSqliteConnection<SqliteConnection>(dataSource);
  if (!connection) return writeLockOf(dataSource).run(work);
  return writeLockOf(dataSource).run(async () => {
    const statements = syncStatementsOf(connection);
    const level = Number(statements.level.get());
    // NORMAL is 1: a connection that syncs less already is left as it is.
    if (level <= 1) return work();
    let restore = statements.restore.get(level);
    if (!restore) statements.restore.set(level, (restore = connection.prepare(`PRAGMA synchronous = ${level}`)));
    statements.normal.run();
    try {
      return await work();
    } finally {
      // A transaction left open by a failed rollback would keep the level from being restored, and
      // then the durable records written next would not be synced: end it first.
      if (connection.inTransaction) connection.exec('ROLLBACK');
      restore.run();
    }
  });
}
