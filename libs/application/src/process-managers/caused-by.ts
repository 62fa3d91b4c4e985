import { RecordedEvent } from '@pangolin/event-store';
import { ActingContext } from '../command-executor';

/**
 * How a process manager acts on `event`, step `step`: as `system:<name>`, in the event's chain of
 * causes, with event ids derived from the event and the step, so that a retry is the same append.
 */
export function causedBy(processName: string, event: RecordedEvent, step: string): ActingContext {
  return { actor: `system:${processName}`, correlationId: event.metadata.correlationId, causationId: event.eventId, idempotencyKey: `${event.eventId}:${step}` };
}
