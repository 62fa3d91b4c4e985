import type { PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';

/**
 * The catalogued event a recorded event carries. Unknown types come through too: every projection
 * switches on `type` and ignores what it does not know, so a newer event never stops a projection.
 */
export function pangolinEvent(recorded: RecordedEvent): PangolinEvent {
  // The recorded event itself, seen through its type and data: no copy per event and projection.
  return recorded as unknown as PangolinEvent;
}
