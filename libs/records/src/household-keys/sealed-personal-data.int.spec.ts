import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { Conflict, eventData, householdDecider, nationalIdWithChecksum, streams } from '@pangolin/domain';
import { executeCommand, openPersonalData, PersonalDataErasureProcess, SealingEventStore, type ActingContext } from '@pangolin/application';
import { SqliteEventStore } from '@pangolin/event-store';
import { allProjections, findHouseholdPersonal, openReadDataSource, ProjectionRunner, resetProjections } from '@pangolin/read-models';
import { openRecordsStore } from '../records-store';
import { HouseholdDataKeyRow } from './household-data-key.entity';
import { HouseholdKeyVault } from './household-key-vault';

const householdId = '0b6f7d3e-6a0e-4a43-9c57-2f0d3b1c9a11';
const personal = {
  headName: '欧阳娜娜',
  headNationalId: nationalIdWithChecksum('44030519750612034'),
  members: [{ name: '欧阳小雨', relation: 'daughter', nationalId: nationalIdWithChecksum('44030520080301045') }],
  address: '南山区桃源街道龙珠四路88号',
};
const plaintexts = [personal.headName, personal.headNationalId, personal.members[0].name, personal.members[0].nationalId, personal.address];
const government: ActingContext = { actor: 'government:test', correlationId: 'c-1', causationId: 'c-1' };
const now = () => '2026-03-01T08:00:00.000Z';

describe('household personal data sealed on the way into the event store, its key in the records store', () => {
  let directory: string;
  let eventsPath: string;
  let raw: SqliteEventStore;
  let store: SealingEventStore;
  let db: DataSource;
  let records: DataSource;
  let vault: HouseholdKeyVault;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'pangolin-sealing-'));
    eventsPath = join(directory, 'events.sqlite');
    raw = SqliteEventStore.open(eventsPath, { pollIntervalMs: 5 });
    db = await openReadDataSource({ type: 'sqlite', path: join(directory, 'read.sqlite') });
    records = await openRecordsStore({ type: 'sqlite', path: join(directory, 'records.sqlite') });
    vault = new HouseholdKeyVault(records);
    store = new SealingEventStore(raw, vault);
    await executeCommand(store, householdDecider, streams.household(householdId), {
      type: 'RegisterHousehold',
      data: { householdId, householdCode: 'HH-440305001001-SEAL', villageCode: '440305001001', registrarRegion: '440305', category: 'low-income', personal, nationalIdDigests: [], now: now() },
    }, government);
    await executeCommand(store, householdDecider, streams.household(householdId), { type: 'VerifyEligibility', data: { householdId, category: 'low-income', verifierRegion: '440305', now: now() } }, government);
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
    await records.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  async function project(): Promise<void> {
    const runner = new ProjectionRunner(store, db, allProjections(vault), { retryDelayMs: 1 });
    await runner.start();
    await runner.caughtUpTo(await store.headPosition());
    await runner.stop();
  }

  /** Every byte of the SQLite events table, as text. */
  function eventsTableText(): string {
    const file = new Database(eventsPath, { readonly: true });
    try {
      return JSON.stringify(file.prepare('SELECT * FROM events').all(), (_, value) => (typeof value === 'bigint' ? value.toString() : value));
    } finally {
      file.close();
    }
  }

  it('stores no plaintext name, national id or address in the events table, only the sealed form', () => {
    const text = eventsTableText();
    expect(text).toContain('HouseholdRegistered');
    expect(text).toContain('aes-256-gcm/1');
    for (const plaintext of plaintexts) expect(text).not.toContain(plaintext);
  });

  it('records a registration whose personal data opens only with the household key, and other events unchanged', async () => {
    const [registered, verified] = await store.readStream(streams.household(householdId));
    const data = eventData(registered, 'HouseholdRegistered');
    expect(data).toMatchObject({ householdId, householdCode: 'HH-440305001001-SEAL', size: 2, personal: { sealed: 'aes-256-gcm/1' } });
    expect(openPersonalData(data.personal, await vault.keyFor(householdId), householdId)).toEqual(personal);
    expect(verified.data).toEqual({ householdId, category: 'low-income', verifiedBy: '440305', verifiedAt: now() });
  });

  it('gives every concurrent caller the same key for a household, and keeps it', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => vault.keyFor('another-household')));
    expect(new Set(keys.map((key) => key.toString('base64'))).size).toBe(1);
    expect(keys[0]).toHaveLength(32);
    expect((await vault.find('another-household'))?.equals(keys[0])).toBe(true);
    await vault.destroy('another-household');
    expect(await vault.find('another-household')).toBeNull();
  });

  /** The erasure process (as the event pipeline runs it) over the whole log. */
  async function carryOutErasures(): Promise<void> {
    const erasure = new PersonalDataErasureProcess(vault);
    for (const event of await store.readAll({ after: 0n })) await erasure.handle(event);
  }

  it('shows the personal data in the read model until the household is erased, and never after, not even after a rebuild', async () => {
    await project();
    expect(await findHouseholdPersonal(db.manager, householdId)).toMatchObject({ personal, personalDataErased: false });

    await executeCommand(store, householdDecider, streams.household(householdId), { type: 'EraseHouseholdPersonalData', data: { householdId, reason: 'asked to be forgotten', eraserRegion: '440305', now: now() } }, government);
    await project();
    expect(await findHouseholdPersonal(db.manager, householdId)).toMatchObject({ personal: null, personalDataErased: true, eligible: true });
    expect(await records.manager.countBy(HouseholdDataKeyRow, { householdId })).toBe(1);
    await carryOutErasures();
    expect(await records.manager.countBy(HouseholdDataKeyRow, { householdId })).toBe(0);
    // Carried out again (a crash before its checkpoint was saved): nothing more happens.
    await carryOutErasures();
    await expect(
      executeCommand(store, householdDecider, streams.household(householdId), { type: 'EraseHouseholdPersonalData', data: { householdId, reason: 'again', eraserRegion: '440305', now: now() } }, government),
    ).rejects.toThrow(Conflict);

    await resetProjections(db);
    await project();
    expect(await findHouseholdPersonal(db.manager, householdId)).toMatchObject({ personal: null, personalDataErased: true });
    const readDbText = JSON.stringify(await db.query('SELECT * FROM households'));
    for (const plaintext of plaintexts) expect(readDbText).not.toContain(plaintext);
    for (const plaintext of plaintexts) expect(eventsTableText()).not.toContain(plaintext);
  });
});
