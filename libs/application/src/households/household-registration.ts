import { Conflict, Decider, DomainError, HouseholdCategory, householdCodeFor, householdDecider, HouseholdPersonalData, nationalIdDecider, NationalIdHolder, nationalIdsOf, ReserveNationalId, streams } from '@pangolin/domain';
import type { Decided } from '../command-executor';
import { nationalIdDigest } from '../personal-data/national-id-digest';

/**
 * How a registration reads and writes streams, acting for one caller (in the API, its
 * CommandRunner for one request).
 */
export interface StreamCommands {
  now(): string;
  state<C, S, E, R = E>(decider: Decider<C, S, E, R>, streamId: string): Promise<S>;
  run<C, S, E extends { type: string; data: unknown }, R = E>(decider: Decider<C, S, E, R>, streamId: string, command: C): Promise<Decided<S, E>>;
}

/** A household as a government registers it. */
export interface HouseholdRegistration {
  villageCode: string;
  category: HouseholdCategory;
  personal: HouseholdPersonalData;
}

/** The registering government: its region, and the platform's key for naming national ID reservations. */
export interface Registrar {
  region: string;
  nationalIdIndexKey: Uint8Array;
}

/** The reservation of each national ID of a registration, in a stream named by its keyed digest. */
export function nationalIdReservations(indexKey: Uint8Array, personal: HouseholdPersonalData, holder: NationalIdHolder, registrarRegion: string, now: string) {
  return nationalIdsOf(personal).map(({ field, nationalId }) => {
    const digest = nationalIdDigest(indexKey, nationalId);
    const reserve: ReserveNationalId = { type: 'ReserveNationalId', data: { field, holder, registrarRegion, now } };
    return { digest, streamId: streams.nationalId(digest), reserve };
  });
}

/**
 * A registration and its national ID reservations, checked against the current state: the
 * registration itself, then every number (one another household holds is refused with 409).
 * Throws the refusal; writes nothing.
 */
export async function checkedRegistration(commands: Pick<StreamCommands, 'now' | 'state'>, registrar: Registrar, householdId: string, registration: HouseholdRegistration) {
  const householdCode = householdCodeFor(householdId);
  const { villageCode, category, personal } = registration;
  const now = commands.now();
  const reservations = nationalIdReservations(registrar.nationalIdIndexKey, personal, { householdId, householdCode, villageCode }, registrar.region, now);
  const register = {
    type: 'RegisterHousehold' as const,
    data: { householdId, householdCode, villageCode, registrarRegion: registrar.region, category, personal, nationalIdDigests: reservations.map((r) => r.digest), now },
  };
  householdDecider.decide(register, await commands.state(householdDecider, streams.household(householdId)));
  for (const { streamId, reserve } of reservations) nationalIdDecider.decide(reserve, await commands.state(nationalIdDecider, streamId));
  return { householdCode, register, reservations };
}

/**
 * Each national ID of the registration is reserved for the household before it is recorded
 * (national-id-reservation.decider.ts): a number another household holds is refused with 409, and
 * nothing is written. A retry for the same household finds its own reservations and goes on.
 */
export async function registerHousehold(commands: StreamCommands, registrar: Registrar, householdId: string, registration: HouseholdRegistration): Promise<{ householdId: string; householdCode: string }> {
  const { householdCode, register, reservations } = await checkedRegistration(commands, registrar, householdId, registration);
  const reserved: { digest: string; streamId: string }[] = [];
  try {
    for (const { digest, streamId, reserve } of reservations) {
      // Only what this attempt wrote: a retry finds its numbers already held, and must not free them.
      if ((await commands.run(nationalIdDecider, streamId, reserve)).events.length) reserved.push({ digest, streamId });
    }
    await commands.run(householdDecider, streams.household(householdId), register);
  } catch (error) {
    // Lost a race for a number (or the write failed): free what this attempt took, so no number
    // stays held by a household that was never registered. Unless an attempt for the same
    // household running at the same time (the same import sent twice) registered it with them.
    const household = await commands.state(householdDecider, streams.household(householdId));
    const kept = new Set(household.registered ? household.nationalIdDigests : []);
    for (const { digest, streamId } of reserved) {
      if (kept.has(digest)) continue;
      await commands.run(nationalIdDecider, streamId, { type: 'ReleaseNationalId', data: { householdId, reason: 'registration refused', now: register.data.now } });
    }
    throw error;
  }
  return { householdId, householdCode };
}

