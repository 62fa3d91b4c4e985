import type { EventOfType, PangolinEvent, PangolinEventType } from './events';

/** What every event carries, wherever it comes from: a recorded event, one about to be appended, one in a test. */
export interface EventLike {
  type: string;
  data: unknown;
}

/**
 * The catalogued event `event` is, seen through its type and data (no copy). Unknown types come
 * through too: whoever switches on `type` ignores what it does not know, so a newer event never
 * stops a projection or a process.
 */
export function pangolinEvent(event: EventLike): PangolinEvent {
  return event as unknown as PangolinEvent;
}

/** Whether `event` is of type `type`; if so, its data are that type's (the rest of the event, e.g. its position, stays as it is). */
export function isEventOfType<E extends EventLike, T extends PangolinEventType>(event: E, type: T): event is E & EventOfType<T> {
  return event.type === type;
}

/** The data of `event`, which must be of type `type` (e.g. in a handler registered for that type): a TypeError if it is not. */
export function eventData<T extends PangolinEventType>(event: EventLike, type: T): EventOfType<T>['data'] {
  if (event.type !== type) throw new TypeError(`expected a ${type} event, got ${event.type}`);
  // The one place the catalogue's type for T is taken on the word of the event's type.
  return event.data as EventOfType<T>['data'];
}
