import { Conflict } from '../shared/errors';
import { deciderSpecification } from '../shared/decider-specification';
import { nationalIdWithChecksum } from './national-id';
import { nationalIdDecider, NationalIdEvent, ReserveNationalId } from './national-id-reservation.decider';

const spec = deciderSpecification(nationalIdDecider);
const now = '2026-11-24T08:00:00.000Z';
const held = { householdId: 'hh-1', householdCode: 'HH-hh-1', villageCode: '440305001001' };
const reserved: NationalIdEvent = { type: 'NationalIdReserved', data: { ...held, reservedAt: now } };
const released: NationalIdEvent = { type: 'NationalIdReleased', data: { householdId: 'hh-1', reason: 'personal data erased', releasedAt: now } };
const reserve = (householdId: string, registrarRegion = '440305', villageCode = '440305001002'): ReserveNationalId => ({
  type: 'ReserveNationalId',
  data: { field: 'personal.headNationalId', holder: { householdId, householdCode: `HH-${householdId}`, villageCode }, registrarRegion, now },
});
const release = (householdId: string) => ({ type: 'ReleaseNationalId' as const, data: { householdId, reason: 'personal data erased', now } });

describe('national ID reservation', () => {
  it('is reserved for the first household registered with it', () => spec.given([]).when(reserve('hh-1', '440305', '440305001001')).then([reserved]));

  it('stays with its household when the same registration is retried', () => spec.given([reserved]).when(reserve('hh-1', '440305', '440305001001')).thenNothingHappens());

  it('tells a government which of its own households holds the number', () =>
    spec.given([reserved]).when(reserve('hh-2')).thenThrows(Conflict, /^personal\.headNationalId: this national ID number is already registered to household HH-hh-1 \(hh-1\) in village 440305001001$/));

  it('tells a government of another region only that the number is registered elsewhere', () =>
    spec.given([reserved]).when(reserve('hh-2', '440306', '440306001001')).thenThrows(Conflict, /^personal\.headNationalId: this national ID number is already registered to a household outside your region$/));

  it('is free again once its household\'s personal data are erased', () => {
    spec.given([reserved]).when(release('hh-1')).then([released]);
    spec.given([reserved, released]).when(reserve('hh-2')).then([{ type: 'NationalIdReserved', data: { householdId: 'hh-2', householdCode: 'HH-hh-2', villageCode: '440305001002', reservedAt: now } }]);
  });

  it('is released only by its holder, once', () => {
    spec.given([reserved]).when(release('hh-2')).thenNothingHappens();
    spec.given([reserved, released]).when(release('hh-1')).thenNothingHappens();
  });
});
