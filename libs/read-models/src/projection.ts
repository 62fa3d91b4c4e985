import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@pangolin/event-store';

/**
 * A read model fed by the event log. `apply` runs inside the transaction that also advances the
 * projection's checkpoint, so it must write only through `tx`, and it sees each event exactly once.
 */
export interface Projection {
  readonly name: string;
  apply(event: RecordedEvent, tx: EntityManager): Promise<void>;
  /**
   * Optional: applies several events (in log order) at once, in the same transaction, with the same
   * result as applying them one by one (`apply` of one event is then usually `applyBatch([event])`).
   * The runner hands it a batch's events after the projections without it have applied them one by
   * one, so a projection may implement it only if it neither reads other projections' tables nor
   * is read by them. Every projection of the registry does (see shared/row-set.ts).
   */
  applyBatch?(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  /**
   * True for a projection that must apply every event, in order (the Merkle log: its leaf indices
   * are dense). The runner never parks an event for it: it retries, and reports itself stuck.
   */
  readonly neverSkips?: boolean;
}
