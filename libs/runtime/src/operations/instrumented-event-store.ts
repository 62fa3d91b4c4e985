import { ForwardingEventStore, type AppendResult, type EventStore, type ExpectedRevision, type NewEvent } from '@pangolin/event-store';
import { PangolinMetrics, streamCategory } from './metrics';

/**
 * Any event store, measured: counts the events each append writes (by stream category) and times
 * every append. Everything else is passed straight through, so it is a drop-in for the adapter.
 */
export class InstrumentedEventStore extends ForwardingEventStore {
  constructor(inner: EventStore, private readonly metrics: PangolinMetrics) {
    super(inner);
  }

  override async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const stopTimer = this.metrics.appendDuration.startTimer();
    try {
      const result = await this.inner.append(streamId, expected, events);
      if (!result.alreadyStored && events.length > 0) this.metrics.eventsAppended.inc({ stream_category: streamCategory(streamId) }, events.length);
      return result;
    } finally {
      stopTimer();
    }
  }
}
