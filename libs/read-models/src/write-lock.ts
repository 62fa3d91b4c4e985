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
