import Database from 'better-sqlite3';
import { AppendResult, DuplicateEventId, ExpectedRevision, WrongExpectedRevision } from '../event-store.port';

/** An event as stored: data and metadata already JSON. */
export interface SerializedEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

export interface AppendRequest {
  streamId: string;
  expected: ExpectedRevision;
  events: readonly SerializedEvent[];
}

/** What one append of a group came to: its result and the positions of the events it wrote (none on a replay), or why it was refused. */
export type AppendOutcome<Refusal = unknown> = { result: AppendResult; positions: bigint[] } | { refused: Refusal };

export interface GroupCommit<Refusal = unknown> {
  outcomes: AppendOutcome<Refusal>[];
  /** The head of the log when the group began and when it was committed: another connection appended in between if the first is not the last group's second. */
  headBefore: bigint;
  headAfter: bigint;
}

/** The connection settings every connection to an event store file uses. */
export function openConnection(filename: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(filename);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // WAL lets readers (subscriptions in other processes) run while a writer commits; a no-op in memory.
    db.pragma('journal_mode = WAL');
    // In WAL mode the default (NORMAL) may lose the last commits on power loss; FULL syncs every commit.
    db.pragma('synchronous = FULL');
    db.defaultSafeIntegers(true);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

interface StoredIdRow {
  event_id: string;
  stream_id: string;
  revision: bigint;
  position: bigint;
}

/**
 * The writing side of the SQLite event store: group commits on one connection (see
 * SqliteEventStore.append), run on the store's own thread or on its writer thread.
 */
export class SqliteAppends {
  private readonly selectStreamHead: Database.Statement<[string], { revision: bigint; position: bigint }>;
  private readonly selectByEventIds: Database.Statement<[string], StoredIdRow>;
  private readonly insertEvent: Database.Statement<[string, string, number, string, string, string]>;
  private readonly selectHeadPosition: Database.Statement<[], bigint>;
  private readonly appendTransaction: Database.Transaction<(request: AppendRequest) => AppendOutcome>;
  private readonly groupTransaction: Database.Transaction<(group: readonly AppendRequest[]) => GroupCommit>;

  constructor(private readonly db: Database.Database) {
    this.selectStreamHead = db.prepare('SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1');
    this.selectByEventIds = db.prepare('SELECT event_id, stream_id, revision, position FROM events WHERE event_id IN (SELECT value FROM json_each(?))');
    this.insertEvent = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectHeadPosition = db.prepare<[], bigint>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    // Called inside groupTransaction, this nested transaction is a savepoint: a refused append leaves nothing behind.
    this.appendTransaction = db.transaction((request) => this.appendWithinTransaction(request));
    this.groupTransaction = db.transaction((group) => {
      const headBefore = this.selectHeadPosition.get()!;
      const outcomes = group.map((request) => this.appendInGroup(request));
      return { outcomes, headBefore, headAfter: this.selectHeadPosition.get()! };
    });
  }

  /**
   * Writes `group` in one IMMEDIATE transaction, so in one commit and one fsync; each append is
   * checked and refused alone (a savepoint each). Throws when the transaction failed as a whole.
   */
  commit(group: readonly AppendRequest[]): GroupCommit {
    // IMMEDIATE takes the write lock before the revision checks, so no other connection (in this or
    // another process) can append to a stream between a check and its insert.
    return this.groupTransaction.immediate(group);
  }

  private appendInGroup(request: AppendRequest): AppendOutcome {
    try {
      return this.appendTransaction(request);
    } catch (error) {
      // An error that ended the whole transaction (SQLite rolls back on some, e.g. a full disk) fails the group.
      if (!this.db.inTransaction) throw error;
      return { refused: error };
    }
  }

  private appendWithinTransaction({ streamId, expected, events }: AppendRequest): AppendOutcome {
    const replay = this.findReplay(streamId, events);
    if (replay) return { result: replay, positions: [] };

    const head = this.selectStreamHead.get(streamId);
    const actual = head ? Number(head.revision) : 'no-stream';
    if (expected !== 'any' && expected !== actual) throw new WrongExpectedRevision(streamId, expected, actual);

    let revision = head ? Number(head.revision) : -1;
    let lastPosition = head?.position ?? 0n;
    const positions: bigint[] = [];
    for (const event of events) {
      revision += 1;
      const { lastInsertRowid } = this.insertEvent.run(event.eventId, streamId, revision, event.type, event.data, event.metadata);
      lastPosition = BigInt(lastInsertRowid);
      positions.push(lastPosition);
    }
    return { result: { nextRevision: revision, lastPosition, alreadyStored: false }, positions };
  }

  /**
   * An append is a replay when every id of the batch is stored in this stream, in batch order at
   * consecutive revisions: the result of the original append is returned, whatever `expected` says.
   * Any other reuse of a stored id is a DuplicateEventId. Returns undefined when no id is stored.
   */
  private findReplay(streamId: string, events: readonly SerializedEvent[]): AppendResult | undefined {
    const batchIds = new Set<string>();
    for (const { eventId } of events) {
      if (batchIds.has(eventId)) throw new DuplicateEventId(eventId, streamId);
      batchIds.add(eventId);
    }
    if (batchIds.size === 0) return undefined;

    const storedById = new Map(this.selectByEventIds.all(JSON.stringify([...batchIds])).map((row) => [row.event_id, row]));
    if (storedById.size === 0) return undefined;

    const stored = events.map(({ eventId }) => storedById.get(eventId));
    const isReplay = stored.every(
      (row, index) =>
        row !== undefined && row.stream_id === streamId && (index === 0 || row.revision === stored[0]!.revision + BigInt(index)),
    );
    if (!isReplay) {
      const clash = stored.find((row) => row !== undefined && row.stream_id !== streamId) ?? stored.find((row) => row !== undefined)!;
      throw new DuplicateEventId(clash.event_id, clash.stream_id);
    }
    const last = stored[stored.length - 1]!;
    return { nextRevision: Number(last.revision), lastPosition: last.position, alreadyStored: true };
  }
}

/** A refusal or failure as it crosses from the writer thread (an Error loses its class and fields on the way). */
export type PortableError =
  | { kind: 'wrong-expected-revision'; streamId: string; expected: ExpectedRevision; actual: number | 'no-stream' }
  | { kind: 'duplicate-event-id'; eventId: string; streamId: string }
  | { kind: 'error'; name: string; message: string; code?: unknown; stack?: string };

export function toPortable(error: unknown): PortableError {
  if (error instanceof WrongExpectedRevision) return { kind: 'wrong-expected-revision', streamId: error.streamId, expected: error.expected, actual: error.actual };
  if (error instanceof DuplicateEventId) return { kind: 'duplicate-event-id', eventId: error.eventId, streamId: error.streamId };
  const { name, message, code, stack } = error instanceof Error ? (error as Error & { code?: unknown }) : { name: 'Error', message: String(error), code: undefined, stack: undefined };
  return { kind: 'error', name, message, code, stack };
}

export function fromPortable(error: PortableError): Error {
  if (error.kind === 'wrong-expected-revision') return new WrongExpectedRevision(error.streamId, error.expected, error.actual);
  if (error.kind === 'duplicate-event-id') return new DuplicateEventId(error.eventId, error.streamId);
  return Object.assign(new Error(error.message), { name: error.name, code: error.code, stack: error.stack });
}
