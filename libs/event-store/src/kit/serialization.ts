import { NewEvent, RecordedEvent } from '../event-store.port';

/** An event as an adapter stores it: its payload and metadata already JSON text. */
export interface SerializedEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

/**
 * The event as JSON text, the form the SQL adapters write (SQLite's TEXT columns, PostgreSQL's
 * append_events parameters, cast to jsonb there). `undefined` data is stored as JSON null, so that it
 * reads back as a value (what KurrentDB's toEventData does too).
 */
export function serializeEvent(event: NewEvent): SerializedEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    data: JSON.stringify(event.data ?? null),
    metadata: JSON.stringify(event.metadata),
  };
}

/** The event stored from `event`'s JSON text at `revision` of `streamId`, at `position` of the log. */
export function deserializeEvent(event: SerializedEvent, streamId: string, revision: number, position: bigint): RecordedEvent {
  return {
    eventId: event.eventId,
    streamId,
    revision,
    position,
    type: event.type,
    data: JSON.parse(event.data),
    metadata: JSON.parse(event.metadata),
  };
}
