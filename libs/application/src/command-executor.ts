import { randomUUID } from 'node:crypto';
import { Conflict, Decider, deterministicId, foldEvents } from '@pangolin/domain';
import { EventMetadata, EventStore, NewEvent, RecordedEvent, WrongExpectedRevision, DuplicateEventId } from '@pangolin/event-store';

/** Who is acting and in which chain of causes: copied into every event's metadata. */
export interface ActingContext {
  actor: string;
  correlationId: string;
  causationId: string;
  /** Set when the effect may be retried (process managers): event ids are then derived from it. */
  idempotencyKey?: string;
  /** A client's Idempotency-Key for the request, recorded in the metadata so that a retry finds what it created. */
  clientIdempotency?: { key: string; createdId: string; fingerprint: string };
}

export interface Decided<State, Event> {
  streamId: string;
  /** The new events (empty when the command had nothing left to do). */
  events: Event[];
  /** State after the new events. */
  state: State;
  /** Global position of the last event written, or of the stream's last event when nothing was written. */
  position: bigint;
  /** The stream's revision after the command (its last event's), 'no-stream' if it has none. */
  revision: number | 'no-stream';
}

/** A stream as read and folded (loadState), or as a command left it (Decided). */
export interface LoadedStream<S> {
  state: S;
  revision: number | 'no-stream';
  position: bigint;
}

export const SCHEMA_VERSION = 1;

/** Loads a stream's state with the given decider. */
export async function loadState<C, S, E, R = E>(store: EventStore, decider: Decider<C, S, E, R>, streamId: string): Promise<LoadedStream<S>> {
  const recorded = await store.readStream(streamId);
  const state = foldEvents<S, E | R>(decider, recorded.map(toDomainEvent) as R[]);
  const last = recorded[recorded.length - 1];
  return { state, revision: last ? last.revision : 'no-stream', position: last ? last.position : 0n };
}

export function toDomainEvent(recorded: RecordedEvent): { type: string; data: unknown } {
  return { type: recorded.type, data: recorded.data };
}

/**
 * Runs one command against one stream: read, fold, decide, append with the revision that was read.
 * A concurrent writer makes the append fail; the command is then decided again on the fresh
 * state (the rules are re-checked, so nothing is ever decided on stale state). After
 * `maxAttempts` lost races it gives up with a 409. With `loaded` (the stream as the caller last
 * read it, or as its previous command left it) the first attempt decides on that instead of
 * reading the stream again; if the stream has moved on since, that attempt loses its race.
 */
export async function executeCommand<C, S, E extends { type: string; data: unknown }, R = E>(
  store: EventStore,
  decider: Decider<C, S, E, R>,
  streamId: string,
  command: C,
  context: ActingContext,
  now: () => string = () => new Date().toISOString(),
  maxAttempts = 20,
  loaded?: LoadedStream<S>,
): Promise<Decided<S, E>> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision, position } = attempt === 1 && loaded ? loaded : await loadState(store, decider, streamId);
    const events = decider.decide(command, state);
    if (events.length === 0) return { streamId, events, state, position, revision };
    const occurredAt = now();
    const newEvents: NewEvent[] = events.map((event, index) => ({
      eventId: context.idempotencyKey ? deterministicEventId(context.idempotencyKey, streamId, index) : randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.causationId,
        occurredAt,
        schemaVersion: SCHEMA_VERSION,
        ...(context.clientIdempotency ? { idempotency: context.clientIdempotency } : {}),
      } satisfies EventMetadata,
    }));
    try {
      const result = await store.append(streamId, revision, newEvents);
      return { streamId, events, state: events.reduce<S>(decider.evolve, state), position: result.lastPosition, revision: result.nextRevision };
    } catch (error) {
      if (error instanceof WrongExpectedRevision && attempt < maxAttempts) continue;
      if (error instanceof WrongExpectedRevision) throw new Conflict(`${streamId} is being changed by others at the same time; try again`, 'request.concurrent-change');
      if (error instanceof DuplicateEventId) throw new Conflict(error.message, 'request.duplicate');
      throw error;
    }
  }
}

function deterministicEventId(key: string, streamId: string, index: number): string {
  return deterministicId('event', key, streamId, String(index));
}
