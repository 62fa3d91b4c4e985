import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { EventStore } from '@pangolin/event-store';
import { allProjections, CheckpointCosignatureRow, HouseholdDataKeyRow, ProjectionRunner, resetProjections, SignedCheckpointRow, writeLockOf } from '@pangolin/read-models';
import { ConfigurationError, loadConfiguration, openEventStore, openReadDatabase, PangolinConfig, PROCESS_MANAGERS, TypeOrmCheckpointStore, UserAccount } from '@pangolin/runtime';

const BATCH = 1000;

/**
 * Moves an installation from one pair of stores to another (e.g. the embedded SQLite files to
 * PostgreSQL or KurrentDB): copies every event, in order, with its id, stream, revision, data and
 * metadata; copies the logins and the household data keys (without them the personal data sealed
 * in the copied events could not be read); rebuilds the views on the target; and marks the process manager as
 * having handled the copied log (the source already did its work: what it caused is in the log).
 * Safe to run again: events already copied are recognised by their ids and skipped. A login the
 * target already has (same id or username) is kept as it is there.
 * Run it with the platform stopped.
 */
export async function moveToServerStores(
  from: PangolinConfig,
  to: PangolinConfig,
): Promise<{ eventsCopied: number; eventsAlreadyThere: number; loginsCopied: number; loginsKept: string[]; householdKeysCopied: number; checkpointsCopied: number }> {
  const source = await openEventStore(from.eventStore);
  const target = await openEventStore(to.eventStore);
  const sourceDb = await openReadDatabase(from.readDb);
  const targetDb = await openReadDatabase(to.readDb);
  try {
    const events = await copyEvents(source, target);
    const logins = await copyLogins(sourceDb, targetDb);
    const keys = await copyHouseholdDataKeys(sourceDb, targetDb);
    const checkpoints = await copySignedCheckpoints(sourceDb, targetDb);
    await resetProjections(targetDb);
    const runner = new ProjectionRunner(target, targetDb, allProjections());
    const head = await target.headPosition();
    await runner.start();
    await runner.caughtUpTo(head);
    await runner.stop();
    for (const name of PROCESS_MANAGERS) await new TypeOrmCheckpointStore(targetDb).save(name, head);
    return { ...events, ...logins, ...keys, ...checkpoints };
  } finally {
    await Promise.all([source.close(), target.close(), sourceDb.destroy(), targetDb.destroy()]);
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

/** Copies logins the target does not have; one whose id or username it already has is kept as it is there. */
async function copyLogins(source: DataSource, target: DataSource): Promise<{ loginsCopied: number; loginsKept: string[] }> {
  const existing = await target.getRepository(UserAccount).find();
  const taken = new Set(existing.flatMap((account) => [account.userId, account.username]));
  const logins = await source.getRepository(UserAccount).find();
  const copy = logins.filter((account) => !taken.has(account.userId) && !taken.has(account.username));
  await writeLockOf(target).run(() => target.getRepository(UserAccount).save(copy));
  return { loginsCopied: copy.length, loginsKept: logins.filter((account) => !copy.includes(account)).map((account) => account.username) };
}

/**
 * Copies the household data keys the target lacks. A household erased at the source has no key
 * there; if an earlier run had copied it, replaying the copied erasure event destroys it on the target too.
 */
async function copyHouseholdDataKeys(source: DataSource, target: DataSource): Promise<{ householdKeysCopied: number }> {
  const keys = await source.getRepository(HouseholdDataKeyRow).find();
  const present = new Set((await target.getRepository(HouseholdDataKeyRow).find({ select: { householdId: true } })).map((row) => row.householdId));
  const copy = keys.filter((row) => !present.has(row.householdId));
  for (let start = 0; start < copy.length; start += BATCH) {
    await writeLockOf(target).run(() => target.getRepository(HouseholdDataKeyRow).insert(copy.slice(start, start + BATCH)));
  }
  return { householdKeysCopied: copy.length };
}

/**
 * Copies the signed checkpoints the target lacks. The target's Merkle log, rebuilt from the same
 * events in the same order, has the same roots, so they stay valid there; new ones are signed with
 * the target's key, which should be the same key (TRANSPARENCY_SIGNING_KEY_FILE). Witnesses'
 * cosignatures of them come along.
 */
async function copySignedCheckpoints(source: DataSource, target: DataSource): Promise<{ checkpointsCopied: number }> {
  const present = new Set((await target.getRepository(SignedCheckpointRow).find({ select: { size: true } })).map((row) => row.size));
  const copy = (await source.getRepository(SignedCheckpointRow).find()).filter((row) => !present.has(row.size));
  for (let start = 0; start < copy.length; start += BATCH) {
    await writeLockOf(target).run(() => target.getRepository(SignedCheckpointRow).insert(copy.slice(start, start + BATCH)));
  }
  const cosignatures = await source.getRepository(CheckpointCosignatureRow).find();
  for (let start = 0; start < cosignatures.length; start += BATCH) {
    const batch = cosignatures.slice(start, start + BATCH);
    await writeLockOf(target).run(() => target.createQueryBuilder().insert().into(CheckpointCosignatureRow).values(batch).orIgnore().execute());
  }
  return { checkpointsCopied: copy.length };
}

if (require.main === module) {
  // The source is the current embedded configuration (DATA_DIR); the target is given with TARGET_ prefixed variables.
  const env = process.env;
  const targetEnv = Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('TARGET_')).map(([key, value]) => [key.slice('TARGET_'.length), value]));
  Promise.resolve()
    .then(() => moveToServerStores(loadConfiguration({ ...env, SEED_DEMO: 'false' }), loadConfiguration({ ...env, ...targetEnv, SEED_DEMO: 'false' })))
    .then((moved) =>
      console.log(
        `Copied ${moved.eventsCopied} events (${moved.eventsAlreadyThere} were already there), ${moved.householdKeysCopied} household data keys, ${moved.checkpointsCopied} signed checkpoints and ${moved.loginsCopied} logins` +
          `${moved.loginsKept.length ? ` (kept the target's own: ${moved.loginsKept.join(', ')})` : ''}, and rebuilt every view on the target stores.`,
      ),
    )
    .catch((error) => {
      console.error(error instanceof ConfigurationError ? `Configuration error: ${error.message}` : error);
      process.exit(1);
    });
}
