import Database from 'better-sqlite3';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import {
  CatchUpOptions,
  CatchUpSubscriptions,
  PendingAppend,
  SerializedEvent,
  StreamHead,
  deserializeEvent,
  findReplay,
  requireCount,
  requireExpected,
  serializeEvent,
} from '../kit';

export interface SqliteEventStoreOptions extends CatchUpOptions {
  /**
   * How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
   * better-sqlite3 is synchronous, so the waiting blocks this process's event loop. Default 5000.
   */
  busyTimeoutMs?: number;
  /** How often a caught-up subscription looks for events appended by other connections. Default 200. */
  pollIntervalMs?: number;
  /**
   * Sync each group commit's WAL frames to disk on a libuv thread (fdatasync), not inside COMMIT on
   * the event loop: an append is still acknowledged only once its commit is on disk, and this
   * store's subscriptions and readAll still hand out only events on disk, but the process serves
   * other requests while the disk syncs. Only for a file that no other process's workers read:
   * another connection sees a commit before its sync. Ignored for ':memory:'. Default false.
   */
  syncOffTheEventLoop?: boolean;
}

const SCHEMA_VERSION = 1;
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_POLL_INTERVAL_MS = 200;
/** SQLite reads a negative LIMIT as "no limit". */
const NO_LIMIT = -1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS schema_version (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    version INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    stream_id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 0),
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    UNIQUE (stream_id, revision)
  ) STRICT;
  INSERT OR IGNORE INTO schema_version (singleton, version) VALUES (1, ${SCHEMA_VERSION});
