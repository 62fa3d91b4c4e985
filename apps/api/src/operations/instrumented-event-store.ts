import type { AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '@pangolin/event-store';
import { PangolinMetrics, streamCategory } from './metrics';

/**
 * Any event store, measured: counts the events each append writes (by stream category) and times
 * every append. Everything else is passed straight through, so it is a drop-in for the adapter.
 */
export class InstrumentedEventStore implements EventStore {
  constructor(private readonly inner: EventStore, private readonly metrics: PangolinMetrics) {}

  async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const stopTimer = this.metrics.appendDuration.startTimer();
    try {
      const result = await this.inner.append(streamId, expected, events);
      if (!result.alreadyStored && events.length > 0) this.metrics.eventsAppended.inc({ stream_category: streamCategory(streamId) }, events.length);
      return result;
    } finally {
      stopTimer();
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  subscribe(checkpoint: bigint, handler: SubscriptionHandler, options?: SubscribeOptions): Subscription {
    return this.inner.subscribe(checkpoint, handler, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
