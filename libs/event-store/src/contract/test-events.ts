import { randomUUID } from 'node:crypto';
import { EventMetadata, NewEvent } from '../event-store.port';

/** A stream id no other test uses: `prefix` says which suite made it. */
export function newStreamId(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** A new event with a fresh id (a lowercase UUID, which every adapter can store) and metadata. */
export function newEvent(type = 'SomethingHappened', data: unknown = { value: randomUUID() }): NewEvent {
  const metadata: EventMetadata = {
    actor: 'system:event-store-test',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  };
  return { eventId: randomUUID(), type, data, metadata };
}
