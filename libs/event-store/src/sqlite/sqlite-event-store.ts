import type Database from 'better-sqlite3';
import { extname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import { CatchUpSubscription } from '../subscription/catch-up-subscription';
import type { WriterRequest, WriterSettings } from './sqlite-append-worker';
import { AppendRequest, fromPortable, GroupCommit, openConnection, PortableError, SerializedEvent, SqliteAppends } from './sqlite-appends';

export interface SqliteEventStoreOptions {
  /**
   * How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
   * better-sqlite3 is synchronous, so the waiting blocks this process's event loop. Default 5000.
   */
  busyTimeoutMs?: number;
  /** How often a caught-up subscription looks for events appended by other connections. Default 200. */
  pollIntervalMs?: number;
  /** How many events a subscription reads per query. Default 500. */
  subscriptionBatchSize?: number;
  /** false: a store on a file writes its appends on this thread too (default: on a writer thread). */
  writerThread?: boolean;
}

const SCHEMA_VERSION = 1;
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_POLL_INTERVAL_MS = 200;
const DEFAULT_SUBSCRIPTION_BATCH_SIZE = 500;
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

/** An append waiting for the next group commit. */
interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: readonly SerializedEvent[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

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
  private readonly subscriptions = new Set<CatchUpSubscription>();
  /** Appends made since the last group commit began, committed together next. */
  private pendingAppends: PendingAppend[] = [];
  /** Told when the group commit of the appends pending now is done (see gatherPendingAppends). */
  private pendingCommitWaiters: (() => void)[] = [];
  private commitScheduled = false;
  /** The group commit under way, if any: one at a time, in order. */
  private inFlight: Promise<void> | undefined;
  /** The head of the log as this store last knew it, its own appends included (see CachedStreams). */
  private knownHead: bigint;
  private readonly recent: RecentEvents;
  private readonly streams = new CachedStreams();
  private readonly pollIntervalMs: number;
  private readonly subscriptionBatchSize: number;
  private closing: Promise<void> | undefined;

  private readonly selectStreamForwards: Database.Statement<[string, number, number], EventRow>;
  private readonly selectStreamBackwards: Database.Statement<[string, number, number], EventRow>;
  private readonly selectAllAfter: Database.Statement<[bigint, number], EventRow>;
  private readonly selectHeadPosition: Database.Statement<[], bigint>;

  private constructor(private readonly db: Database.Database, private readonly writer: Writer, options: SqliteEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.subscriptionBatchSize = options.subscriptionBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH_SIZE;
    this.selectStreamForwards = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
    );
    this.selectStreamBackwards = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
    );
    this.selectAllAfter = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?');
    this.selectHeadPosition = db.prepare<[], bigint>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    this.knownHead = this.selectHeadPosition.get()!;
    this.recent = new RecentEvents(this.subscriptionBatchSize * RECENT_EVENTS_PER_BATCH);
  }

  /**
   * Opens (creating if needed) the store in `filename`, or in memory for ':memory:'. On a file the
   * appends are written by a thread of their own, on a second connection (see append).
   */
  static open(filename: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    const db = openConnection(filename, busyTimeoutMs);
    try {
      db.transaction(() => db.exec(SCHEMA)).immediate();
      const version = Number(db.prepare('SELECT version FROM schema_version').pluck().get());
      if (version !== SCHEMA_VERSION) {
        throw new Error(`${filename} has event store schema version ${version}; this code supports ${SCHEMA_VERSION}`);
      }
      // An in-memory database is private to its connection: its appends are written here.
      const writer = filename === ':memory:' || options.writerThread === false ? new SameThreadWriter(new SqliteAppends(db)) : new WriterThread(filename, busyTimeoutMs);
      return new SqliteEventStore(db, writer, options);
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
   *
   * On a file, the group is written by the writer thread: the commit's fsync (synchronous=FULL) no
   * longer stops this event loop (measured under load: ~0.3-2.6 ms per group commit, about one per
   * gift over HTTP), and the appends made while it syncs form the next group. One group is written at
   * a time, in order. A reader on this thread sees a group once it is committed and synced.
   */
  async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const serialized = events.map((event) => ({
      eventId: event.eventId,
      type: event.type,
      data: JSON.stringify(event.data ?? null),
      metadata: JSON.stringify(event.metadata),
    }));
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ streamId, expected, events: serialized, resolve, reject });
      this.scheduleCommit();
    });
  }

  private scheduleCommit(): void {
    if (this.commitScheduled || this.inFlight) return;
    this.commitScheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: the appends of every request read in it join the group.
    setImmediate(() => {
      this.commitScheduled = false;
      this.commitNextGroup();
    });
  }

  private commitNextGroup(): void {
    const group = this.pendingAppends;
    if (group.length === 0 || this.inFlight) return;
    this.pendingAppends = [];
    const waiters = this.pendingCommitWaiters;
    this.pendingCommitWaiters = [];
    this.inFlight = this.writer
      .commit(group.map(({ streamId, expected, events }) => ({ streamId, expected, events })))
      .then(
        (commit) => this.committed(group, commit),
        (error: unknown) => {
          for (const pending of group) pending.reject(error);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        for (const waiter of waiters) waiter();
        if (this.pendingAppends.length > 0) this.scheduleCommit();
      });
  }

  private committed(group: readonly PendingAppend[], { outcomes, headBefore, headAfter }: GroupCommit<Error>): void {
    // Another connection appended since this store last looked: the streams it keeps may lack those events.
    if (headBefore !== this.knownHead) this.streams.clear();
    this.knownHead = headAfter;
    const written: RecordedEvent[] = [];
    outcomes.forEach((outcome, index) => {
      if (!('positions' in outcome)) return;
      const { streamId, events } = group[index]!;
      const firstRevision = outcome.result.nextRevision - outcome.positions.length + 1;
      outcome.positions.forEach((position, at) => {
        const event = events[at]!;
        written.push({ eventId: event.eventId, streamId, revision: firstRevision + at, position, type: event.type, data: JSON.parse(event.data), metadata: JSON.parse(event.metadata) });
      });
    });
    if (written.length > 0) {
      this.streams.appended(written);
      this.recent.add(written);
      for (const subscription of this.subscriptions) subscription.wake();
    }
    outcomes.forEach((outcome, index) => ('result' in outcome ? group[index]!.resolve(outcome.result) : group[index]!.reject(outcome.refused)));
  }

  /**
   * For a subscription that gathers (gatherPendingAppends): lets the appends made in reaction to the
   * last commit be made (one turn of the event loop; an append then schedules its group commit before
   * this resumes), then waits for their group commit, if any. Under load a read then takes the events
   * of two group commits or more, not one; with nothing appended meanwhile it costs one turn.
   */
  private async pendingAppendsCommitted(): Promise<void> {
    await nextTurn();
    if (this.pendingAppends.length > 0) await new Promise<void>((resolve) => this.pendingCommitWaiters.push(resolve));
    else await this.inFlight;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    // A whole stream (what a command loads) comes from memory when this connection knows it is current.
    const whole = options.direction !== 'backwards' && !options.fromRevision && options.limit === undefined;
    if (whole) {
      // The head moved on without this store's knowledge: another connection appended (or the writer
      // thread's commit is not reported yet): the streams kept may lack those events.
      const head = this.selectHeadPosition.get()!;
      if (head !== this.knownHead) {
        this.streams.clear();
        this.knownHead = head;
      }
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

  /** Always what the database holds (an audit reads the stored bytes; memory serves only the subscriptions). */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit === undefined ? NO_LIMIT : requireCount('limit', options.limit);
    return this.selectAllAfter.all(options.after ?? 0n, limit).map(toRecordedEvent);
  }

  async headPosition(): Promise<bigint> {
    return this.selectHeadPosition.get() ?? 0n;
  }

  subscribe(checkpoint: bigint, handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    if (this.closing) throw new Error('the event store is closed');
    const subscription: CatchUpSubscription = new CatchUpSubscription(checkpoint, handler, options, {
      // better-sqlite3 reads synchronously; the promise only fits the shared interface. Either way an append
      // between the read and the pause is not missed: CatchUpSubscription remembers its wake().
      readAfter: async (position, limit) => {
        if (options.gatherPendingAppends) await this.pendingAppendsCommitted();
        return this.recentOrStoredAfter(position, limit);
      },
      batchSize: this.subscriptionBatchSize,
      // Appends through this store wake the subscription at once (append() calls wake()); SQLite cannot
      // notify other connections, so polling is how appends by other processes are found.
      pollIntervalMs: this.pollIntervalMs,
      onEnded: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // The appends still waiting are committed first.
      while (this.inFlight || this.pendingAppends.length > 0) {
        this.commitNextGroup();
        await this.inFlight;
      }
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      await this.writer.close();
      this.db.close();
    })();
    return this.closing;
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
    const read = this.selectAllAfter.all(position, limit).map(toRecordedEvent);
    this.recent.add(read);
    return read;
  }
}

