import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';
import { POSTGRES_KEEPALIVE } from '@pangolin/event-store';
import { readModelMigrations } from './migrations';
import { backfillOnOpen } from './migrations/backfill-on-open';
import { durableRecordEntities, readModelEntities } from './registry';

/** Embedded mode: read models in a SQLite file (or ':memory:'), schema kept in step with the entities. */
export interface SqliteReadStoreConfig {
  type: 'sqlite';
  path: string;
}

/** Server mode: read models in PostgreSQL, schema created and changed only by migrations. */
export interface PostgresReadStoreConfig {
  type: 'postgres';
  url: string;
  /** PostgreSQL schema holding the tables (default `public`). */
  schema?: string;
  /** Opening a connection, or waiting for a free one in the pool, fails after this long (default 5000). */
  connectTimeoutMs?: number;
  /** The server cancels a statement running longer than this (statement_timeout); 0 never (default 30000). */
  statementTimeoutMs?: number;
}

export type ReadStoreConfig = SqliteReadStoreConfig | PostgresReadStoreConfig;

/** Entity classes, as TypeORM takes them. */
type EntityClass = Function;
type MigrationClass = new () => MigrationInterface;

/**
 * `extra`: the application's own tables kept in the same database (they survive resetProjections)
 * and, for PostgreSQL, the migrations that create them.
 */
export function readDataSourceOptions(config: ReadStoreConfig, extra: { entities?: readonly EntityClass[]; migrations?: readonly MigrationClass[] } = {}): DataSourceOptions {
  const entities = [...readModelEntities, ...durableRecordEntities, ...(extra.entities ?? [])];
  if (config.type === 'postgres') {
    return {
      type: 'postgres',
      url: config.url,
      schema: config.schema,
      entities,
      // Never synchronize a server database: its schema changes only through reviewed migrations.
      synchronize: false,
      migrations: [...readModelMigrations, ...(extra.migrations ?? [])],
      migrationsRun: true,
      migrationsTransactionMode: 'each',
      ...postgresConnectionOptions(config),
    };
  }
  return {
    type: 'better-sqlite3',
    database: config.path,
    entities,
    synchronize: true,
    // WAL lets API reads proceed while the runner writes; an in-memory database has no journal file.
    enableWAL: config.path !== ':memory:',
    // Deleted rows are overwritten with zeros, so an erased household's key and plaintext do not linger in free pages.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('secure_delete = ON');
    },
  };
}

/**
 * Bounds on waiting for the server, so an unreachable one fails calls quickly, and the pool's error
 * handler. (TypeORM listens for errors on the connections it has checked out of the pool.)
 */
function postgresConnectionOptions(config: PostgresReadStoreConfig) {
  return {
    connectTimeoutMS: config.connectTimeoutMs ?? 5000,
    extra: { statement_timeout: config.statementTimeoutMs ?? 30_000, ...POSTGRES_KEEPALIVE },
    // An idle connection that broke (the server restarted, the backend was terminated): the pool has
    // already discarded it and opens a new one when needed. Unheard, the event would crash the process.
    poolErrorHandler: () => undefined,
  };
}

/** A DataSource over the read models, not yet initialised: call `initialize()`, and `destroy()` when done. */
export function createReadDataSource(config: ReadStoreConfig, extra: { entities?: readonly EntityClass[]; migrations?: readonly MigrationClass[] } = {}): DataSource {
  return new DataSource(readDataSourceOptions(config, extra));
}

/**
 * Creates and initialises the read database. For PostgreSQL it first makes sure the schema exists
 * (TypeORM keeps its migrations table there) and turns an unreachable server into an error that
 * says what, where and how to fix it.
 */
export async function openReadDataSource(config: ReadStoreConfig, extra: Parameters<typeof createReadDataSource>[1] = {}): Promise<DataSource> {
  if (config.type === 'postgres') {
    const bootstrap = new DataSource({ type: 'postgres', url: config.url, ...postgresConnectionOptions(config) });
    try {
      await bootstrap.initialize();
    } catch (error) {
      throw new Error(
        `cannot reach the PostgreSQL read database at ${redacted(config.url)} (READ_DB_URL): ${error instanceof Error ? error.message : error}. ` +
          'Start PostgreSQL, or correct READ_DB_URL, or use READ_DB=sqlite for the embedded database.',
      );
    }
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema ?? 'public'}"`);
    } finally {
      await bootstrap.destroy();
    }
  }
  const dataSource = await createReadDataSource(config, extra).initialize();
  // TypeORM's WAL mode syncs SQLite lazily (synchronous=NORMAL): an OS crash could then lose a
  // committed transaction. Views would just be projected again, but this database also keeps
  // records nothing can rebuild (household data keys, logins, signed checkpoints): sync every commit.
  if (config.type === 'sqlite' && config.path !== ':memory:') await dataSource.query('PRAGMA synchronous = FULL');
  if (config.type === 'sqlite') await backfillOnOpen(dataSource.manager);
  return dataSource;
}

/** A connection string with its password hidden, for messages. */
export function redacted(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
