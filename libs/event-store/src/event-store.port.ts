/**
 * The one port every event store adapter implements (SQLite embedded, PostgreSQL, KurrentDB).
 * Adapters are checked by the shared contract suite in ./contract.
 */

/** Who did it, why, and in which schema: recorded with every event. */
export interface EventMetadata {
  /** The authenticated user (or "system:<process>") who caused the event. */
  actor: string;
  /** Shared by every event that follows from one request. */
  correlationId: string;
  /** The event or request id that directly caused this event. */
  causationId: string;
  /** ISO-8601 time the event was recorded. */
  occurredAt: string;
  schemaVersion: number;
  /** On the event that created something for a request with an Idempotency-Key: which key, what it created, the body's fingerprint. */
  idempotency?: { key: string; createdId: string; fingerprint: string };
}

export interface NewEvent {
  /**
   * Unique id. Re-appending a batch whose ids are all already stored in the same stream, in the same
   * order, is a no-op; any other reuse of an id is a DuplicateEventId.
   */
  eventId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  eventId: string;
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /** Position in the global log: gap-free order in which readers see events, starting at 1. */
  position: bigint;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/**
 * What the writer believes about the stream:
 * - 'no-stream': it must not exist yet;
 * - 'any': no check (only for streams with a single writer);
 * - a number: the revision of the stream's last event.
 */
export type ExpectedRevision = 'no-stream' | 'any' | number;

export interface AppendResult {
  /**
   * Revision of the batch's last event (on a replay: where it was stored, even if the stream has
   * moved on since). For an empty batch: the stream's current revision, -1 if it does not exist.
   */
  nextRevision: number;
  /**
   * Global position of the last event written (or found, when the append was a replay).
   * For an empty batch: of the stream's last event, 0n if it does not exist.
   */
  lastPosition: bigint;
  /** True when every event was already stored (an idempotent replay): nothing was written. */
  alreadyStored: boolean;
}

export class WrongExpectedRevision extends Error {
  constructor(readonly streamId: string, readonly expected: ExpectedRevision, readonly actual: number | 'no-stream') {
    super(`stream ${streamId} was expected at revision ${expected} but is at ${actual}`);
  }
}

/** An event id is already stored, but in another stream or at another place: not a replay. */
export class DuplicateEventId extends Error {
  constructor(readonly eventId: string, readonly streamId: string) {
    super(`event id ${eventId} is already used by another event (stream ${streamId})`);
  }
}

export interface ReadAllOptions {
  /** Only events with a position greater than this (exclusive); 0n reads from the start. */
  after?: bigint;
  limit?: number;
}

export interface ReadStreamOptions {
  /** First revision to read; default 0 forwards, the stream's last revision backwards. */
  fromRevision?: number;
  direction?: 'forwards' | 'backwards';
  limit?: number;
}

export interface SubscribeOptions {
  /** Pause before retrying an event whose handler failed; default 1000. */
  retryDelayMs?: number;
  /** Told about each handler failure, before the retry. */
  onError?: (error: unknown, event: RecordedEvent) => void;
  /** How many events one read of the log asks for, where the adapter reads in pages (default: the adapter's). */
  readBatchSize?: number;
  /**
   * A subscriber that does the same work for one event as for many (a commit per batch) can ask to
   * have its reads wait for the appends this store is about to commit, so that they are read together
   * rather than one group commit at a time. Adapters without group commit ignore it.
   */
  gatherPendingAppends?: boolean;
}

export interface SubscriptionHandler {
  /**
   * Called for each event in global order. The subscription waits for it before the next.
   * `read`, when the adapter gives it, is the page of events this one was read with, in order (the
   * event among them): a handler may apply the ones after it at once, instead of reading them again;
   * they are still delivered next.
   */
  (event: RecordedEvent, read?: readonly RecordedEvent[]): Promise<void>;
}

export interface Subscription {
  /** Stops delivering; resolves when the handler in flight (if any) has finished. */
  stop(): Promise<void>;
  /** Resolves once the subscription has delivered everything up to `position`; rejects if it stops first. */
  caughtUpTo(position: bigint): Promise<void>;
}

export interface EventStore {
  /**
   * Appends `events` atomically to `streamId` if the stream is at `expected`; otherwise throws
   * WrongExpectedRevision. If all events' ids are already stored in this stream, returns
   * `alreadyStored: true` without writing (retries are safe). Throws DuplicateEventId if an id
   * is stored elsewhere. An empty batch writes nothing but still checks `expected`.
   */
  append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult>;
  /** The stream's events in revision order (or reverse order, backwards) from `fromRevision`; [] if it does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of all streams in global order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The position of the last event in the log (0n when empty). */
  headPosition(): Promise<bigint>;
  /**
   * Delivers every event after `checkpoint` in global order: first catches up with what is stored,
   * then follows new appends live. At-least-once: a handler that fails is retried with the same event
   * after `retryDelayMs` (the subscriber keeps its own checkpoint to make that idempotent).
   */
  subscribe(checkpoint: bigint, handler: SubscriptionHandler, options?: SubscribeOptions): Subscription;
  /** Stops this store's subscriptions (after their handlers in flight), then releases the connection. */
  close(): Promise<void>;
}
