import { PremiumAllocationProcess, ProcessManagerRunner } from '@pangolin/application';
import type { EventStore } from '@pangolin/event-store';
import { allProjections, giftsHoldingMoneyFor, programmeCandidates, ProjectionRunner } from '@pangolin/read-models';
import type { DataSource } from 'typeorm';
import { HouseholdKeyVault, TypeOrmCheckpointStore } from '@pangolin/records';
import { TypeOrmDeadLetterStore } from '@pangolin/runtime';

/**
 * Every projection and the premium-allocation process manager over `store`, the views `db` and the records store `records`, in this
 * process, as the embedded platform runs them: the process manager reads the views once the
 * projections have caught up with the log. Not started.
 */
export function allocationPipeline(store: EventStore, db: DataSource, records: DataSource): { projections: ProjectionRunner; allocation: ProcessManagerRunner } {
  const projections = new ProjectionRunner(store, db, allProjections(new HouseholdKeyVault(records)));
  const process = new PremiumAllocationProcess(store, {
    uncoveredEligible: async (regionCode, productId, page) => {
      await projections.caughtUpTo(await store.headPosition());
      return programmeCandidates(db.manager, regionCode, productId, page);
    },
    giftsHoldingMoneyFor: async (target) => {
      await projections.caughtUpTo(await store.headPosition());
      return giftsHoldingMoneyFor(db.manager, target);
    },
  });
  return { projections, allocation: new ProcessManagerRunner(store, new TypeOrmCheckpointStore(records), process, new TypeOrmDeadLetterStore(db)) };
}

/**
 * Waits until the process manager and then every projection have dealt with the log up to `from`
 * (its head by default) and with everything that caused in turn; returns the last position dealt with.
 */
export async function settled(store: EventStore, allocation: ProcessManagerRunner, projections: ProjectionRunner, from?: bigint): Promise<bigint> {
  let target = from ?? (await store.headPosition());
  for (;;) {
    await allocation.caughtUpTo(target);
    const head = await store.headPosition();
    if (head <= target) break;
    target = head;
  }
  await projections.caughtUpTo(target);
  return target;
}
