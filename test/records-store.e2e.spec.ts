import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@pangolin/event-store';
import { ProjectionCheckpoint, readModelEntities } from '@pangolin/read-models';
import { RECORDS_DATABASE } from '@pangolin/records';
import { EVENT_STORE, READ_DB, RECORDS_DB } from '@pangolin/runtime';
import { generateSignerKey, parseCosignerVerifierKey, verifyCosignatures } from '@pangolin/transparency';
import { householdBody, PASSWORD, productTerms, signUp } from './support/actors';
import { killAllChildren, ROOT, runToExit, startChild } from './support/child-process';
import { eventually, settled } from './support/eventually';
import { ADMIN, ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS, TEST_POSTGRES_URL } from './support/platform';
import { ensureBuilt } from './support/build';

const LOG_ORIGIN = 'records.test/log';
const DEADLINE_MS = 30_000;

/** Every row of the given tables, as comparable text, table by table (the projections' checkpoints without their timestamps). */
async function everyRow(db: DataSource, entities: readonly Function[]): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const entity of entities) {
    const rows = await db.getRepository(entity).find();
    const comparable = entity === ProjectionCheckpoint ? rows.map(({ name, position }) => ({ name, position })) : rows;
    tables[db.getMetadata(entity).tableName] = comparable.map((row) => JSON.stringify(row, (_, value) => (typeof value === 'bigint' ? `${value}n` : value))).sort();
  }
  return tables;
}

/**
 * The views can be deleted: an installation whose views database is gone rebuilds every view from
 * the log at its next start, and loses nothing, because what the log cannot rebuild (logins,
 * household keys, signed checkpoints and their witnesses' cosignatures, inclusion promises, the
 * process managers' checkpoints) is kept in the records store.
 */
