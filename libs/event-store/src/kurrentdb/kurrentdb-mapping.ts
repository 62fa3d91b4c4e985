/**
 * The pure translations between the EventStore port and KurrentDB's model, kept apart from the
 * client calls so that they can be tested without a server.
 */
import {
  Filter,
  JSONEventData,
  JSONType,
  NO_STREAM,
  Position,
  ReadPosition,
  RecordedEvent as KurrentRecordedEvent,
  START,
  StreamState,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import { EventMetadata, NewEvent, RecordedEvent } from '../event-store.port';

/** KurrentDB reserves names and event types starting with '$' for itself (system streams, tombstones, links). */
const SYSTEM_PREFIX = '$';
/** KurrentDB stores event ids as UUIDs and returns them in this form, so only this form reads back as given. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An event the adapter cannot turn into a RecordedEvent: retrying cannot help, so readers stop on it. */
export class UnreadableEvent extends Error {}

/**
 * Maps our stream ids to KurrentDB stream names (`prefix + streamId`) and back, and tells which
 * events of $all belong to the store: those of streams with the prefix, or of every non-system
 * stream when the prefix is empty.
 */
export class StreamNamespace {
  constructor(readonly prefix: string) {
    if (prefix.startsWith(SYSTEM_PREFIX)) throw new RangeError(`the stream prefix must not start with '${SYSTEM_PREFIX}', got '${prefix}'`);
  }

  streamName(streamId: string): string {
    const name = this.prefix + streamId;
    if (name.startsWith(SYSTEM_PREFIX)) throw new RangeError(`stream id '${streamId}' would name a KurrentDB system stream`);
    return name;
  }

  streamIdOf(streamName: string): string {
    if (!streamName.startsWith(this.prefix) || streamName.startsWith(SYSTEM_PREFIX)) {
      throw new UnreadableEvent(`stream '${streamName}' is outside this store's namespace '${this.prefix}'`);
    }
    return streamName.slice(this.prefix.length);
  }

  /** The server-side filter of $all reads and subscriptions. */
  allFilter(): Filter {
    return this.prefix === '' ? streamNameFilter({ regex: `^[^${SYSTEM_PREFIX}]` }) : streamNameFilter({ prefixes: [this.prefix] });
  }
}

/**
 * Events of our streams that are not ours to deliver: a tombstone (`$streamDeleted`) or a link
 * (`$>`) that a KurrentDB projection wrote into a stream of the namespace.
 */
export function isSystemEvent(type: string): boolean {
  return type.startsWith(SYSTEM_PREFIX);
}

/** The stream state sent with a write: the revision the stream was seen at, so a write only lands on what was checked. */
export function streamStateOf(revision: number | 'no-stream'): StreamState {
  return revision === 'no-stream' ? NO_STREAM : BigInt(revision);
}

/**
 * Where a forward read of $all starts for "after `position`". The read includes the event at the
 * position, so callers drop it. Only 0n and positions this store returned are valid: any other
 * number is not the start of a log record, and the server refuses it (InvalidPosition).
 */
export function readPositionAfter(position: bigint): ReadPosition {
  if (position < 0n) throw new RangeError(`a position must not be negative, got ${position}`);
  return position === 0n ? START : { commit: position, prepare: position };
}

/**
 * Our position of an event read from a stream or from $all: its log position. KurrentDB reports it
 * as the prepare position in both kinds of read (a stream read may report the position of the
 * write's first event as commit position); in $all, events written by one append each have their
 * own position, with commit equal to prepare.
 */
export function positionOf(event: Pick<KurrentRecordedEvent, 'id' | 'position'>): bigint {
  if (!event.position) throw new UnreadableEvent(`event ${event.id} came without a log position (KurrentDB 22.6 or later reports it)`);
  return event.position.prepare;
}

/**
 * Our position of an event read from $all. Events of an explicit transaction (the legacy TCP API)
 * share a commit position and are ordered by it, not by their own log position: one position per
 * event cannot express that, so such events are refused rather than delivered out of order.
 */
export function allStreamPositionOf(event: { id: string; position: Position }): bigint {
  if (event.position.commit !== event.position.prepare) {
    throw new UnreadableEvent(
      `event ${event.id} was written in an explicit transaction (commit ${event.position.commit}, prepare ${event.position.prepare}), which this adapter cannot order`,
    );
  }
  return event.position.prepare;
}

/** Refuses what KurrentDB cannot store as given: ids that are not lowercase UUIDs, and system event types. */
export function requireStorable(events: readonly NewEvent[]): void {
  for (const { eventId, type } of events) {
    if (!CANONICAL_UUID.test(eventId)) throw new RangeError(`event id must be a lowercase UUID on KurrentDB, got '${eventId}'`);
    if (isSystemEvent(type)) throw new RangeError(`event type '${type}' is reserved by KurrentDB (it starts with '${SYSTEM_PREFIX}')`);
  }
}

export function toEventData(event: NewEvent): JSONEventData {
  return {
    id: event.eventId,
    contentType: 'application/json',
    type: event.type,
    // The client serialises data with JSON.stringify, so any JSON value (null, a number) is stored as such.
    data: (event.data ?? null) as JSONType,
    metadata: { ...event.metadata },
  };
}

export function toRecordedEvent(event: KurrentRecordedEvent, streamId: string, position: bigint): RecordedEvent {
  if (!event.isJson) throw new UnreadableEvent(`event ${event.id} in ${event.streamId} is not JSON`);
  const metadata = event.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || metadata instanceof Uint8Array) {
    throw new UnreadableEvent(`event ${event.id} in ${event.streamId} has no JSON object as metadata`);
  }
  return {
    eventId: event.id,
    streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: event.data,
    metadata: metadata as unknown as EventMetadata,
  };
}