/** Streams kept in memory, the least recently used forgotten beyond this. */
const CACHED_STREAMS = 2_048;
/** Longer streams are always read from the database (a cached copy would cost as much as the read). */
const MAX_CACHED_STREAM_LENGTH = 256;

/**
 * Whole streams this store has read or created, with the events it appended to them since, so that
 * a command (and each step of a process manager) loads its stream without a query: a request read
 * the same few streams several times (its checks, the command, the process manager's steps). Correct
 * only while no other connection writes: the store forgets them all when the head of the log has
 * moved past what it knows of (its own appends included). The events are the same objects as the stored ones for
 * every reader (as RecentEvents'): callers must not change them; each gets its own array.
 */
class CachedStreams {
  private readonly streams = new Map<string, RecordedEvent[]>();

  clear(): void {
    this.streams.clear();
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
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}

function requireCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** Where a store's group commits are written. */
interface Writer {
  /** Commits `group`: the outcome of each append (a refusal as the error), or a rejection if the whole group failed. */
  commit(group: readonly AppendRequest[]): Promise<GroupCommit<Error>>;
  close(): Promise<void>;
}

/** On the store's own connection and thread (a database in memory, which no other connection can open). */
class SameThreadWriter implements Writer {
  constructor(private readonly appends: SqliteAppends) {}

