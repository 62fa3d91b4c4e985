import { Client, Pool, PoolClient } from 'pg';
import {
  AppendResult,
  DuplicateEventId,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
  WrongExpectedRevision,
} from '../event-store.port';
import { CatchUpSubscription } from '../subscription/catch-up-subscription';

export interface PostgresEventStoreOptions {
  /** The schema holding the store's tables, created if missing. Lower-case letters, digits and '_'. Default 'pangolin'. */
  schema?: string;
  /**
   * How often a caught-up subscription looks for new events when no notification woke it. Notifications
   * (LISTEN/NOTIFY) deliver appends live, so this only bounds the delay when one is lost, e.g. while the
   * listening connection reconnects. Default 1000.
   */
  pollIntervalMs?: number;
  /** How many events a subscription reads per query. Default 500. */
  subscriptionBatchSize?: number;
  /**
   * How long getting a connection may take (opening one, or waiting for a free one in the pool)
   * before the operation fails; an unreachable server then fails calls quickly instead of
   * queueing them. Default 5000.
   */
  connectTimeoutMs?: number;
  /** The server cancels a statement running longer than this (statement_timeout); 0 never. Default 30000. */
  statementTimeoutMs?: number;
}

const DEFAULT_SCHEMA = 'pangolin';
const DEFAULT_POLL_INTERVAL_MS = 1000;
const DEFAULT_SUBSCRIPTION_BATCH_SIZE = 500;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
const LISTENER_RECONNECT_DELAY_MS = 1000;
/** PostgreSQL truncates identifiers (and application names) to 63 bytes. */
const MAX_IDENTIFIER_LENGTH = 63;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Advisory lock keys live in one space shared by every application using the database; these are
 * arbitrary constants unlikely to clash. Migrations of all schemas share one lock (they are rare);
 * appends take one lock per schema (APPEND_LOCK_CLASS in the high 32 bits, the schema's oid in the low
 * ones), so stores in different schemas of one database do not wait for each other.
 */
const MIGRATION_LOCK_KEY = 0x50_47_4c_4d_69_67_72_01n; // "PGLMigr" + 1
const APPEND_LOCK_CLASS = 0x50_47_4c_41n; // "PGLA"

/** One channel for every schema; the payload names the schema whose events table changed. */
const NOTIFICATION_CHANNEL = 'pangolin_event_store';

interface Migration {
  version: number;
  description: string;
  /** The statements, given the quoted schema name. */
  sql: (schema: string) => string;
}

/** Applied in order, each once; never edit a released step, add a new one. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events table',
    sql: (schema) => `
      CREATE TABLE ${schema}.events (
        position bigint PRIMARY KEY CHECK (position > 0),
        event_id text NOT NULL UNIQUE,
        stream_id text NOT NULL,
        revision integer NOT NULL CHECK (revision >= 0),
        type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (stream_id, revision)
      );
    `,
  },
];
const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** As pg returns it: int8 comes back as a string, jsonb already parsed. */
interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

interface StreamHeadRow {
  revision: number;
  position: string;
}

interface SerializedEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata';

/**
 * The server event store: one PostgreSQL schema, shared by any number of processes.
 *
 * Why readers can never skip an event. A reader follows `position > checkpoint`. Had positions come
 * from a sequence, a transaction holding a lower value could commit after one holding a higher value,
 * and a reader that saw the higher one would advance its checkpoint past the lower one for good.
 * Instead, every append transaction first takes a transaction-scoped advisory lock (one per schema),
 * and only then reads MAX(position) and writes the next positions. The lock is released after the
 * commit has become visible, so appends commit one after another in position order and positions are
 * gap-free: once a reader sees position n, every position below n is already visible to it.
 *
 * The alternative keeps concurrent appends: tag each event with the writing transaction's id
 * (pg_current_xact_id()) and let readers take only events of transactions older than
 * pg_snapshot_xmin(pg_current_snapshot()), ordered by (transaction id, position). It was not chosen
 * because a reader's checkpoint then has two parts, and the port's single bigint position, which
 * subscribers already store, would no longer be enough. The price of the lock: appends to one schema
 * are serialised, so throughput is bounded by one append transaction's round trips and commit.
 *
 * Data is stored as jsonb, which keeps values but not key order or whitespace, and refuses strings
 * holding \u0000 or unpaired surrogates (such an append fails and writes nothing).
 */
