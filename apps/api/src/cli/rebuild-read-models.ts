import 'reflect-metadata';
import { allProjections, ProjectionRunner, resetProjections } from '@pangolin/read-models';
import { ConfigurationError, loadConfiguration, openEventStore, openReadDatabase, PangolinConfig } from '@pangolin/runtime';

/**
 * Rebuilds every view from the event log: clears the projections' tables and checkpoints (logins
 * and process-manager checkpoints stay), then replays the whole log. Run it with the API stopped.
 */
export async function rebuildReadModels(config: PangolinConfig): Promise<{ events: bigint }> {
  const store = await openEventStore(config.eventStore);
  const db = await openReadDatabase(config.readDb);
  try {
    await resetProjections(db);
    const runner = new ProjectionRunner(store, db, allProjections());
    const head = await store.headPosition();
    await runner.start();
    await runner.caughtUpTo(head);
    await runner.stop();
    return { events: head };
  } finally {
    await store.close();
    await db.destroy();
  }
}

if (require.main === module) {
  rebuildReadModels(loadConfiguration())
    .then(({ events }) => console.log(`Rebuilt every view from ${events} events.`))
    .catch((error) => {
      console.error(error instanceof ConfigurationError ? `Configuration error: ${error.message}` : error);
      process.exit(1);
    });
}