/** A row of an import, registered (now, or by an earlier request for the same row) and, if asked, verified. */
export interface ImportedHousehold {
  householdId: string;
  householdCode: string;
  /** Registered by an earlier request for this row of this import (a retry, or the same rows sent twice). */
  alreadyRegistered: boolean;
  eligible: boolean;
}

/**
 * One row of an import, under the household id the import's row always gets: registered unless it
 * already is (a chunk sent again registers nobody twice), then verified under its category if asked
 * and not yet. Throws the refusal, leaving no national ID held by a household never registered.
 */
export async function registerImportedHousehold(commands: StreamCommands, registrar: Registrar, householdId: string, registration: HouseholdRegistration, { verify }: { verify: boolean }): Promise<ImportedHousehold> {
  const stream = streams.household(householdId);
  let alreadyRegistered = (await commands.state(householdDecider, stream)).registered;
  if (!alreadyRegistered) {
    try {
      await registerHousehold(commands, registrar, householdId, registration);
    } catch (error) {
      // Another request registered this row meanwhile (the same chunk sent twice at once).
      if (!(error instanceof Conflict && error.code === 'household.already-registered')) throw error;
      alreadyRegistered = true;
    }
  }
  let household = await commands.state(householdDecider, stream);
  if (verify) {
    const command = { type: 'VerifyEligibility' as const, data: { householdId, category: registration.category, verifierRegion: registrar.region, now: commands.now() } };
    household = (await commands.run(householdDecider, stream, command)).state;
  }
  return { householdId, householdCode: householdCodeFor(householdId), alreadyRegistered, eligible: household.registered && household.eligible };
}

export interface ImportRow {
  /** The row's index in the file. */
  row: number;
  /** The id this row of this import always gets. */
  householdId: string;
  registration: HouseholdRegistration;
}

export type ImportRowOutcome = ({ row: number; ok: true } & ImportedHousehold) | { row: number; ok: false; refusal: DomainError };

/**
 * Registers the rows of an import, `concurrency` at a time (so that a store that commits appends
 * in groups gathers theirs), each row refused on its own; `rows` name each row once. A row giving
 * a national ID an earlier row of the call also gives runs after the others, in file order, so
 * which of them gets the number does not depend on timing. The same household's rows in several
 * calls at once (the same chunk sent twice) run one after the other in this process. An error other than a
 * refusal (the store failing) stops taking rows, and is thrown once those under way are done.
 */
export class HouseholdImports {
  private readonly underWay = new Map<string, Promise<unknown>>();

  async register(commands: StreamCommands, registrar: Registrar, rows: ImportRow[], { verify, concurrency }: { verify: boolean; concurrency: number }): Promise<ImportRowOutcome[]> {
    const outcomes = new Map<number, ImportRowOutcome>();
    let failure: { error: unknown } | undefined;
    const registerRow = async ({ row, householdId, registration }: ImportRow) => {
      try {
        outcomes.set(row, { row, ok: true, ...(await this.oneAtATime(householdId, () => registerImportedHousehold(commands, registrar, householdId, registration, { verify }))) });
      } catch (error) {
        if (error instanceof DomainError) outcomes.set(row, { row, ok: false, refusal: error });
        else failure ??= { error };
      }
    };
    // A row giving a number an earlier row gives runs after the others, in file order.
    const seen = new Set<string>();
    const independent: ImportRow[] = [];
    const repeating: ImportRow[] = [];
    for (const row of [...rows].sort((a, b) => a.row - b.row)) {
      const numbers = nationalIdsOf(row.registration.personal).map(({ nationalId }) => nationalId);
      (numbers.some((number) => seen.has(number)) ? repeating : independent).push(row);
      numbers.forEach((number) => seen.add(number));
    }
    await Promise.all(
      Array.from({ length: Math.min(concurrency, independent.length) }, async () => {
        for (let next = independent.shift(); next && !failure; next = independent.shift()) await registerRow(next);
      }),
    );
    for (const row of repeating) if (!failure) await registerRow(row);
    if (failure) throw failure.error;
    return rows.map(({ row }) => outcomes.get(row)!);
  }

  /** Runs `attempt` after any other under way for the same household in this process. */
  private async oneAtATime<T>(householdId: string, attempt: () => Promise<T>): Promise<T> {
    const earlier = this.underWay.get(householdId);
    const mine = (earlier ?? Promise.resolve()).catch(() => undefined).then(attempt);
    this.underWay.set(householdId, mine);
    try {
      return await mine;
    } finally {
      if (this.underWay.get(householdId) === mine) this.underWay.delete(householdId);
    }
  }
}
