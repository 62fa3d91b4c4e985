import { DataSource, type DataSourceOptions } from 'typeorm';
import { readModelEntities } from './registry';

/** Embedded mode: read models in a SQLite file (or ':memory:'), schema kept in step with the entities. */
export interface SqliteReadStoreConfig {
  type: 'sqlite';
  path: string;
}

/** Entity classes, as TypeORM takes them. */
type EntityClass = Function;

/** `extraEntities`: the application's own tables kept in the same database (they survive resetProjections). */
export function readDataSourceOptions(config: SqliteReadStoreConfig, extraEntities: readonly EntityClass[] = []): DataSourceOptions {
  return {
    type: 'better-sqlite3',
    database: config.path,
    entities: [...readModelEntities, ...extraEntities],
    synchronize: true,
    // WAL lets API reads proceed while the runner writes; an in-memory database has no journal file.
    enableWAL: config.path !== ':memory:',
  };
}

/** A DataSource over the read models, not yet initialised: call `initialize()`, and `destroy()` when done. */
export function createReadDataSource(config: SqliteReadStoreConfig, extraEntities: readonly EntityClass[] = []): DataSource {
  return new DataSource(readDataSourceOptions(config, extraEntities));
}
