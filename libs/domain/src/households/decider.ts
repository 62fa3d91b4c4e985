import { Decider } from '../shared/decider';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { assertRegionCode, regionContains } from '../shared/region-code';
import { assertText } from '../shared/text';
import { EraseHouseholdPersonalData, HouseholdCommand, RegisterHousehold, RevokeEligibility, VerifyEligibility } from './commands';
import { DecidedHouseholdEvent, HOUSEHOLD_CATEGORIES, HouseholdCategory, HouseholdEvent, HouseholdPersonalData } from './events';
import { isValidNationalId } from './national-id';

/**
 * A registered household is not yet eligible: registration records who the household is,
 * verification is the government's separate confirmation that it qualifies for gifts.
 */
export type HouseholdState =
  | { registered: false }
  | {
      registered: true;
      householdCode: string;
      villageCode: string;
      registeredBy: string;
      category: HouseholdCategory;
      size: number;
      eligible: boolean;
      personalDataErased: boolean;
      /** The national ID reservations it holds until its personal data are erased. */
      nationalIdDigests: string[];
    };
type RegisteredHousehold = Extract<HouseholdState, { registered: true }>;

function decide(command: HouseholdCommand, state: HouseholdState): DecidedHouseholdEvent[] {
  switch (command.type) {
    case 'RegisterHousehold':
      return register(command.data, state);
    case 'VerifyEligibility':
      return verify(command.data, state);
    case 'RevokeEligibility':
      return revoke(command.data, state);
    case 'EraseHouseholdPersonalData':
      return erase(command.data, state);
  }
}

/** Never reads the personal data: it folds decided (plain) and recorded (sealed) registrations alike. */
function evolve(state: HouseholdState, event: DecidedHouseholdEvent | HouseholdEvent): HouseholdState {
  switch (event.type) {
    case 'HouseholdRegistered': {
      const { householdCode, villageCode, registeredBy, category, size, nationalIdDigests = [] } = event.data;
      return { registered: true, householdCode, villageCode, registeredBy, category, size, eligible: false, personalDataErased: false, nationalIdDigests };
    }
    case 'HouseholdEligibilityVerified':
      return state.registered ? { ...state, category: event.data.category, eligible: true } : state;
    case 'HouseholdEligibilityRevoked':
      return state.registered ? { ...state, eligible: false } : state;
    case 'HouseholdPersonalDataErased':
      return state.registered ? { ...state, personalDataErased: true } : state;
  }
}

export const householdDecider: Decider<HouseholdCommand, HouseholdState, DecidedHouseholdEvent, HouseholdEvent> = {
  decide,
  evolve,
  initialState: () => ({ registered: false }),
};

function register(command: RegisterHousehold['data'], state: HouseholdState): DecidedHouseholdEvent[] {
  const { householdId, householdCode, villageCode, registrarRegion, category, personal, nationalIdDigests, now } = command;
  assertText(householdCode, 'householdCode');
  assertRegionCode(villageCode, 'villageCode', 'village');
  assertRegionCode(registrarRegion, 'registrarRegion');
  assertCategory(category, 'category');
  assertPersonalData(personal);
  if (!regionContains(registrarRegion, villageCode)) throw new Forbidden(`village ${villageCode} is outside region ${registrarRegion}`, 'region.outside-yours', { regionCode: villageCode, yourRegion: registrarRegion });
  if (state.registered) throw new Conflict(`household ${householdId} is already registered`, 'household.already-registered');
  const size = 1 + personal.members.length;
  return [{ type: 'HouseholdRegistered', data: { householdId, householdCode, villageCode, registeredBy: registrarRegion, category, size, personal, nationalIdDigests, registeredAt: now } }];
}

