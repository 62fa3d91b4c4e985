import type { PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';

/**
 * The catalogued event a recorded event carries. Unknown types come through too: every projection
 * switches on `type` and ignores what it does not know, so a newer event never stops a projection.
 */
export function pangolinEvent(recorded: RecordedEvent): PangolinEvent {
  return { type: recorded.type, data: recorded.data } as PangolinEvent;
}