`;

/** The connection returns every INTEGER as a bigint (see defaultSafeIntegers). */
interface EventRow {
  position: bigint;
  event_id: string;
  stream_id: string;
  revision: bigint;
  type: string;
  data: string;
  metadata: string;
}

/** What one append of a group came to: its result and the events it wrote, or why it was refused. */
type GroupedOutcome = { result: AppendResult; written: RecordedEvent[] } | { refused: unknown };

/**
 * At most this many group commits a gathering read waits for (see pendingAppendsCommitted): more
 * gathers more per read, but under a steady load there is always another one coming.
 */
const GATHERED_COMMITS = 3;

/** How many of the latest events the store keeps in memory for its subscribers (a multiple of their batch size). */
const RECENT_EVENTS_PER_BATCH = 4;

/**
 * The embedded event store: one SQLite file (or ':memory:'), which several processes may share.
 *
 * Why readers can never skip an event: SQLite lets one connection write at a time, and a position is
 * assigned inside the writing transaction, so positions become visible in commit order and, once a
 * reader sees position n, every position below n is already committed. A reader of a PostgreSQL
 * sequence has no such guarantee: a transaction holding a lower value can commit after one holding
 * a higher value, and a reader that advanced past the gap would miss it.
 */
export class SqliteEventStore implements EventStore {
  /**
   * Appends through this store wake its subscriptions at once (commitPendingAppends); SQLite cannot
   * notify other connections, so polling is how appends by other processes are found.
   */
  private readonly subscriptions: CatchUpSubscriptions;
  /** Appends made since the last group commit, committed together on the next turn of the event loop. */
  private pendingAppends: PendingAppend[] = [];
  /** Told when the group commit of the appends pending now is done (see gatherPendingAppends). */
  private pendingCommitWaiters: (() => void)[] = [];
  private readonly recent: RecentEvents;
  private readonly streams = new CachedStreams();
  /** With syncOffTheEventLoop: the WAL syncer; the group commits not yet on disk wait in it. */
  private readonly walSync: WalSync | undefined;

  private readonly selectStreamHead: Database.Statement<[string], { revision: bigint; position: bigint }>;
  private readonly selectByEventIds: Database.Statement<[string], EventRow>;
  private readonly insertEvent: Database.Statement<[string, string, number, string, string, string]>;
  private readonly selectStreamForwards: Database.Statement<[string, number, number], EventRow>;
  private readonly selectStreamBackwards: Database.Statement<[string, number, number], EventRow>;
  private readonly selectAllAfter: Database.Statement<[bigint, number], EventRow>;
  private readonly selectHeadPosition: Database.Statement<[], bigint>;
  private readonly selectDataVersion: Database.Statement<[], bigint>;
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, expected: ExpectedRevision, events: readonly SerializedEvent[]) => { result: AppendResult; written: RecordedEvent[] }
  >;
  private readonly groupTransaction: Database.Transaction<(group: readonly PendingAppend[]) => GroupedOutcome[]>;

  private constructor(private readonly db: Database.Database, options: SqliteEventStoreOptions, walFile?: string) {
    this.walSync = walFile === undefined ? undefined : new WalSync(walFile);
    this.subscriptions = new CatchUpSubscriptions(options, DEFAULT_POLL_INTERVAL_MS);
    this.selectStreamHead = db.prepare(
      'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    );
    this.selectByEventIds = db.prepare('SELECT * FROM events WHERE event_id IN (SELECT value FROM json_each(?))');
    this.insertEvent = db.prepare(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectStreamForwards = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
    );
    this.selectStreamBackwards = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
    );
    this.selectAllAfter = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?');
    this.selectHeadPosition = db.prepare<[], bigint>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    this.selectDataVersion = db.prepare<[], bigint>('PRAGMA data_version').pluck();
    // Called inside groupTransaction, this nested transaction is a savepoint: a refused append leaves nothing behind.
    this.appendTransaction = db.transaction((streamId, expected, events) => this.appendWithinTransaction(streamId, expected, events));
    this.groupTransaction = db.transaction((group) => group.map((pending) => this.appendInGroup(pending)));
    this.recent = new RecentEvents(this.subscriptions.batchSize * RECENT_EVENTS_PER_BATCH);
  }

  /** Opens (creating if needed) the store in `filename`, or in memory for ':memory:'. */
  static open(filename: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    const db = new Database(filename);
    try {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
      // WAL lets readers (subscriptions in other processes) run while a writer commits; a no-op in memory.
      db.pragma('journal_mode = WAL');
      // 4 MB of page cache (better-sqlite3's default is 16 MB): appends touch the right edge of the
      // log and of its indexes, subscriptions read recent events from memory (RecentEvents) and
      // commands their streams (CachedStreams), so a larger cache mostly holds pages read once.
      db.pragma('cache_size = -4000');
      // In WAL mode the default (NORMAL) may lose the last commits on power loss; FULL syncs every commit.
      db.pragma('synchronous = FULL');
      const syncOffLoop = options.syncOffTheEventLoop === true && !db.memory;
      // NORMAL: a commit writes its WAL frames without syncing them (WalSync does, off the event loop);
      // SQLite still syncs the WAL before each checkpoint copies it into the database, and the database after.
      if (syncOffLoop) db.pragma('synchronous = NORMAL');
      db.defaultSafeIntegers(true);
      db.transaction(() => db.exec(SCHEMA)).immediate();
      const version = Number(db.prepare('SELECT version FROM schema_version').pluck().get());
      if (version !== SCHEMA_VERSION) {
        throw new Error(`${filename} has event store schema version ${version}; this code supports ${SCHEMA_VERSION}`);
      }
      return new SqliteEventStore(db, options, syncOffLoop ? `${db.name}-wal` : undefined);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * Group commit: an append waits for the next turn of the event loop, and every append made until
   * then is written in one IMMEDIATE transaction, so in one commit and one fsync. Each append is
   * checked (replay, expected revision) against the stream as the appends before it in the group
   * left it, inside a savepoint of its own, and is refused alone. It is acknowledged (its promise
   * settles) only after the commit; if the commit fails, every append of the group fails with it.
   */
  async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const serialized = events.map(serializeEvent);
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ streamId, expected, events: serialized, resolve, reject });
      // setImmediate runs after the I/O callbacks of this turn: the appends of every request read in it join the group.
      if (this.pendingAppends.length === 1) setImmediate(() => this.commitPendingAppends());
    });
  }

  private commitPendingAppends(): void {
    const group = this.pendingAppends;
    if (group.length === 0) return;
    this.pendingAppends = [];
    const waiters = this.pendingCommitWaiters;
    this.pendingCommitWaiters = [];
    let outcomes: GroupedOutcome[];
    try {
      // IMMEDIATE takes the write lock before the revision checks, so no other connection (in this or
      // another process) can append to a stream between a check and its insert.
      outcomes = this.groupTransaction.immediate(group);
    } catch (error) {
      for (const pending of group) pending.reject(error);
      for (const waiter of waiters) waiter();
      return;
    }
    const written = outcomes.flatMap((outcome) => ('written' in outcome ? outcome.written : []));
    // The commands of later requests decide on what is committed (their appends come after it in the WAL, so are never on disk without it).
    if (written.length > 0) this.streams.appended(written);
    const acknowledge = (error?: unknown) => {
      if (written.length > 0 && error === undefined) {
        this.recent.add(written);
        this.subscriptions.wake();
      }
      outcomes.forEach((outcome, index) => {
        const pending = group[index]!;
        if (error !== undefined) pending.reject(error);
        else if ('result' in outcome) pending.resolve(outcome.result);
        else pending.reject(outcome.refused);
      });
      for (const waiter of waiters) waiter();
    };
    // A group that wrote nothing may still answer with events being synced (a replay of one): it waits for them too.
    if (this.walSync && (written.length > 0 || this.walSync.syncingFrom() !== undefined)) this.walSync.afterSync(written[0]?.position, acknowledge);
    else acknowledge();
  }

  /**
   * For a subscription that gathers (gatherPendingAppends): lets the appends made in reaction to the
   * last commit be made (one turn of the event loop; an append then schedules its group commit before
   * this resumes), then waits for their group commit, if any; up to GATHERED_COMMITS times. Under
   * load a read then takes the events of several group commits, not one (a payment's reservation,
   * confirmation and the process manager's refund, say); with nothing appended meanwhile it costs one turn.
   */
  private async pendingAppendsCommitted(): Promise<void> {
    for (let commits = 0; commits < GATHERED_COMMITS; commits++) {
      await nextTurn();
      if (this.pendingAppends.length === 0) return;
      await new Promise<void>((resolve) => this.pendingCommitWaiters.push(resolve));
    }
  }

  private appendInGroup({ streamId, expected, events }: PendingAppend): GroupedOutcome {
    try {
      return this.appendTransaction(streamId, expected, events);
    } catch (error) {
      // An error that ended the whole transaction (SQLite rolls back on some, e.g. a full disk) fails the group.
      if (!this.db.inTransaction) throw error;
      return { refused: error };
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    // A whole stream (what a command loads) comes from memory when this connection knows it is current.
    const whole = options.direction !== 'backwards' && !options.fromRevision && options.limit === undefined;
    if (whole) {
      this.streams.validate(this.selectDataVersion.get()!);
      const cached = this.streams.get(streamId);
      if (cached) return cached;
    }
    const limit = options.limit === undefined ? NO_LIMIT : requireCount('limit', options.limit);
    const rows =
      options.direction === 'backwards'
        ? this.selectStreamBackwards.all(streamId, requireCount('fromRevision', options.fromRevision ?? Number.MAX_SAFE_INTEGER), limit)
        : this.selectStreamForwards.all(streamId, requireCount('fromRevision', options.fromRevision ?? 0), limit);
    const events = rows.map(toRecordedEvent);
    if (whole) this.streams.set(streamId, events.slice());
    return events;
  }

  /** Always what the database holds (an audit reads the stored bytes; memory serves only the subscriptions), up to what is synced (syncOffTheEventLoop). */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit === undefined ? NO_LIMIT : requireCount('limit', options.limit);
    return this.onDisk(this.selectAllAfter.all(options.after ?? 0n, limit)).map(toRecordedEvent);
  }

  /** `rows` (in position order) without those of this store's commits still being synced (syncOffTheEventLoop). */
  private onDisk<Row extends { position: bigint }>(rows: Row[]): Row[] {
    const syncingFrom = this.walSync?.syncingFrom();
    if (syncingFrom === undefined || rows.length === 0 || rows[rows.length - 1]!.position < syncingFrom) return rows;
    return rows.filter((row) => row.position < syncingFrom);
  }

  async headPosition(): Promise<bigint> {
    return this.selectHeadPosition.get() ?? 0n;
  }

  subscribe(checkpoint: bigint, handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    // better-sqlite3 reads synchronously; the promise only fits the shared interface. Either way an append
    // between the read and the pause is not missed: CatchUpSubscription remembers its wake().
    return this.subscriptions.subscribe(checkpoint, handler, options, async (position, limit) => {
      if (options.gatherPendingAppends) await this.pendingAppendsCommitted();
      return this.recentOrStoredAfter(position, limit);
    });
  }

  close(): Promise<void> {
    return this.subscriptions.close({
      // The appends already made are committed (and synced) while the subscriptions still run.
      drain: async () => {
        this.commitPendingAppends();
        await this.walSync?.idle();
      },
      release: () => {
        this.db.close();
        this.walSync?.close();
      },
    });
  }

  /**
   * Events after `position` for a subscription: those this store holds in memory (its own latest
   * appends, and what it last read), else the next page from the database. So the subscriptions of
   * this process share one read of each new event (and none at all of the events appended here),
   * however many there are. A subscription reads again until it finds nothing.
   */
  private recentOrStoredAfter(position: bigint, limit: number): RecordedEvent[] {
    const remembered = this.recent.after(position, limit);
    if (remembered.length > 0) return remembered;
    const read = this.onDisk(this.selectAllAfter.all(position, limit)).map(toRecordedEvent);
    this.recent.add(read);
    return read;
  }

  private appendWithinTransaction(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly SerializedEvent[],
  ): { result: AppendResult; written: RecordedEvent[] } {
    // The replay rule looks through the whole log: event_id is UNIQUE, so an id stored in any stream is found.
    const replay = findReplay(streamId, events, (eventIds) =>
      this.selectByEventIds
        .all(JSON.stringify(eventIds))
        .map((row) => ({ eventId: row.event_id, streamId: row.stream_id, revision: Number(row.revision), position: row.position })),
    );
    if (replay) return { result: replay, written: [] };

    const head = this.streamHead(streamId);
    requireExpected(streamId, expected, head);

    let revision = head?.revision ?? -1;
    let lastPosition = head?.position ?? 0n;
    const written: RecordedEvent[] = [];
    for (const event of events) {
      revision += 1;
      const { lastInsertRowid } = this.insertEvent.run(event.eventId, streamId, revision, event.type, event.data, event.metadata);
      lastPosition = BigInt(lastInsertRowid);
      written.push(deserializeEvent(event, streamId, revision, lastPosition));
    }
    return { result: { nextRevision: revision, lastPosition, alreadyStored: false }, written };
  }

  private streamHead(streamId: string): StreamHead | undefined {
    const head = this.selectStreamHead.get(streamId);
    return head && { revision: Number(head.revision), position: head.position };
  }
}

/**
 * Syncs the WAL (fdatasync on a libuv thread) after group commits made with synchronous=NORMAL, and
 * then runs what each commit waits for, in commit order. Commits made while a sync runs share the
 * next one. WAL frames are written in commit order and recovery stops at the first frame that does
 * not check out, so a later commit is never on disk without an earlier one: syncing after commit n
 * makes every commit up to n durable, as synchronous=FULL would have inside COMMIT.
 */
class WalSync {
  private fd: number | undefined;
  /** Commits not yet synced, oldest first: the position of their first event, and what waits for the sync. */
  private readonly waiting: { firstPosition: bigint | undefined; done: (error?: unknown) => void }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly file: string) {}

  /** The first position of the oldest commit not yet on disk, if any. */
  syncingFrom(): bigint | undefined {
    return this.waiting.find(({ firstPosition }) => firstPosition !== undefined)?.firstPosition;
  }

  /** `firstPosition`: of the commit's first event; undefined for a commit that wrote none. */
  afterSync(firstPosition: bigint | undefined, done: (error?: unknown) => void): void {
    this.waiting.push({ firstPosition, done });
    this.running ??= this.run();
  }

  /** Resolves when every commit so far is synced (or failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private async run(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        // The commits made so far; those made while this sync runs wait for the next.
        const batch = this.waiting.length;
        let failure: unknown;
        try {
          await new Promise<void>((resolve, reject) => fdatasync(this.walFd(), (error) => (error ? reject(error) : resolve())));
        } catch (error) {
          // Whether the commits are on disk is unknown: none is acknowledged (a client's retry is a replay).
          failure = error;
          this.close();
        }
        for (const { done } of this.waiting.splice(0, batch)) done(failure);
      }
    } finally {
      this.running = undefined;
    }
  }

  /**
   * The WAL, opened once. SQLite keeps the file (same inode) while any connection is open, resetting
   * it in place; should it ever be another file, it is opened again.
   */
  private walFd(): number {
    if (this.fd !== undefined) {
      const open = fstatSync(this.fd);
      const named = statSync(this.file, { throwIfNoEntry: false });
      if (named && named.ino === open.ino && named.dev === open.dev) return this.fd;
      this.close();
    }
    this.fd = openSync(this.file, 'r');
    return this.fd;
  }
}

/** Streams kept in memory, the least recently used forgotten beyond this. */
const CACHED_STREAMS = 256;
/** Longer streams are always read from the database (a cached copy would cost as much as the read). */
const MAX_CACHED_STREAM_LENGTH = 256;

/**
 * Whole streams this store has read or created, with the events it appended to them since, so that
 * a command (and each step of a process manager) loads its stream without a query: a request read
 * the same few streams several times (its checks, the command, the process manager's steps). Correct
 * only while no other connection writes: SQLite's data_version changes when one has committed, and
 * then everything is forgotten (validate). The events are the same objects as the stored ones for
 * every reader (as RecentEvents'): callers must not change them; each gets its own array.
 */
class CachedStreams {
  private readonly streams = new Map<string, RecordedEvent[]>();
  private dataVersion: bigint | undefined;

  /** Forgets everything if another connection has committed since the last call (`dataVersion`: PRAGMA data_version). */
  validate(dataVersion: bigint): void {
    if (dataVersion === this.dataVersion) return;
    this.streams.clear();
    this.dataVersion = dataVersion;
  }

  get(streamId: string): RecordedEvent[] | undefined {
    const events = this.streams.get(streamId);
    if (!events) return undefined;
    // Most recently used last.
    this.streams.delete(streamId);
    this.streams.set(streamId, events);
    return events.slice();
  }

  set(streamId: string, events: RecordedEvent[]): void {
    // An empty stream is not kept: a stream is created by an append, which is the one to remember (appended).
    if (events.length === 0 || events.length > MAX_CACHED_STREAM_LENGTH) return;
    this.streams.delete(streamId);
    this.streams.set(streamId, events);
    if (this.streams.size > CACHED_STREAMS) this.streams.delete(this.streams.keys().next().value!);
  }

  /** Events this connection has just committed, in order: added to their streams (a new stream starts with them). */
  appended(written: readonly RecordedEvent[]): void {
    for (const event of written) {
      const events = this.streams.get(event.streamId);
      if (events && events[events.length - 1]!.revision === event.revision - 1) {
        if (events.length < MAX_CACHED_STREAM_LENGTH) events.push(event);
        else this.streams.delete(event.streamId);
      } else if (event.revision === 0) this.set(event.streamId, [event]);
      else this.streams.delete(event.streamId);
    }
  }
}

/**
 * The latest events of the log, an unbroken run of positions, kept for the subscriptions to read
 * from memory. Events that do not continue the run (another process appended in between) start a
 * new one. The same objects go to every subscriber, as the same row would: handlers must not change them.
 */
class RecentEvents {
  private events: RecordedEvent[] = [];

  constructor(private readonly capacity: number) {}

  add(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    const last = this.events[this.events.length - 1];
    const first = events[0]!.position;
    // Older than what is kept (a subscription catching up): the latest events are the ones worth keeping.
    if (last !== undefined && first <= last.position) return;
    if (last === undefined || first !== last.position + 1n) this.events = [];
    this.events.push(...events);
    if (this.events.length > this.capacity) this.events = this.events.slice(this.events.length - this.capacity);
  }

  /** Up to `limit` (NO_LIMIT: all) remembered events right after `position`; none unless the run covers position + 1. */
  after(position: bigint, limit: number): RecordedEvent[] {
    const first = this.events[0];
    if (first === undefined || position < first.position - 1n) return [];
    const start = Number(position - first.position + 1n);
    return this.events.slice(start, limit === NO_LIMIT ? undefined : start + limit);
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return deserializeEvent({ eventId: row.event_id, type: row.type, data: row.data, metadata: row.metadata }, row.stream_id, Number(row.revision), row.position);
}
