import {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import { WrongExpectedRevision } from '../event-store.port';
import { EventStoreCapabilities, StoreSubscriptions, StoredEvent, actualRevision, findReplay, headResult, requireCount, requireExpected } from '../kit';
import { DeliveringSubscription } from '../subscription/delivering-subscription';
import { StreamNamespace, UnreadableEvent, allStreamPositionOf, isSystemEvent, positionOf, readPositionAfter, requireStorable, streamStateOf, toEventData, toRecordedEvent } from './kurrentdb-mapping';

export interface KurrentDbEventStoreOptions {
  /**
   * Prepended to every stream id. The store then sees only streams with the prefix, in $all too,
   * so several stores (or test runs) can share one server. Default '': every non-system stream.
   */
  streamPrefix?: string;
  /** Pause before a dropped subscription subscribes again. Default 1000. */
  resubscribeDelayMs?: number;
  /** Told when a subscription lost its connection or the server ended it, before it subscribes again. */
  onSubscriptionDropped?: (error: unknown) => void;
}

const DEFAULT_RESUBSCRIBE_DELAY_MS = 1000;
/**
 * An append gives up after this many failed writes: with 'any' it may lose race after race, and a
 * stream the server refuses at the revision it reads (a deleted one) must not loop forever.
 */
const MAX_WRITE_ATTEMPTS = 20;
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * The EventStore port on KurrentDB: one KurrentDB stream per stream (named `streamPrefix + streamId`),
 * events stored as JSON with our EventMetadata as their JSON metadata and our event id as theirs.
 *
 * POSITIONS DEVIATE FROM THE PORT: a position is the event's log position in KurrentDB's $all
 * (commit position = prepare position for every event written through gRPC), a byte offset. It
 * increases in $all order, which is the order readers see, but it is NOT gap-free and does not start
 * at 1. Our readers only compare positions (projection checkpoints `>=`, caughtUpTo) and resume
 * after the positions they were given, which works on increasing positions. A position given to
 * readAll or subscribe must be 0n or one this store returned: other numbers are not log records.
 * Lag measured as `head - checkpoint` counts bytes here, not events.
 *
 * Writes: the stream is read first, to find a replay of stored ids (the port's rule, which holds
 * whatever `expected` says) or a conflicting reuse of an id, and to compare `expected` with the
 * stream's revision. The write then always sends the revision it saw, so it lands only on the state
 * that was checked; a concurrent writer makes it fail with WrongExpectedVersion and the check is done
 * again on the new state. KurrentDB's own de-duplication of event ids is a best-effort cache and is
 * not relied upon: the expected revision is what makes appends correct. Cost: an append reads the
 * whole stream (streams are aggregate-sized) and then the written head back, for its position.
 *
 * NOT ENFORCED HERE: an event id already stored in another stream. KurrentDB keeps no index of event
 * ids, so such an append succeeds (the contract runs with `eventIdsUniqueAcrossStreams: false`).
 */
export class KurrentDbEventStore implements EventStore {
  /** The deviations above, with which the contract suite runs against this adapter. */
  static readonly capabilities: EventStoreCapabilities = { densePositions: false, eventIdsUniqueAcrossStreams: false };

  private readonly subscriptions = new StoreSubscriptions<KurrentDbSubscription>();
  private readonly namespace: StreamNamespace;
  private readonly resubscribeDelayMs: number;

  private constructor(private readonly client: KurrentDBClient, private readonly options: KurrentDbEventStoreOptions) {
    this.namespace = new StreamNamespace(options.streamPrefix ?? '');
    this.resubscribeDelayMs = options.resubscribeDelayMs ?? DEFAULT_RESUBSCRIBE_DELAY_MS;
  }

  /** Connects to the server of `connectionString` (e.g. kurrentdb://host:2113?tls=false) and checks that it answers. */
  static async connect(connectionString: string, options: KurrentDbEventStoreOptions = {}): Promise<KurrentDbEventStore> {
    const client = KurrentDBClient.connectionString(connectionString);
    try {
      const store = new KurrentDbEventStore(client, options);
      await store.headPosition();
      return store;
    } catch (error) {
      await client.dispose();
      throw error;
    }
  }

  async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    if (typeof expected === 'number') requireCount('expected revision', expected);
    requireStorable(events);
    const streamName = this.namespace.streamName(streamId);
    const eventData = events.map(toEventData);

    for (let attempt = 1; ; attempt++) {
      const stored = await this.readStoredEvents(streamId, streamName);
      // Only this stream is searched: KurrentDB has no index of event ids (see the class comment).
      const replay = findReplay(streamId, events, () => stored);
      if (replay) return replay;

      const head = stored[stored.length - 1];
      requireExpected(streamId, expected, head);
      if (events.length === 0) return headResult(head);
      const actual = actualRevision(head);

      try {
        const { nextExpectedRevision } = await this.client.appendToStream(streamName, eventData, { streamState: streamStateOf(actual) });
        const nextRevision = Number(nextExpectedRevision);
        return { nextRevision, lastPosition: await this.positionAtRevision(streamName, nextRevision), alreadyStored: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Another writer got in after the read: check again on what it wrote (it may even be this batch, from a
        // retry). A number or 'no-stream' then fails the check; 'any' asked for no check and writes again.
        if (attempt >= MAX_WRITE_ATTEMPTS) throw new WrongExpectedRevision(streamId, expected, actual);
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit === undefined ? NO_LIMIT : requireCount('limit', options.limit);
    const backwards = options.direction === 'backwards';
    const fromRevision = options.fromRevision === undefined ? undefined : requireCount('fromRevision', options.fromRevision);
    if (limit === 0) return [];
    const read = this.client.readStream(this.namespace.streamName(streamId), {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: fromRevision === undefined ? (backwards ? END : START) : BigInt(fromRevision),
      maxCount: limit,
    });
    const recorded: RecordedEvent[] = [];
    try {
      for await (const { event } of read) {
        if (event) recorded.push(toRecordedEvent(event, streamId, positionOf(event)));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return recorded;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit === undefined ? NO_LIMIT : requireCount('limit', options.limit);
    const after = options.after ?? 0n;
    const recorded: RecordedEvent[] = [];
    let readThrough = after;
    while (recorded.length < limit) {
      // The read includes the event at its start position, so a page asks for one event more than is missing.
      const pageSize = BigInt(limit - recorded.length) + 1n;
      let received = 0n;
      const page = this.client.readAll({ fromPosition: readPositionAfter(readThrough), maxCount: pageSize, filter: this.namespace.allFilter() });
      for await (const resolved of page) {
        received++;
        const item = this.fromAllStream(resolved, readThrough);
        if (!item) continue;
        // A system event is not returned, but the next page starts after it all the same.
        readThrough = item.position;
        if (item.event) recorded.push(item.event);
        if (recorded.length === limit) break;
      }
      if (received < pageSize) break;
    }
    return recorded;
  }

  async headPosition(): Promise<bigint> {
    const newestFirst = this.client.readAll({ direction: BACKWARDS, fromPosition: END, filter: this.namespace.allFilter() });
    for await (const resolved of newestFirst) {
      const event = this.fromAllStream(resolved, -1n)?.event;
      if (event) return event.position;
    }
    return 0n;
  }

  subscribe(checkpoint: bigint, handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    readPositionAfter(checkpoint);
    return this.subscriptions.add(
      (onEnded) =>
        new KurrentDbSubscription(checkpoint, handler, options, {
          open: (after) => this.client.subscribeToAll({ fromPosition: readPositionAfter(after), filter: this.namespace.allFilter() }),
          toDeliverable: (resolved, after) => this.fromAllStream(resolved, after)?.event,
          resubscribeDelayMs: this.resubscribeDelayMs,
          onDropped: this.options.onSubscriptionDropped,
          onEnded,
        }),
    );
  }

  close(): Promise<void> {
    return this.subscriptions.close({ release: () => this.client.dispose() });
  }

  /**
   * An event of a $all read, if it comes after `after` (reads and subscriptions include their start):
   * its position, and the event unless it is a system event, which is not ours to return.
   */
  private fromAllStream(resolved: AllStreamResolvedEvent, after: bigint): { position: bigint; event: RecordedEvent | undefined } | undefined {
    const { event } = resolved;
    if (!event) return undefined;
    const position = allStreamPositionOf(event);
    if (position <= after) return undefined;
    return { position, event: isSystemEvent(event.type) ? undefined : toRecordedEvent(event, this.namespace.streamIdOf(event.streamId), position) };
  }

  private async readStoredEvents(streamId: string, streamName: string): Promise<StoredEvent[]> {
    const stored: StoredEvent[] = [];
    try {
      // From the leader: a follower may lag behind the writes the check is about.
      for await (const { event } of this.client.readStream(streamName, { requiresLeader: true })) {
        if (event) stored.push({ eventId: event.id, streamId, revision: Number(event.revision), position: positionOf(event) });
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return stored;
  }

  /**
   * The position of the event just written at `revision`, read back from the leader: what the append
   * response calls its position has meant different things across server versions.
   */
  private async positionAtRevision(streamName: string, revision: number): Promise<bigint> {
    for await (const { event } of this.client.readStream(streamName, { fromRevision: BigInt(revision), maxCount: 1, requiresLeader: true })) {
      if (event) return positionOf(event);
    }
    throw new Error(`${streamName} has no event at revision ${revision} right after it was written there`);
  }
}

interface SubscriptionSettings {
  /** Subscribes to $all from `after` (the server includes the event at `after`). */
  open: (after: bigint) => AllStreamSubscription;
  /** The event to hand to the handler, or undefined to pass over it (at or before `after`, or a system event). */
  toDeliverable: (resolved: AllStreamResolvedEvent, after: bigint) => RecordedEvent | undefined;
  resubscribeDelayMs: number;
  onDropped?: (error: unknown) => void;
  onEnded: () => void;
}

/**
 * A catch-up subscription to $all that awaits the handler for each event. The server pushes the
 * events (catching up, then live), so there is no reading in batches or polling here; delivery,
 * retries and caughtUpTo are DeliveringSubscription's. Connection loss or the server ending the
 * subscription is followed by a new subscription from the last delivered event, so nothing is
 * skipped; an event that cannot be read ends the subscription (retrying cannot help).
 */
class KurrentDbSubscription extends DeliveringSubscription {
  private source: AllStreamSubscription | undefined;

  constructor(checkpoint: bigint, handler: SubscriptionHandler, options: SubscribeOptions, private readonly settings: SubscriptionSettings) {
    super(checkpoint, handler, options, settings.onEnded);
  }

  /** Ends a wait for the next event; a handler in flight finishes first (the loop awaits it). */
  protected override onStopRequested(): void {
    this.source?.destroy();
  }

  protected override async deliverUntilStopped(): Promise<void> {
    while (!this.stopRequested) {
      try {
        await this.follow();
        if (this.stopRequested) break;
        this.settings.onDropped?.(new Error(`the server ended the subscription at position ${this.deliveredThrough}`));
      } catch (error) {
        if (error instanceof UnreadableEvent) throw error;
        if (this.stopRequested) break;
        this.settings.onDropped?.(error);
      }
      await this.sleep(this.settings.resubscribeDelayMs);
    }
  }

  /** Delivers from one server subscription until it ends, fails or the subscription is stopped. */
  private async follow(): Promise<void> {
    const source = this.settings.open(this.deliveredThrough);
    // An error the client emits after iteration has ended must not become an uncaught exception.
    source.on('error', () => {});
    this.source = source;
    try {
      for await (const resolved of source) {
        if (this.stopRequested) return;
        const event = this.settings.toDeliverable(resolved, this.deliveredThrough);
        if (!event) continue;
        if (!(await this.deliver(event))) return;
      }
    } finally {
      this.source = undefined;
      source.destroy();
      await source.unsubscribe().catch(() => {});
    }
  }
}
