import { Client, Pool, PoolClient } from 'pg';
import type { AppendResult, EventMetadata, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import { DuplicateEventId, WrongExpectedRevision } from '../event-store.port';
import { isDatabaseUnavailable } from '../database-unavailable';
import { CatchUpOptions, CatchUpSubscriptions, PendingAppend, StreamHead, headResult, rejectRepeatedIds, requireCount, requireExpected, serializeEvent } from '../kit';

export interface PostgresEventStoreOptions extends CatchUpOptions {
  /** The schema holding the store's tables, created if missing. Lower-case letters, digits and '_'. Default 'pangolin'. */
  schema?: string;
  /**
   * How often a caught-up subscription looks for new events when no notification woke it. Notifications
   * (LISTEN/NOTIFY) deliver appends live, so this only bounds the delay when one is lost, e.g. while the
   * listening connection reconnects. Default 1000.
   */
  pollIntervalMs?: number;
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

/*
 * Parts of append_events shared by its versions (migrations 2 and 3), so that each is written once.
 * Their text, indentation included, is what migration 2 was released with: a released step's SQL
 * must not change.
 */

/** Starts the function's body: READ COMMITTED checked, the schema's append lock taken, the log's head read into log_head. */
const beginAppends = (schema: string) => `      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'append_events needs READ COMMITTED, where each statement takes a fresh snapshot; this transaction is %',
            current_setting('transaction_isolation');
        END IF;
        PERFORM pg_advisory_xact_lock((${APPEND_LOCK_CLASS}::bigint << 32) | '${schema}'::regnamespace::oid::bigint);
        SELECT COALESCE(MAX(position), 0) INTO log_head FROM ${schema}.events;`;

/** Reads each append's stream head into stream_heads (the group's streams are distinct). */
const streamHeadsOfTheGroup = (schema: string) => `          SELECT array_agg(head.revision ORDER BY request.ordinal) INTO stream_heads
          FROM unnest(append_stream_ids) WITH ORDINALITY AS request (stream_id, ordinal)
          LEFT JOIN LATERAL (
            SELECT stored.revision FROM ${schema}.events AS stored
            WHERE stored.stream_id = request.stream_id ORDER BY stored.revision DESC LIMIT 1
          ) AS head ON true;`;

/** Inserts the accepted appends' events after group_head (refused appends' events left out). */
const insertAcceptedEvents = (schema: string) => `          -- The accepted appends' events, positions following on from the log's head in group order
          -- (leaving out the refused appends' events), revisions from their stream's head.
          INSERT INTO ${schema}.events (position, event_id, stream_id, revision, type, data, metadata)
          SELECT group_head + batch.ordinal - refused_before[batch.request], batch.event_id, append_stream_ids[batch.request],
                 COALESCE(stream_heads[batch.request], -1) + (batch.ordinal - events_before[batch.request])::integer,
                 batch.event_type, batch.data::jsonb, batch.metadata::jsonb
          FROM unnest(event_ids, event_types, event_data, event_metadata,
                      -- each event's append: 1 append_sizes[1] times, then 2 append_sizes[2] times...
                      ARRAY(SELECT request.ordinal::integer
                            FROM unnest(append_sizes) WITH ORDINALITY AS request (size, ordinal), generate_series(1, request.size)
                            ORDER BY request.ordinal))
               WITH ORDINALITY AS batch (event_id, event_type, data, metadata, request, ordinal)
          WHERE accepted[batch.request];`;

/** The variables of appendsOneAtATime (and appended_any, which every version sets), declared by the function. */
const oneAtATimeVariables = `        first_event integer := 1;
        last_event integer;
        batch_ids text[];
        stream_head integer;
        stored_count integer;
        replayed_count integer;
        appended_any boolean := false;`;

/**
 * The appends one at a time, each seeing the ones before it: recognises replays, names duplicates,
 * checks each expected revision against the stream as the earlier appends left it.
 */
const appendsOneAtATime = (schema: string) => `          FOR i IN 1 .. COALESCE(cardinality(append_stream_ids), 0) LOOP
            last_event := first_event + append_sizes[i] - 1;
            batch_ids := event_ids[first_event:last_event];
            outcome := NULL; next_revision := NULL; last_position := NULL;
            actual_revision := NULL; clash_event_id := NULL; clash_stream_id := NULL;

            SELECT count(*) INTO stored_count FROM ${schema}.events AS stored WHERE stored.event_id = ANY (batch_ids);
            IF stored_count > 0 THEN
              -- A replay: every id stored in this stream, at consecutive revisions in batch order.
              SELECT count(*) INTO replayed_count
              FROM unnest(batch_ids) WITH ORDINALITY AS batch (event_id, ordinal)
              JOIN ${schema}.events AS stored USING (event_id)
              CROSS JOIN (SELECT first_row.revision FROM ${schema}.events AS first_row WHERE first_row.event_id = batch_ids[1]) AS first_stored
              WHERE stored.stream_id = append_stream_ids[i] AND stored.revision = first_stored.revision + batch.ordinal::integer - 1;
              IF replayed_count = cardinality(batch_ids) THEN
                outcome := 'replay';
                SELECT stored.revision, stored.position INTO next_revision, last_position
                FROM ${schema}.events AS stored WHERE stored.event_id = batch_ids[cardinality(batch_ids)];
              ELSE
                -- Any other reuse of a stored id; the clash named is one in another stream if there is one.
                outcome := 'duplicate_event_id';
                SELECT stored.event_id, stored.stream_id INTO clash_event_id, clash_stream_id
                FROM unnest(batch_ids) WITH ORDINALITY AS batch (event_id, ordinal)
                JOIN ${schema}.events AS stored USING (event_id)
                ORDER BY stored.stream_id = append_stream_ids[i], batch.ordinal
                LIMIT 1;
              END IF;
            ELSE
              SELECT stored.revision INTO stream_head
              FROM ${schema}.events AS stored WHERE stored.stream_id = append_stream_ids[i]
              ORDER BY stored.revision DESC LIMIT 1;
              IF append_expected_revisions[i] IS NOT NULL AND append_expected_revisions[i] <> COALESCE(stream_head, -1) THEN
                outcome := 'wrong_expected_revision';
                actual_revision := stream_head;
              ELSE
                INSERT INTO ${schema}.events (position, event_id, stream_id, revision, type, data, metadata)
                SELECT log_head + batch.ordinal, batch.event_id, append_stream_ids[i], COALESCE(stream_head, -1) + batch.ordinal::integer,
                       batch.event_type, batch.data::jsonb, batch.metadata::jsonb
                FROM unnest(batch_ids, event_types[first_event:last_event], event_data[first_event:last_event], event_metadata[first_event:last_event])
                     WITH ORDINALITY AS batch (event_id, event_type, data, metadata, ordinal);
                log_head := log_head + append_sizes[i];
                outcome := 'appended';
                next_revision := COALESCE(stream_head, -1) + append_sizes[i];
                last_position := log_head;
                appended_any := true;
              END IF;
            END IF;
            RETURN NEXT;
            first_event := last_event + 1;
          END LOOP;`;

/** Notifies the listeners of the schema, if anything was appended (delivered only if the transaction commits). */
const notifyIfAppended = (schemaName: string) => `        -- Delivered to every listening connection when (and only if) the transaction commits.
        IF appended_any THEN
          PERFORM pg_notify('${NOTIFICATION_CHANNEL}', '${schemaName}');
        END IF;`;

interface Migration {
  version: number;
  description: string;
  /** The statements, given the quoted schema name and the name itself. */
  sql: (schema: string, schemaName: string) => string;
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
  {
    version: 2,
    description: 'append_events: a group of appends in one statement',
    // Called by PostgresEventStore.callAppendEvents; see the class comment for why positions stay dense and
    // readers never skip. VOLATILE (the default) matters: under READ COMMITTED each statement of a
    // volatile function takes a fresh snapshot, so every read after the lock sees the previous
    // holder's commit. Each append of the group is checked on its own and its outcome returned as a
    // row, in order: 'appended', 'replay' (every id stored in this stream, in order: the original
    // result), 'wrong_expected_revision' (with the actual revision, NULL: no stream) or
    // 'duplicate_event_id' (with the stored event that clashes). Appends later in the group see
    // the earlier ones' events, exactly as if they had come one after another.
    sql: (schema, schemaName) => `
      CREATE FUNCTION ${schema}.append_events(
        append_stream_ids text[],
        -- NULL: any revision; -1: the stream must not exist
        append_expected_revisions integer[],
        -- append i's events are the next append_sizes[i] elements of the event arrays
        append_sizes integer[],
        event_ids text[],
        event_types text[],
        event_data text[],
        event_metadata text[]
      ) RETURNS TABLE (outcome text, next_revision integer, last_position bigint, actual_revision integer, clash_event_id text, clash_stream_id text)
      LANGUAGE plpgsql
      -- Every query here has an index to follow. A session caches its plans (generic ones from the sixth
      -- call on); made while the table was small, they would scan the whole table ever after.
      SET enable_seqscan = off
      AS $function$
      DECLARE
        log_head bigint;
        group_head bigint;
        stream_heads integer[];
        accepted boolean[] := '{}';
        -- per append of the group: events of the appends before it, and of those refused before it
        events_before integer[] := '{}';
        refused_before integer[] := '{}';
        events_seen integer := 0;
        events_refused integer := 0;
${oneAtATimeVariables}
${beginAppends(schema)}
        -- The common case, in a fixed number of statements whatever the group's size: no id of the group
        -- is stored yet, and no id or stream comes twice in it. Otherwise the appends are taken one at a
        -- time (the loop after ELSE), which also recognises replays and names duplicates.
        IF NOT EXISTS (SELECT FROM ${schema}.events AS stored WHERE stored.event_id = ANY (event_ids))
           -- (COLLATE "C": equality is all that matters here, and byte order sorts fastest)
           AND (SELECT count(DISTINCT id COLLATE "C") FROM unnest(event_ids) AS id) = cardinality(event_ids)
           AND (SELECT count(DISTINCT id COLLATE "C") FROM unnest(append_stream_ids) AS id) = cardinality(append_stream_ids) THEN
${streamHeadsOfTheGroup(schema)}
          group_head := log_head;
          FOR i IN 1 .. cardinality(append_stream_ids) LOOP
            outcome := NULL; next_revision := NULL; last_position := NULL;
            actual_revision := NULL; clash_event_id := NULL; clash_stream_id := NULL;
            accepted[i] := append_expected_revisions[i] IS NULL OR append_expected_revisions[i] = COALESCE(stream_heads[i], -1);
            events_before[i] := events_seen;
            refused_before[i] := events_refused;
            events_seen := events_seen + append_sizes[i];
            IF accepted[i] THEN
              log_head := log_head + append_sizes[i];
              outcome := 'appended';
              next_revision := COALESCE(stream_heads[i], -1) + append_sizes[i];
              last_position := log_head;
            ELSE
              events_refused := events_refused + append_sizes[i];
              outcome := 'wrong_expected_revision';
              actual_revision := stream_heads[i];
            END IF;
            RETURN NEXT;
          END LOOP;
${insertAcceptedEvents(schema)}
          appended_any := log_head > group_head;
        ELSE
${appendsOneAtATime(schema)}
        END IF;
${notifyIfAppended(schemaName)}
      END;
      $function$;
    `,
  },
  {
    version: 3,
    description: 'append_events: the common case checks its ids by the INSERT itself',
    // Same signature and outcomes as version 2. Version 2 looked every id of the group up before its
    // INSERT (one index probe per event) that the INSERT then repeats to enforce the unique
    // constraint: a tenth of an append of 100 events (bench/postgres-vs-emmett.bench.ts, scenario 2).
    // Here the common case (every append of the group accepted, streams distinct) inserts straight
    // away, in a block of its own: if an id is already stored (a replay, a clash) or comes twice in
    // the group, the unique constraint refuses the INSERT, the block's subtransaction undoes it, and
    // the appends are taken one at a time as before, which tells the replays and names the clash.
    // A group with a refused append goes one at a time too: a refused append that is a replay must
    // be answered as one, and only that path looks its ids up.
    sql: (schema, schemaName) => `
      CREATE OR REPLACE FUNCTION ${schema}.append_events(
        append_stream_ids text[],
        append_expected_revisions integer[],
        append_sizes integer[],
        event_ids text[],
        event_types text[],
        event_data text[],
        event_metadata text[]
      ) RETURNS TABLE (outcome text, next_revision integer, last_position bigint, actual_revision integer, clash_event_id text, clash_stream_id text)
      LANGUAGE plpgsql
      SET enable_seqscan = off
      AS $function$
      DECLARE
        log_head bigint;
        group_head bigint;
        stream_heads integer[];
        accepted boolean[] := '{}';
        events_before integer[] := '{}';
        refused_before integer[] := '{}';
        events_seen integer := 0;
        -- the common case's outcome per append: its next revision and last position
        next_revisions integer[] := '{}';
        last_positions bigint[] := '{}';
        inserted boolean := false;
${oneAtATimeVariables}
${beginAppends(schema)}
        IF (SELECT count(DISTINCT id COLLATE "C") FROM unnest(append_stream_ids) AS id) = cardinality(append_stream_ids) THEN
${streamHeadsOfTheGroup(schema)}
          group_head := log_head;
          FOR i IN 1 .. cardinality(append_stream_ids) LOOP
            accepted[i] := append_expected_revisions[i] IS NULL OR append_expected_revisions[i] = COALESCE(stream_heads[i], -1);
            EXIT WHEN NOT accepted[i];
            events_before[i] := events_seen;
            refused_before[i] := 0;
            events_seen := events_seen + append_sizes[i];
            log_head := log_head + append_sizes[i];
            next_revisions[i] := COALESCE(stream_heads[i], -1) + append_sizes[i];
            last_positions[i] := log_head;
          END LOOP;
          IF events_seen = cardinality(event_ids) THEN
            BEGIN
${insertAcceptedEvents(schema)}
              inserted := true;
            EXCEPTION WHEN unique_violation THEN
              -- Nothing of the INSERT stays; the appends go one at a time below.
              inserted := false;
            END;
          END IF;
          log_head := group_head;
        END IF;
        IF inserted THEN
          appended_any := true;
          RETURN QUERY SELECT 'appended'::text, appended.revision_after, appended.position_after, NULL::integer, NULL::text, NULL::text
            FROM unnest(next_revisions, last_positions) AS appended (revision_after, position_after);
        ELSE
${appendsOneAtATime(schema)}
        END IF;
${notifyIfAppended(schemaName)}
      END;
      $function$;
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

/** A row of append_events: the outcome of one append of the group. */
interface AppendOutcomeRow {
  outcome: 'appended' | 'replay' | 'wrong_expected_revision' | 'duplicate_event_id';
  next_revision: number | null;
  /** int8 as a string. */
  last_position: string | null;
  /** NULL: the stream does not exist. */
  actual_revision: number | null;
  clash_event_id: string | null;
  clash_stream_id: string | null;
}

/**
 * At most this many events go in one call of append_events, bounding the statement's size; a larger
 * append goes alone.
 */
const MAX_EVENTS_PER_GROUP = 5_000;

const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata';

/**
 * The server event store: one PostgreSQL schema, shared by any number of processes.
 *
 * Why readers can never skip an event. A reader follows `position > checkpoint`. Had positions come
 * from a sequence, a transaction holding a lower value could commit after one holding a higher value,
 * and a reader that saw the higher one would advance its checkpoint past the lower one for good (the
 * COUNTER-EXAMPLE test shows it). Instead, appends go through the SQL function append_events, called
 * as one statement in a READ COMMITTED transaction of its own (the store's connections make READ
 * COMMITTED their default, and the function refuses any other level). Its first step takes a
 * transaction-scoped advisory lock (one per schema); only then does it read MAX(position) and write
 * the next positions. The function is VOLATILE, so each of its statements after the lock takes a fresh
 * snapshot, which includes the commit of the previous lock holder. The lock is released only after the
 * commit has become visible, so append transactions commit one after another in position order and
 * positions are gap-free: once a reader sees position n, every position below n is already visible to it.
 *
 * Group commit. Appends a process makes while its previous call is in flight wait, then go together in
 * one call of append_events, so one statement, one transaction and one commit serve them all. Inside,
 * the function takes them in order, each checked on its own (replay by event ids, expected revision)
 * and each given the positions after the previous one's, exactly as if they had come one by one (in
 * the common case, every append accepted, by one INSERT for the group; see migration 3); a
 * conflict is an outcome row for that append, not an error, so it fails alone. (A statement that fails
 * as a whole, e.g. because jsonb refuses one append's data, is tried again append by append, so that
 * only that one fails.) Positions stay dense and in commit order, since the whole group commits at
 * once under the lock.
 *
 * The alternative keeps concurrent appends: tag each event with the writing transaction's id
 * (pg_current_xact_id()) and let readers take only events of transactions older than
 * pg_snapshot_xmin(pg_current_snapshot()), ordered by (transaction id, position). It was not chosen
 * because a reader's checkpoint then has two parts, and the port's single bigint position, which
 * subscribers already store, would no longer be enough. The price of the lock: appends to one schema
 * are serialised, one transaction at a time; group commit and the single round trip make each
 * transaction short and let it carry many appends.
 *
 * Data is stored as jsonb, which keeps values but not key order or whitespace, and refuses strings
 * holding \u0000 or unpaired surrogates (such an append fails and writes nothing).
 */
export class PostgresEventStore implements EventStore {
  /**
   * Woken by this store's appends and by the AppendListener's notifications of any process's appends;
   * polling only bounds the delay when a notification is lost.
   */
  private readonly subscriptions: CatchUpSubscriptions;
  /** The schema name quoted, ready to prefix table names. */
  private readonly schema: string;
  private readonly listener: AppendListener;
  /** Appends waiting for the group in flight; they go together in the next one. */
  private readonly waitingAppends: PendingAppend[] = [];
  private sendingAppends = false;

  private constructor(
    private readonly pool: Pool,
    connectionString: string,
    private readonly schemaName: string,
    options: PostgresEventStoreOptions,
  ) {
    this.schema = quoteIdentifier(schemaName);
    this.subscriptions = new CatchUpSubscriptions(options, DEFAULT_POLL_INTERVAL_MS);
    this.listener = new AppendListener(connectionOptions(connectionString, options), schemaName, () => this.subscriptions.wake());
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
      const store = new PostgresEventStore(pool, connectionString, schemaName, options);
      await store.listener.start();
      return store;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const serialized = events.map(serializeEvent);
    // A batch naming an id twice is refused before touching the database; the rest of the replay rule
    // (ids already stored) is append_events', under the append lock.
    rejectRepeatedIds(streamId, serialized);
    if (serialized.length === 0) {
      // Nothing to write, so no lock is needed: one query sees a consistent stream head.
      const head = await this.selectStreamHead(streamId);
      requireExpected(streamId, expected, head);
      return headResult(head);
    }

    return new Promise((resolve, reject) => {
      this.waitingAppends.push({ streamId, expected, events: serialized, resolve, reject });
      if (!this.sendingAppends) void this.sendWaitingAppends();
    });
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
    return this.subscriptions.subscribe(checkpoint, handler, options, (position, limit) => this.readAllAfter(position, limit));
  }

  close(): Promise<void> {
    return this.subscriptions.close({
      release: async () => {
        await this.listener.stop();
        await this.pool.end();
      },
    });
  }

  private async readAllAfter(position: bigint, limit: number | null): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.schema}.events WHERE position > $1::bigint ORDER BY position ASC LIMIT $2`,
      [position.toString(), limit],
    );
    return rows.map(toRecordedEvent);
  }

  private async selectStreamHead(streamId: string): Promise<StreamHead | undefined> {
    const { rows } = await this.pool.query<StreamHeadRow>(
      `SELECT revision, position FROM ${this.schema}.events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1`,
      [streamId],
    );
    return rows[0] && { revision: rows[0].revision, position: BigInt(rows[0].position) };
  }

  /**
   * Sends the waiting appends, a group at a time, until none is left. Appends that arrive while a
   * group is in flight wait for it, and then go together in the next: one statement, one transaction
   * and one commit for all of them (group commit). Sending one group at a time loses nothing, since
   * the schema's append lock serialises appends anyway.
   */
  private async sendWaitingAppends(): Promise<void> {
    this.sendingAppends = true;
    try {
      while (this.waitingAppends.length > 0) {
        await this.appendGroup(takeGroup(this.waitingAppends));
        // One turn of the event loop, so that callers whose appends just settled can make their next
        // ones (several promise steps away) in time to join the next group rather than the one after.
        await new Promise(setImmediate);
      }
    } finally {
      this.sendingAppends = false;
    }
  }

  /** Settles every append of the group, each with its own outcome; never rejects. */
  private async appendGroup(group: readonly PendingAppend[]): Promise<void> {
    let outcomes: AppendOutcomeRow[];
    try {
      outcomes = await this.callAppendEvents(group);
    } catch (error) {
      // The statement failed as a whole and wrote nothing, e.g. because jsonb refused one append's data:
      // each append is then sent alone, so that only the faulty one fails. An unavailable database
      // fails them all (the outcome of a commit cut short is unknown; a retry is recognised as a replay).
      if (group.length > 1 && !isDatabaseUnavailable(error)) {
        for (const append of group) await this.appendGroup([append]);
      } else {
        for (const append of group) append.reject(error);
      }
      return;
    }
    if (outcomes.some((row) => row.outcome === 'appended')) this.subscriptions.wake();
    group.forEach((append, index) => settleAppend(append, outcomes[index]));
  }

  /** One statement (one round trip, its own transaction): the schema's append_events (migrations 2 and 3). */
  private async callAppendEvents(group: readonly PendingAppend[]): Promise<AppendOutcomeRow[]> {
    const events = group.flatMap((append) => append.events);
    const { rows } = await this.pool.query<AppendOutcomeRow>(
      `SELECT outcome, next_revision, last_position, actual_revision, clash_event_id, clash_stream_id
       FROM ${this.schema}.append_events($1::text[], $2::integer[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[])`,
      [
        group.map((append) => append.streamId),
        group.map((append) => (append.expected === 'any' ? null : append.expected === 'no-stream' ? -1 : append.expected)),
        group.map((append) => append.events.length),
        events.map((event) => event.eventId),
        events.map((event) => event.type),
        events.map((event) => event.data),
        events.map((event) => event.metadata),
      ],
    );
    if (rows.length !== group.length) throw new Error(`append_events answered ${rows.length} outcomes for ${group.length} appends`);
    return rows;
  }
}

/** Takes the next group off the front of `waiting`: as many appends as fit MAX_EVENTS_PER_GROUP, at least one. */
function takeGroup(waiting: PendingAppend[]): PendingAppend[] {
  let count = 1;
  let events = waiting[0].events.length;
  while (count < waiting.length && events + waiting[count].events.length <= MAX_EVENTS_PER_GROUP) events += waiting[count++].events.length;
  return waiting.splice(0, count);
}

function settleAppend(append: PendingAppend, row: AppendOutcomeRow): void {
  switch (row.outcome) {
    case 'appended':
    case 'replay':
      append.resolve({ nextRevision: row.next_revision!, lastPosition: BigInt(row.last_position!), alreadyStored: row.outcome === 'replay' });
      return;
    case 'wrong_expected_revision':
      append.reject(new WrongExpectedRevision(append.streamId, append.expected, row.actual_revision ?? 'no-stream'));
      return;
    case 'duplicate_event_id':
      append.reject(new DuplicateEventId(row.clash_event_id!, row.clash_stream_id!));
      return;
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
    // An append is one statement in a transaction of its own, so it gets the session's default isolation,
    // stated here whatever the server's default: append_events relies on READ COMMITTED (and checks it).
    options: '-c default_transaction_isolation=read\\ committed',
    ...POSTGRES_KEEPALIVE,
  };
}

/**
 * Runs `work` in a READ COMMITTED transaction (stated, not left to the database's default: the locking
 * relies on each statement taking a fresh snapshot).
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
      await client.query(migration.sql(schema, schemaName));
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, description) VALUES ($1, $2)`, [
        migration.version,
        migration.description,
      ]);
    }
  });
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
