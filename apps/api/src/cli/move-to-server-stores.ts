import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { EventStore } from '@pangolin/event-store';
import { allProjections, openReadDataSource, ProjectionRunner, quotedTable, resetProjections } from '@pangolin/read-models';
import { copyRecordRows, HouseholdKeyVault, openRecordsStore, ProcessCheckpoint, RECORDS_DATABASE, TypeOrmCheckpointStore, UserAccount } from '@pangolin/records';
import { ConfigurationError, loadConfiguration, openEventStore, PangolinConfig, PROCESS_MANAGERS } from '@pangolin/runtime';

const BATCH = 1000;

/**
 * Moves an installation from one set of stores to another (e.g. the embedded SQLite files to
 * PostgreSQL or KurrentDB): copies every event, in order, with its id, stream, revision, data and
 * metadata; copies the records store as one unit, table by table (logins, household data keys -
 * without them the personal data sealed in the copied events could not be read -, signed
 * checkpoints and their cosignatures, inclusion promises); rebuilds the views on the target; and
 * marks the process managers as having handled the copied log (the source already did their work:
 * what it caused is in the log). Safe to run again: events already copied are recognised by their
 * ids and skipped, records the target has are kept as they are there (a login with the same id or
 * username among them). Run it with the platform stopped.
 */
export async function moveToServerStores(
  from: PangolinConfig,
  to: PangolinConfig,
): Promise<{ eventsCopied: number; eventsAlreadyThere: number; recordsCopied: Record<string, number>; loginsKept: string[] }> {
  const source = await openEventStore(from.eventStore);
  const target = await openEventStore(to.eventStore);
  const sourceViews = await openReadDataSource(from.readDb);
  const sourceRecords = await openRecordsStore(from.records, sourceViews);
  const targetViews = await openReadDataSource(to.readDb);
  const targetRecords = await openRecordsStore(to.records, targetViews);
  try {
    const events = await copyEvents(source, target);
    const loginsKept = await loginsTheTargetKeeps(sourceRecords, targetRecords);
    const recordsCopied: Record<string, number> = {};
    for (const entity of RECORDS_DATABASE.entities.filter((entity) => entity !== ProcessCheckpoint)) {
      recordsCopied[targetRecords.getMetadata(entity).tableName] = await copyRecordRows(sourceRecords.manager, quotedTable(sourceRecords.manager, entity), targetRecords, entity);
    }
    await resetProjections(targetViews);
    const runner = new ProjectionRunner(target, targetViews, allProjections(new HouseholdKeyVault(targetRecords)));
    const head = await target.headPosition();
    await runner.start();
    await runner.caughtUpTo(head);
    await runner.stop();
    for (const name of PROCESS_MANAGERS) await new TypeOrmCheckpointStore(targetRecords).save(name, head);
    return { ...events, recordsCopied, loginsKept };
  } finally {
    await Promise.all([source.close(), target.close(), sourceViews.destroy(), sourceRecords.destroy(), targetViews.destroy(), targetRecords.destroy()]);
  }
}

async function copyEvents(source: EventStore, target: EventStore): Promise<{ eventsCopied: number; eventsAlreadyThere: number }> {
  const counts = { eventsCopied: 0, eventsAlreadyThere: 0 };
  for (let after = 0n; ; ) {
    const batch = await source.readAll({ after, limit: BATCH });
    if (batch.length === 0) return counts;
    for (const event of batch) {
      // The event's own revision as the expectation: the target stream must be exactly one behind.
      const { alreadyStored } = await target.append(event.streamId, event.revision === 0 ? 'no-stream' : event.revision - 1, [{ eventId: event.eventId, type: event.type, data: event.data, metadata: event.metadata }]);
      counts[alreadyStored ? 'eventsAlreadyThere' : 'eventsCopied']++;
    }
    after = batch[batch.length - 1].position;
  }
}

/** The source's logins whose id or username the target already has: the target's own stays. */
async function loginsTheTargetKeeps(source: DataSource, target: DataSource): Promise<string[]> {
  const taken = new Set((await target.getRepository(UserAccount).find({ select: { userId: true, username: true } })).flatMap((account) => [account.userId, account.username]));
  return (await source.getRepository(UserAccount).find({ select: { userId: true, username: true } })).filter((account) => taken.has(account.userId) || taken.has(account.username)).map((account) => account.username);
}

if (require.main === module) {
  // The source is the current embedded configuration (DATA_DIR); the target is given with TARGET_ prefixed variables.
  const env = process.env;
  const targetEnv = Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('TARGET_')).map(([key, value]) => [key.slice('TARGET_'.length), value]));
  Promise.resolve()
    .then(() => moveToServerStores(loadConfiguration({ ...env, SEED_DEMO: 'false' }), loadConfiguration({ ...env, ...targetEnv, SEED_DEMO: 'false' })))
    .then((moved) =>
      console.log(
        `Copied ${moved.eventsCopied} events (${moved.eventsAlreadyThere} were already there) and the records store (` +
          Object.entries(moved.recordsCopied).map(([table, rows]) => `${rows} ${table}`).join(', ') +
          `${moved.loginsKept.length ? `; kept the target's own logins: ${moved.loginsKept.join(', ')}` : ''}), and rebuilt every view on the target stores.`,
      ),
    )
    .catch((error) => {
      console.error(error instanceof ConfigurationError ? `Configuration error: ${error.message}` : error);
      process.exit(1);
    });
}