export class PostgresEventStore implements EventStore {
  private readonly subscriptions = new Set<CatchUpSubscription>();
  /** The schema name quoted, ready to prefix table names. */
  private readonly schema: string;
  private readonly pollIntervalMs: number;
  private readonly subscriptionBatchSize: number;
  private readonly listener: AppendListener;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: Pool,
    connectionString: string,
    private readonly schemaName: string,
    /** int8 as a string, passed as a query parameter. */
    private readonly appendLockKey: string,
    options: PostgresEventStoreOptions,
  ) {
    this.schema = quoteIdentifier(schemaName);
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.subscriptionBatchSize = options.subscriptionBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH_SIZE;
    this.listener = new AppendListener(connectionOptions(connectionString, options), schemaName, () => this.wakeSubscriptions());
  }

  /**
   * Connects to the database, creates or migrates the schema, and starts listening for appends.
   * Any number of processes may do this at once.
   */
  static async connect(connectionString: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const schemaName = options.schema ?? DEFAULT_SCHEMA;
    if (!SCHEMA_NAME.test(schemaName) || schemaName.length > MAX_IDENTIFIER_LENGTH) {
      throw new RangeError(`schema must be 1 to ${MAX_IDENTIFIER_LENGTH} lower-case letters, digits or '_', got '${schemaName}'`);
    }
    const pool = new Pool({ ...connectionOptions(connectionString, options), application_name: 'pangolin-event-store' });
    // An idle connection that breaks (e.g. the server restarts) is reported here; the pool has already
    // discarded it and the next query opens a new one. Unhandled, the event would crash the process.
    // (A connection checked out of the pool is covered by runInTransaction, pool.query by the pool.)
    pool.on('error', () => {});
    try {
      await migrate(pool, schemaName);
      const { rows } = await pool.query<{ key: string }>(
        'SELECT ($1::bigint << 32 | oid::bigint)::text AS key FROM pg_namespace WHERE nspname = $2',
        [APPEND_LOCK_CLASS.toString(), schemaName],
      );
      const store = new PostgresEventStore(pool, connectionString, schemaName, rows[0].key, options);
      await store.listener.start();
      return store;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const serialized = events.map((event) => ({
      eventId: event.eventId,
      type: event.type,
      data: JSON.stringify(event.data ?? null),
      metadata: JSON.stringify(event.metadata),
    }));
    rejectRepeatedIds(streamId, serialized);
    if (serialized.length === 0) {
      // Nothing to write, so no lock is needed: one query sees a consistent stream head.
      const head = await this.selectStreamHead(this.pool, streamId);
      requireExpected(streamId, expected, head);
      return { nextRevision: head?.revision ?? -1, lastPosition: head ? BigInt(head.position) : 0n, alreadyStored: false };
    }

    const result = await runInTransaction(this.pool, async (client) => {
      // Its own statement: under READ COMMITTED each later statement takes a fresh snapshot, which
      // therefore includes the commit of the previous lock holder.
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [this.appendLockKey]);
      const replay = await this.findReplay(client, streamId, serialized);
      if (replay) return replay;

      const head = await this.selectStreamHead(client, streamId);
      requireExpected(streamId, expected, head);
      const lastPosition = await this.insertEvents(client, streamId, head?.revision ?? -1, serialized);
      // Delivered to every listening connection when (and only if) the transaction commits.
      await client.query('SELECT pg_notify($1, $2)', [NOTIFICATION_CHANNEL, this.schemaName]);
      return { nextRevision: (head?.revision ?? -1) + serialized.length, lastPosition, alreadyStored: false };
    });
    if (!result.alreadyStored) this.wakeSubscriptions();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit === undefined ? null : requireCount('limit', options.limit);
    const backwards = options.direction === 'backwards';
    const fromRevision = requireCount('fromRevision', options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0));
    // bigint parameter: fromRevision may exceed the integer column's range.
    const { rows } = await this.pool.query<EventRow>(
      backwards
        ? `SELECT ${EVENT_COLUMNS} FROM ${this.schema}.events WHERE stream_id = $1 AND revision <= $2::bigint ORDER BY revision DESC LIMIT $3`
        : `SELECT ${EVENT_COLUMNS} FROM ${this.schema}.events WHERE stream_id = $1 AND revision >= $2::bigint ORDER BY revision ASC LIMIT $3`,
      [streamId, fromRevision, limit],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit === undefined ? null : requireCount('limit', options.limit);
    return this.readAllAfter(options.after ?? 0n, limit);
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT COALESCE(MAX(position), 0) AS position FROM ${this.schema}.events`);
    return BigInt(rows[0].position);
  }

  subscribe(checkpoint: bigint, handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    if (this.closing) throw new Error('the event store is closed');
    const subscription: CatchUpSubscription = new CatchUpSubscription(checkpoint, handler, options, {
      readAfter: (position, limit) => this.readAllAfter(position, limit),
      batchSize: this.subscriptionBatchSize,
      // Woken by this store's appends and by the AppendListener's notifications of any process's appends
      // (wakeSubscriptions); polling only bounds the delay when a notification is lost.
      pollIntervalMs: this.pollIntervalMs,
      onEnded: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      await this.listener.stop();
      await this.pool.end();
    })();
    return this.closing;
  }

  private wakeSubscriptions(): void {
    for (const subscription of this.subscriptions) subscription.wake();
  }

  private async readAllAfter(position: bigint, limit: number | null): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.schema}.events WHERE position > $1::bigint ORDER BY position ASC LIMIT $2`,
      [position.toString(), limit],
    );
    return rows.map(toRecordedEvent);
  }

  private async selectStreamHead(queryable: Pool | PoolClient, streamId: string): Promise<StreamHeadRow | undefined> {
    const { rows } = await queryable.query<StreamHeadRow>(
      `SELECT revision, position FROM ${this.schema}.events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1`,
      [streamId],
    );
    return rows[0];
  }

  /** One multi-row INSERT; positions follow the log's head and revisions the stream's, in batch order. Returns the last position. */
  private async insertEvents(client: PoolClient, streamId: string, streamRevision: number, events: readonly SerializedEvent[]): Promise<bigint> {
    const { rows } = await client.query<{ last_position: string }>(
      `WITH inserted AS (
         INSERT INTO ${this.schema}.events (position, event_id, stream_id, revision, type, data, metadata)
         SELECT log.head + batch.ordinality, batch.event_id, $1, $2::integer + batch.ordinality::integer,
                batch.type, batch.data::jsonb, batch.metadata::jsonb
         FROM (SELECT COALESCE(MAX(position), 0) AS head FROM ${this.schema}.events) AS log,
              unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS batch(event_id, type, data, metadata, ordinality)
         RETURNING position
       )
       SELECT MAX(position) AS last_position FROM inserted`,
      [
        streamId,
        streamRevision,
        events.map((event) => event.eventId),
        events.map((event) => event.type),
        events.map((event) => event.data),
        events.map((event) => event.metadata),
      ],
    );
    return BigInt(rows[0].last_position);
  }

  /**
   * An append is a replay when every id of the batch is stored in this stream, in batch order at
   * consecutive revisions: the result of the original append is returned, whatever `expected` says.
   * Any other reuse of a stored id is a DuplicateEventId. Returns undefined when no id is stored.
   */
  private async findReplay(client: PoolClient, streamId: string, events: readonly SerializedEvent[]): Promise<AppendResult | undefined> {
    const { rows } = await client.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${this.schema}.events WHERE event_id = ANY($1::text[])`, [
      events.map((event) => event.eventId),
    ]);
    if (rows.length === 0) return undefined;

    const storedById = new Map(rows.map((row) => [row.event_id, row]));
    const stored = events.map(({ eventId }) => storedById.get(eventId));
    const isReplay = stored.every(
      (row, index) => row !== undefined && row.stream_id === streamId && (index === 0 || row.revision === stored[0]!.revision + index),
    );
    if (!isReplay) {
      const clash = stored.find((row) => row !== undefined && row.stream_id !== streamId) ?? stored.find((row) => row !== undefined)!;
      throw new DuplicateEventId(clash.event_id, clash.stream_id);
    }
    const last = stored[stored.length - 1]!;
    return { nextRevision: last.revision, lastPosition: BigInt(last.position), alreadyStored: true };
  }
}

/**
 * TCP keepalive for every PostgreSQL connection of the platform: a peer that vanished without closing
 * the connection (a network partition, a dead host) is noticed within about a minute instead of the
 * operating system's two hours, so an idle pooled connection or a lease is given up and reopened.
 */
export const POSTGRES_KEEPALIVE = { keepAlive: true, keepAliveInitialDelayMillis: 10_000 } as const;

/** What every connection of the store is opened with. */
function connectionOptions(connectionString: string, options: PostgresEventStoreOptions) {
  return {
    connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    ...POSTGRES_KEEPALIVE,
  };
}

/**
 * Runs `work` in a READ COMMITTED transaction (stated, not left to the database's default: the locking
 * above relies on each statement taking a fresh snapshot). If COMMIT fails, the outcome is unknown;
 * the caller may retry, and an append's retry is recognised as a replay.
 */
async function runInTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // While checked out, a connection's 'error' event (the server restarts, the backend is terminated)
  // has no listener of the pool's: without this one it would crash the process. The statement in
  // flight fails with the same error, and the rollback below then discards the connection.
  const ignoreConnectionError = () => {};
  client.on('error', ignoreConnectionError);
  const release = (error?: Error) => {
    client.removeListener('error', ignoreConnectionError);
    client.release(error);
  };
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const result = await work(client);
    await client.query('COMMIT');
    release();
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
      release();
    } catch (rollbackError) {
      // The connection is unusable: release(error) closes it instead of returning it to the pool.
      release(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
    }
    throw error;
  }
}

/**
 * Brings the schema to LATEST_SCHEMA_VERSION. The advisory lock makes processes that start together
 * take turns: the first applies the pending steps, the others then find nothing left to do.
 */
async function migrate(pool: Pool, schemaName: string): Promise<void> {
  const schema = quoteIdentifier(schemaName);
  await runInTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )
    `);
    const { rows } = await client.query<{ version: number }>(`SELECT COALESCE(MAX(version), 0) AS version FROM ${schema}.schema_migrations`);
    const applied = rows[0].version;
    if (applied > LATEST_SCHEMA_VERSION) {
      throw new Error(`schema ${schemaName} has event store schema version ${applied}; this code supports up to ${LATEST_SCHEMA_VERSION}`);
    }
    for (const migration of MIGRATIONS.filter((step) => step.version > applied)) {
      await client.query(migration.sql(schema));
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, description) VALUES ($1, $2)`, [
        migration.version,
        migration.description,
      ]);
    }
  });
}

/** A batch may not name an id twice; checked before touching the database. */
function rejectRepeatedIds(streamId: string, events: readonly SerializedEvent[]): void {
  const batchIds = new Set<string>();
  for (const { eventId } of events) {
    if (batchIds.has(eventId)) throw new DuplicateEventId(eventId, streamId);
    batchIds.add(eventId);
  }
}

function requireExpected(streamId: string, expected: ExpectedRevision, head: StreamHeadRow | undefined): void {
  const actual = head ? head.revision : 'no-stream';
  if (expected !== 'any' && expected !== actual) throw new WrongExpectedRevision(streamId, expected, actual);
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: BigInt(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
  };
}

/** Only for names checked against SCHEMA_NAME, which cannot contain a quote. */
function quoteIdentifier(name: string): string {
  return `"${name}"`;
}

function requireCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/**
 * A dedicated connection that LISTENs for the store's notifications and calls `onAppend` for those of
 * its schema. If the connection breaks it reconnects after a pause, then calls `onAppend` once, since
 * notifications sent meanwhile were lost (subscriptions' polling covers the outage too).
 */
class AppendListener {
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly connection: ReturnType<typeof connectionOptions>,
    private readonly schemaName: string,
    private readonly onAppend: () => void,
  ) {}

  /** Connects and listens; rejects if the first connection fails. */
  async start(): Promise<void> {
    const client = new Client({
      ...this.connection,
      application_name: `pangolin-event-store-listener:${this.schemaName}`.slice(0, MAX_IDENTIFIER_LENGTH),
    });
    // Errors are followed by 'end', handled below; unhandled, an 'error' event would crash the process.
    client.on('error', () => {});
    client.on('notification', ({ channel, payload }) => {
      if (channel === NOTIFICATION_CHANNEL && payload === this.schemaName) this.onAppend();
    });
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.reconnectLater();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFICATION_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.stopped) {
      await client.end();
      return;
    }
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    this.reconnectTimer = setTimeout(() => {
      this.start().then(
        () => this.onAppend(),
        () => this.reconnectLater(),
      );
    }, LISTENER_RECONNECT_DELAY_MS);
    // Subscriptions' poll timers keep a worker alive; a pending reconnect alone should not.
    this.reconnectTimer.unref();
  }
}
