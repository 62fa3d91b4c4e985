import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@pangolin/event-store';

/**
 * A read model fed by the event log. `apply` runs inside the transaction that also advances the
 * projection's checkpoint, so it must write only through `tx`, and it sees each event exactly once.
 */
export interface Projection {
  readonly name: string;
  apply(event: RecordedEvent, tx: EntityManager): Promise<void>;
}
