import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decider, householdDecider, HouseholdCategory, nationalIdDecider, nationalIdWithChecksum, streams } from '@pangolin/domain';
import { SqliteEventStore } from '@pangolin/event-store';
import { ActingContext, executeCommand, loadState } from '../command-executor';
import { nationalIdDigest } from '../personal-data/national-id-digest';
import { HouseholdImports, HouseholdRegistration, Registrar, registerImportedHousehold, StreamCommands } from './household-registration';

const registrar: Registrar = { region: '440305', nationalIdIndexKey: Buffer.from('an index key for these tests only') };
const acting: ActingContext = { actor: 'government:test', correlationId: 'c', causationId: 'c' };
const number = (n: number) => nationalIdWithChecksum(`44030519800101${String(n).padStart(3, '0')}`);
const household = (n: number, headNationalId = number(n), memberNationalId?: string): HouseholdRegistration => ({
  villageCode: '440305001001',
  category: 'low-income' as HouseholdCategory,
  personal: { headName: `户主${n}`, headNationalId, members: [{ name: `成员${n}`, relation: 'spouse', ...(memberNationalId ? { nationalId: memberNationalId } : {}) }], address: `地址${n}` },
});
const householdId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('registering the rows of an household import', () => {
  let directory: string;
  let store: SqliteEventStore;
  let commands: StreamCommands;
  const holderOf = async (nationalId: string) => (await loadState(store, nationalIdDecider, streams.nationalId(nationalIdDigest(registrar.nationalIdIndexKey, nationalId)))).state.heldBy?.householdId ?? null;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'pangolin-household-import-'));
    store = SqliteEventStore.open(join(directory, 'events.sqlite'));
    commands = {
      now: () => '2026-01-01T00:00:00.000Z',
      state: async <C, S, E, R>(decider: Decider<C, S, E, R>, streamId: string) => (await loadState(store, decider, streamId)).state,
      run: (decider, streamId, command) => executeCommand(store, decider, streamId, command, acting),
    };
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('registers a row once when another attempt for it registers it first, and the numbers the first attempt reserved stay held', async () => {
    const row = household(1, number(1), number(2));
    // The first attempt reserves both numbers, then waits at its registration while a second attempt runs whole.
    let arrived!: () => void;
    let goOn!: () => void;
    const atRegistration = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (goOn = resolve));
    const held: StreamCommands = {
      ...commands,
      run: async (decider, streamId, command) => {
        if ((command as { type: string }).type === 'RegisterHousehold') {
          arrived();
          await released;
        }
        return commands.run(decider, streamId, command);
      },
    };

    const first = registerImportedHousehold(held, registrar, householdId(1), row, { verify: true });
    await atRegistration;
    const second = await registerImportedHousehold(commands, registrar, householdId(1), row, { verify: true });
    goOn();

    expect(second).toMatchObject({ alreadyRegistered: false, eligible: true });
    expect(await first).toMatchObject({ alreadyRegistered: true, eligible: true });
    expect((await store.readStream(streams.household(householdId(1)))).map(({ type }) => type)).toEqual(['HouseholdRegistered', 'HouseholdEligibilityVerified']);
    expect([await holderOf(number(1)), await holderOf(number(2))]).toEqual([householdId(1), householdId(1)]);
  });

  it('answers each row: a number an earlier row gives goes to the earlier row, whatever the order of the rows', async () => {
    const imports = new HouseholdImports();
    const rows = [
      { row: 2, householdId: householdId(12), registration: household(12, number(12), number(10)) },
      { row: 0, householdId: householdId(10), registration: household(10) },
      { row: 1, householdId: householdId(11), registration: { ...household(11), villageCode: '440306001001' } },
    ];

    const outcomes = await imports.register(commands, registrar, rows, { verify: false, concurrency: 8 });

    expect(outcomes.map((outcome) => [outcome.row, outcome.ok ? 'registered' : outcome.refusal.code])).toEqual([
      [2, 'household.national-id-taken'],
      [0, 'registered'],
      [1, 'region.outside-yours'],
    ]);
    // The refused rows hold no number.
    expect([await holderOf(number(10)), await holderOf(number(11)), await holderOf(number(12))]).toEqual([householdId(10), null, null]);
  });

  it('stops at a failure of the store, and throws it', async () => {
    const failing: StreamCommands = { ...commands, run: async () => { throw new Error('the disk is full'); } };
    const rows = Array.from({ length: 20 }, (_, n) => ({ row: n, householdId: householdId(20 + n), registration: household(20 + n) }));

    await expect(new HouseholdImports().register(failing, registrar, rows, { verify: false, concurrency: 4 })).rejects.toThrow('the disk is full');
  });
});
