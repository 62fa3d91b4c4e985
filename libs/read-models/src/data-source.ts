import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';
import { POSTGRES_KEEPALIVE } from '@pangolin/event-store';
import { readModelMigrations } from './migrations';
import { backfillOnOpen } from './migrations/backfill-on-open';
import { readModelEntities } from './registry';
import { ParkedEventRow } from './dead-letters/parked-event.entity';
import { WalCheckpointer } from './shared/wal-checkpointer';

/** Embedded mode: a SQLite file (or ':memory:'), schema kept in step with the entities. */
export interface SqliteReadStoreConfig {
  type: 'sqlite';
  path: string;
}

/** Server mode: a PostgreSQL schema, created and changed only by migrations. */
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

/** What one database holds: its tables, the migrations that build them on PostgreSQL, and how it is named to the operator. */
export interface DatabaseContents {
  entities: readonly EntityClass[];
  migrations: readonly MigrationClass[];
  /** What it is and the setting that names its server, for messages (e.g. read database, READ_DB_URL). */
  description: string;
  urlSetting: string;
  /**
   * Whether every commit on an embedded file is synced (synchronous=FULL). A database of records
   * nothing can rebuild needs it; views, which the log rebuilds, do not: WAL commits stay atomic,
   * and an OS crash can only lose the latest commits, checkpoints with them, which the runner applies again.
   */
  syncEveryCommit: boolean;
}

/** The read models: every view and its checkpoint, and the projections' parked events. */
export const VIEWS_DATABASE: DatabaseContents = { entities: [...readModelEntities, ParkedEventRow], migrations: readModelMigrations, description: 'read database', urlSetting: 'READ_DB_URL', syncEveryCommit: false };

export function databaseOptions(config: ReadStoreConfig, contents: Pick<DatabaseContents, 'entities' | 'migrations'>): DataSourceOptions {
  const entities = [...contents.entities];
  if (config.type === 'postgres') {
    return {
      type: 'postgres',
      url: config.url,
      schema: config.schema,
      entities,
      // Never synchronize a server database: its schema changes only through reviewed migrations.
      synchronize: false,
      migrations: [...contents.migrations],
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

/**
 * Creates and initialises a database holding `contents`. For PostgreSQL it first makes sure the
 * schema exists (TypeORM keeps its migrations table there) and turns an unreachable server into an
 * error that says what, where and how to fix it.
 */
export async function openDatabase(config: ReadStoreConfig, contents: DatabaseContents): Promise<DataSource> {
  if (config.type === 'postgres') {
    const bootstrap = new DataSource({ type: 'postgres', url: config.url, ...postgresConnectionOptions(config) });
    try {
      await bootstrap.initialize();
    } catch (error) {
      throw new Error(
        `cannot reach the PostgreSQL ${contents.description} at ${redacted(config.url)} (${contents.urlSetting}): ${error instanceof Error ? error.message : error}. ` +
          `Start PostgreSQL, or correct ${contents.urlSetting}, or use READ_DB=sqlite for the embedded databases.`,
      );
    }
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema ?? 'public'}"`);
    } finally {
      await bootstrap.destroy();
    }
  }
  const options = databaseOptions(config, contents);
  const dataSource = await (config.type === 'sqlite' && config.path !== ':memory:' ? new EmbeddedFileDataSource(options) : new DataSource(options)).initialize();
  // TypeORM's WAL mode syncs SQLite lazily (synchronous=NORMAL): an OS crash could then lose a committed transaction.
  if (config.type === 'sqlite' && config.path !== ':memory:' && contents.syncEveryCommit) await dataSource.query('PRAGMA synchronous = FULL');
  return dataSource;
}

/** A database in an embedded SQLite file: its WAL is checkpointed on a thread of its own while it is open (see WalCheckpointer). */
class EmbeddedFileDataSource extends DataSource {
  private checkpointer?: WalCheckpointer;

  override async initialize(): Promise<this> {
    await super.initialize();
    this.checkpointer = WalCheckpointer.startFor(this, (message) => process.emitWarning(`checkpointing ${String(this.options.database)} failed (tried again later): ${message}`));
    return this;
  }

  override async destroy(): Promise<void> {
    await this.checkpointer?.stop();
    this.checkpointer = undefined;
    await super.destroy();
  }
}

/** Opens the views database (see VIEWS_DATABASE). */
export async function openReadDataSource(config: ReadStoreConfig): Promise<DataSource> {
  const dataSource = await openDatabase(config, VIEWS_DATABASE);
  if (config.type === 'sqlite') await backfillOnOpen(dataSource.manager);
  return dataSource;
}

/** A connection string with its password hidden, for messages. */
export function redacted(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
