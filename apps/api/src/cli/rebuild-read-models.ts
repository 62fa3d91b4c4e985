import 'reflect-metadata';
import { allProjections, openReadDataSource, ProjectionRunner, resetProjections } from '@pangolin/read-models';
import { HouseholdKeyVault, openRecordsStore } from '@pangolin/records';
import { ConfigurationError, limitHeapGrowth, loadConfiguration, openEventStore, PangolinConfig } from '@pangolin/runtime';

/**
 * Rebuilds every view from the event log: clears the projections' tables and checkpoints, then
 * replays the whole log, opening personal data with the keys of the records store (which it leaves
 * as it is). Run it with the API stopped.
 */
export async function rebuildReadModels(config: PangolinConfig): Promise<{ events: bigint }> {
  const store = await openEventStore(config.eventStore);
  const db = await openReadDataSource(config.readDb);
  const records = await openRecordsStore(config.records, db);
  try {
    await resetProjections(db);
    const runner = new ProjectionRunner(store, db, allProjections(new HouseholdKeyVault(records)));
    const head = await store.headPosition();
    await runner.start();
    await runner.caughtUpTo(head);
    await runner.stop();
    return { events: head };
  } finally {
    await store.close();
    await db.destroy();
    await records.destroy();
  }
}

if (require.main === module) {
  const config = loadConfiguration();
  limitHeapGrowth(config.heapGrowthPercent);
  rebuildReadModels(config)
    .then(({ events }) => console.log(`Rebuilt every view from ${events} events.`))
    .catch((error) => {
      console.error(error instanceof ConfigurationError ? `Configuration error: ${error.message}` : error);
      process.exit(1);
    });
}
