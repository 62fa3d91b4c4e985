import type { AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from './event-store.port';

/**
 * Base of the decorators around an event store (metrics, sealing personal data): every call goes
 * to `inner`; a decorator overrides only what it changes.
 */
export abstract class ForwardingEventStore implements EventStore {
  constructor(protected readonly inner: EventStore) {}

  append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    return this.inner.append(streamId, expected, events);
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