function verify(command: VerifyEligibility['data'], state: HouseholdState): DecidedHouseholdEvent[] {
  const { householdId, category, verifierRegion, now } = command;
  assertCategory(category, 'category');
  const household = inScope(householdId, state, verifierRegion, 'verifierRegion');
  if (household.eligible && household.category === category) return [];
  return [{ type: 'HouseholdEligibilityVerified', data: { householdId, category, verifiedBy: verifierRegion, verifiedAt: now } }];
}

function revoke(command: RevokeEligibility['data'], state: HouseholdState): DecidedHouseholdEvent[] {
  const { householdId, reason, revokerRegion, now } = command;
  assertText(reason, 'reason');
  const household = inScope(householdId, state, revokerRegion, 'revokerRegion');
  if (!household.eligible) throw new Conflict(`household ${householdId} is not currently eligible`, 'household.not-eligible');
  return [{ type: 'HouseholdEligibilityRevoked', data: { householdId, reason, revokedBy: revokerRegion, revokedAt: now } }];
}

/**
 * Only the government that registered the household (its exact region, not a region above or
 * below it) answers for its personal data, so only it may erase them; erasing is final.
 */
function erase(command: EraseHouseholdPersonalData['data'], state: HouseholdState): DecidedHouseholdEvent[] {
  const { householdId, reason, eraserRegion, now } = command;
  assertText(reason, 'reason');
  const household = inScope(householdId, state, eraserRegion, 'eraserRegion');
  if (household.registeredBy !== eraserRegion) throw new Forbidden(`household ${householdId} was registered by region ${household.registeredBy}; only that government may erase its personal data`, 'household.erase-by-registrar', { regionCode: household.registeredBy });
  if (household.personalDataErased) throw new Conflict(`the personal data of household ${householdId} are already erased`, 'household.already-erased');
  return [{ type: 'HouseholdPersonalDataErased', data: { householdId, erasedBy: eraserRegion, reason, erasedAt: now } }];
}

/** The registered household, provided the acting government's region contains its village. */
function inScope(householdId: string, state: HouseholdState, actorRegion: string, actorRegionField: string): RegisteredHousehold {
  // An empty region would be a prefix of every code, so the actor's region is checked first.
  assertRegionCode(actorRegion, actorRegionField);
  if (!state.registered) throw new NotFound(`household ${householdId}`);
  if (!regionContains(actorRegion, state.villageCode)) throw new Forbidden(`household ${householdId} is outside region ${actorRegion}`, 'household.outside-region', { yourRegion: actorRegion });
  return state;
}

function assertPersonalData(personal: HouseholdPersonalData): void {
  assertText(personal.headName, 'personal.headName');
  personal.members.forEach((member, i) => {
    assertText(member.name, `personal.members[${i}].name`);
    assertText(member.relation, `personal.members[${i}].relation`);
  });
  const seen = new Map<string, string>();
  for (const { field, nationalId } of nationalIdsOf(personal)) {
    assertNationalId(nationalId, field);
    const first = seen.get(nationalId);
    if (first) throw new InvalidCommand(field, `must differ from ${first}: one person, one household member`);
    seen.set(nationalId, field);
  }
  assertText(personal.address, 'personal.address');
}

/** Every national ID a registration carries, with the field it stands in: the head's, then the members' that have one. */
export function nationalIdsOf(personal: HouseholdPersonalData): { field: string; nationalId: string }[] {
  const ids = [{ field: 'personal.headNationalId', nationalId: personal.headNationalId }];
  personal.members.forEach((member, i) => {
    if (member.nationalId !== undefined) ids.push({ field: `personal.members[${i}].nationalId`, nationalId: member.nationalId });
  });
  return ids;
}

function assertNationalId(value: string, field: string): void {
  if (!isValidNationalId(value)) {
    throw new InvalidCommand(field, 'must be an 18-character resident ID number with a valid birth date and check character');
  }
}

function assertCategory(value: string, field: string): void {
  if (!(HOUSEHOLD_CATEGORIES as readonly string[]).includes(value)) throw new InvalidCommand(field, `must be one of ${HOUSEHOLD_CATEGORIES.join(', ')}`);
}