describe.each(STORE_CONFIGURATIONS)('deleting the views database (%s)', (_, storeEnv) => {
  const logKey = generateSignerKey(LOG_ORIGIN);
  let platform: RunningPlatform | undefined;

  beforeAll(async () => {
    ensureBuilt();
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
    killAllChildren();
  });

  it('restarts with every login, household key, signed checkpoint and cosignature intact, and every view as it was', async () => {
    // A witness, so the records include a cosignature.
    const witnessFolder = mkdtempSync(join(tmpdir(), 'pangolin-records-witness-'));
    const generated = await runToExit(process.execPath, [join(ROOT, 'bin/pangolin-witness.js'), 'generate-key', 'w.records.test', '--out', join(witnessFolder, 'w.key')]);
    expect(generated).toMatchObject({ code: 0 });
    const witnessKey = generated.stdout.trim();
    const witnessConfig = join(witnessFolder, 'w.json');
    writeFileSync(witnessConfig, JSON.stringify({ listen: '127.0.0.1:0', signingKeyFile: 'w.key', stateFile: 'w-state.json', logs: [{ verifierKey: logKey.verifierKey }] }));
    const witness = await startChild('bin/pangolin-witness.js', {}, /listening on/, ['serve', '--config', witnessConfig]);

    const env = { ...storeEnv(), CHECKPOINT_INTERVAL_MS: '0', TRANSPARENCY_SIGNING_KEY: logKey.signerKey, TRANSPARENCY_WITNESSES: `${witness.url} ${witnessKey}` };
    platform = await startPlatform(env);
    const government = await signUp(platform.api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    const insurer = await signUp(platform.api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    const donor = await signUp(platform.api, { username: 'donor.a', role: 'donor' });
    const auditor = await signUp(platform.api, { username: 'auditor', role: 'auditor' });
    const { productId } = await insurer.ok('/products', productTerms());
    const kept = await government.ok('/households', householdBody('440305001001', 1));
    await government.ok(`/households/${kept.householdId}/eligibility/verify`, { category: 'low-income' });
    const erased = await government.ok('/households', householdBody('440305001001', 2));
    await government.ok(`/households/${erased.householdId}/erasure`, { reason: '本人要求删除' });
    const gift = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: kept.householdId, productId }, remainder: 'refund' });
    const paid = await donor.ok(`/gifts/${gift.giftId}/payment`, { paymentReference: 'PAY-RECORDS-1', amount: cny(3000) });
    expect(paid.promise).toEqual(expect.any(String));

    // A checkpoint, cosigned by the witness.
    const signed = await auditor.post('/transparency/checkpoints');
    expect(signed.status).toBe(201);
    const note = await eventually(
      `a cosignature of size ${signed.body.size}`,
      async () => {
        const note = (await platform!.api.get(`/transparency/checkpoints/${signed.body.size}`)).body as string;
        return verifyCosignatures(note, [parseCosignerVerifierKey(witnessKey)]).cosignedBy.length === 1 ? note : undefined;
      },
      { deadlineMs: DEADLINE_MS },
    );

    // A payment without data, as no command would append: the premium allocation parks it (a record:
    // its checkpoint moves past it), and so do the projections that cannot apply it (views: parked again on rebuild).
    const store = platform.app.get<EventStore>(EVENT_STORE);
    const metadata = { actor: 'system:test', correlationId: 'poison', causationId: 'poison', occurredAt: new Date().toISOString(), schemaVersion: 1 };
    await store.append(`poison-${Date.now()}`, 'no-stream', [{ eventId: '00000000-0000-4000-8000-00000000b0b0', type: 'GiftPaymentConfirmed', data: null, metadata }]);
    const admin = await platform.api.login(ADMIN.username, ADMIN.password);
    const parked = (client: ApiClient) =>
      eventually(
        'premium-allocation parked an event',
        async () => {
          const items: { worker: string; position: string; eventType: string }[] = (await client.read('/admin/parked-events')).items;
          return items.some(({ worker }) => worker === 'premium-allocation') ? items.map(({ worker, position, eventType }) => `${worker} ${position} ${eventType}`).sort() : undefined;
        },
        { deadlineMs: DEADLINE_MS },
      );
    await parked(admin);
    await settled(platform);
    const parkedBefore = await parked(admin);

    const views = readModelEntities;
    const before = {
      views: await everyRow(platform.app.get<DataSource>(READ_DB), views),
      records: await everyRow(platform.app.get<DataSource>(RECORDS_DB), RECORDS_DATABASE.entities),
      household: await government.read(`/households/${kept.householdId}`),
    };
    expect(before.household.personal).toMatchObject({ headName: '户主1' });
    expect(before.records.household_data_keys).toHaveLength(1); // the erased household's key is gone
    expect(before.records.checkpoint_cosignatures).toHaveLength(1);
    expect(before.records.inclusion_promises.length).toBeGreaterThan(0);
    expect(before.records.parked_events.map((row) => JSON.parse(row).worker)).toEqual(['premium-allocation']);

    // The views database is deleted while the platform is stopped.
    const { config, dataDir } = platform;
    await platform.stop({ keepData: true });
    platform = undefined;
    if (config.readDb.type === 'sqlite') {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${config.readDb.path}${suffix}`, { force: true });
    } else {
      const client = new Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA "${config.readDb.schema}" CASCADE`);
      await client.end();
    }

    platform = await startPlatform(env, dataDir);
    await settled(platform);

    expect(await everyRow(platform.app.get<DataSource>(RECORDS_DB), RECORDS_DATABASE.entities)).toEqual(before.records);
    expect(await everyRow(platform.app.get<DataSource>(READ_DB), views)).toEqual(before.views);
    // Logins still sign in; the government still reads the household's personal data (its key opens them); the erased one stays erased.
    const governmentAgain = await platform.api.login('gov.nanshan', PASSWORD);
    expect(await governmentAgain.read(`/households/${kept.householdId}`)).toEqual(before.household);
    expect(await governmentAgain.read(`/households/${erased.householdId}`)).toMatchObject({ personal: null, personalDataErased: true });
    // The process manager's parked event is still there, and the projections parked theirs again.
    expect(await parked(await platform.api.login(ADMIN.username, ADMIN.password))).toEqual(parkedBefore);
    // The signed checkpoint and its cosignature are served as before.
    expect((await platform.api.get(`/transparency/checkpoints/${signed.body.size}`)).body).toBe(note);
    rmSync(witnessFolder, { recursive: true, force: true });
  }, 180_000);
});