  async commit(group: readonly AppendRequest[]): Promise<GroupCommit<Error>> {
    return this.appends.commit(group) as GroupCommit<Error>;
  }

  async close(): Promise<void> {}
}

/** Loads the writer thread's module: compiled JavaScript, or TypeScript compiled on load (tests run the sources). */
const WRITER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.compiler) {
  const { readFileSync } = require('node:fs');
  const { transformSync } = require(workerData.compiler);
  require.extensions['.ts'] = (module, filename) => {
    const options = { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
    module._compile(transformSync(readFileSync(filename, 'utf8'), options).code, filename);
  };
}
require(workerData.script);
`;

type WriterReply = { commit: GroupCommit<PortableError> } | { failed: PortableError };

/** On a connection of its own, in a worker thread (sqlite-append-worker): one group at a time. */
class WriterThread implements Writer {
  private readonly worker: Worker;
  private waiting: { resolve: (commit: GroupCommit<Error>) => void; reject: (error: unknown) => void } | undefined;
  /** Why the thread cannot write any more (it failed or exited). */
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(filename: string, busyTimeoutMs: number) {
    const script = join(__dirname, `sqlite-append-worker${extname(__filename)}`);
    const settings: WriterSettings & { script: string; compiler?: string } = { filename, busyTimeoutMs, script };
    if (extname(__filename) === '.ts') settings.compiler = require.resolve('@swc/core');
    this.worker = new Worker(WRITER_BOOTSTRAP, { eval: true, workerData: settings });
    // Only a group being written keeps the process alive (see commit).
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      this.worker.unref();
      if ('failed' in reply) return waiting?.reject(fromPortable(reply.failed));
      const { outcomes, headBefore, headAfter } = reply.commit;
      waiting?.resolve({ headBefore, headAfter, outcomes: outcomes.map((outcome) => ('refused' in outcome ? { refused: fromPortable(outcome.refused) } : outcome)) });
    });
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) => this.worker.once('exit', (code) => {
      this.fail(new Error(`the event store's writer thread exited (code ${code})`));
      resolve();
    }));
  }

  commit(group: readonly AppendRequest[]): Promise<GroupCommit<Error>> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('a group commit is already under way'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.ref();
      this.worker.postMessage({ group } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    if (!this.failure) {
      this.worker.ref();
      this.worker.postMessage({ close: true } satisfies WriterRequest);
    }
    await this.exited;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
