import { deciderSpecification } from '../shared/decider-specification';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { foldEvents } from '../shared/decider';
import { RegisterHousehold } from './commands';
import { householdDecider } from './decider';
import { DecidedHouseholdEvent, HouseholdEvent } from './events';
import { PERSONAL_DATA_SEAL, SealedPersonalData } from './sealed-personal-data';
import { nationalIdWithChecksum } from './national-id';

const spec = deciderSpecification(householdDecider);

const householdId = 'hh-1';
const villageCode = '440305001001';
const now = '2025-03-01T08:00:00.000Z';
const later = '2025-04-01T08:00:00.000Z';
const headNationalId = nationalIdWithChecksum('44030519700101001');
const childNationalId = nationalIdWithChecksum('44030520100615002');

/** What the handler computes with nationalIdDigest (a keyed digest per ID); the decider only records them. */
const nationalIdDigests = ['digest-of-head-id', 'digest-of-child-id'];

const personal = {
  headName: 'Li Wei',
  headNationalId,
  members: [
    { name: 'Li Na', relation: 'spouse' },
    { name: 'Li Ming', relation: 'child', nationalId: childNationalId },
  ],
  address: 'No. 3, Group 2, Example Village',
};

function registerCommand(overrides: Partial<RegisterHousehold['data']> = {}): RegisterHousehold {
  return {
    type: 'RegisterHousehold',
    data: { householdId, householdCode: 'HH-440305001001-7K3F', villageCode, registrarRegion: '440305', category: 'low-income', personal, nationalIdDigests, now, ...overrides },
  };
}

/** As the decider emits it; the store records it sealed (`recordedRegistration`). */
const registered: DecidedHouseholdEvent = {
  type: 'HouseholdRegistered',
  data: { householdId, householdCode: 'HH-440305001001-7K3F', villageCode, registeredBy: '440305', category: 'low-income', size: 3, personal, nationalIdDigests, registeredAt: now },
};
/** Sealed personal data as the store records them (the application seals them; the decider never opens them). */
const sealedPersonal: SealedPersonalData = { sealed: PERSONAL_DATA_SEAL, iv: 'AAAAAAAAAAAAAAAA', ciphertext: 'c2VhbGVkIGJ5IHRoZSBhcHBsaWNhdGlvbg==', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' };
const recordedRegistration: HouseholdEvent = { type: 'HouseholdRegistered', data: { ...registered.data, personal: sealedPersonal } };
const verified: HouseholdEvent = { type: 'HouseholdEligibilityVerified', data: { householdId, category: 'low-income', verifiedBy: '440305', verifiedAt: now } };
const revoked: HouseholdEvent = { type: 'HouseholdEligibilityRevoked', data: { householdId, reason: 'moved away', revokedBy: '440305', revokedAt: later } };

describe('household decider', () => {
  describe('RegisterHousehold', () => {
    it('registers a household whose size counts the head and the members', () => {
      spec.given([]).when(registerCommand()).then([registered]);
    });

    it('lets a province register a village inside it', () => {
      spec
        .given([])
        .when(registerCommand({ registrarRegion: '44', personal: { ...personal, members: [] } }))
        .then([{ type: 'HouseholdRegistered', data: { ...registered.data, registeredBy: '44', size: 1, personal: { ...personal, members: [] } } }]);
    });

    it('refuses to register the same household twice', () => {
      spec.given([registered]).when(registerCommand()).thenThrows(Conflict, /already registered/);
    });

    it('forbids registering a village outside the government region', () => {
      spec.given([]).when(registerCommand({ registrarRegion: '440306' })).thenThrows(Forbidden, /outside region 440306/);
    });

    it.each([
      ['a county code', { villageCode: '440305' }, 'villageCode'],
      ['a non-numeric village code', { villageCode: '44030500100A' }, 'villageCode'],
      ['an empty registrar region', { registrarRegion: '' }, 'registrarRegion'],
      ['an unknown category', { category: 'rich' as never }, 'category'],
      ['an empty household code', { householdCode: '' }, 'householdCode'],
      ['a blank head name', { personal: { ...personal, headName: '  ' } }, 'personal.headName'],
      ['a head ID with a wrong checksum', { personal: { ...personal, headNationalId: headNationalId.slice(0, 17) + (headNationalId[17] === '0' ? '1' : '0') } }, 'personal.headNationalId'],
      ['an empty address', { personal: { ...personal, address: '' } }, 'personal.address'],
      ['a member without a name', { personal: { ...personal, members: [{ name: '', relation: 'spouse' }] } }, 'personal.members[0].name'],
      ['a member without a relation', { personal: { ...personal, members: [{ name: 'Li Na', relation: '' }] } }, 'personal.members[0].relation'],
      ['a member with the head\'s ID', { personal: { ...personal, members: [{ name: 'Li Na', relation: 'spouse', nationalId: headNationalId }] } }, 'personal.members[0].nationalId'],
      ['a member with an invalid ID', { personal: { ...personal, members: [personal.members[0], { name: 'Li Ming', relation: 'child', nationalId: '123' }] } }, 'personal.members[1].nationalId'],
    ])('rejects %s, naming the field', (_, overrides, field) => {
      let thrown: unknown;
      try {
        householdDecider.decide(registerCommand(overrides), householdDecider.initialState());
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InvalidCommand);
      expect((thrown as InvalidCommand).field).toBe(field);
    });
  });

  describe('VerifyEligibility', () => {
    const verify = (category: 'low-income' | 'disabled', verifierRegion = '440305') =>
      ({ type: 'VerifyEligibility', data: { householdId, category, verifierRegion, now } }) as const;

    it('makes a registered household eligible', () => {
      spec.given([registered]).when(verify('low-income')).then([verified]);
    });

    it('does nothing when the household is already verified under the same category', () => {
      spec.given([registered, verified]).when(verify('low-income')).thenNothingHappens();
    });

    it('re-verifies under a different category', () => {
      spec
        .given([registered, verified])
        .when(verify('disabled'))
        .then([{ type: 'HouseholdEligibilityVerified', data: { householdId, category: 'disabled', verifiedBy: '440305', verifiedAt: now } }]);
    });

    it('verifies again after a revocation', () => {
      spec.given([registered, verified, revoked]).when(verify('low-income')).then([verified]);
    });

    it('cannot verify a household that is not registered', () => {
      spec.given([]).when(verify('low-income')).thenThrows(NotFound, /hh-1/);
    });

    it('forbids a government outside the household village', () => {
      spec.given([registered]).when(verify('low-income', '440305002')).thenThrows(Forbidden, /outside region 440305002/);
    });

    it('rejects a verifier region that is not a division code, so an empty one cannot mean everywhere', () => {
      spec.given([registered]).when(verify('low-income', '')).thenThrows(InvalidCommand, /verifierRegion/);
      spec.given([registered]).when(verify('low-income', '4403050020')).thenThrows(InvalidCommand, /verifierRegion/);
    });
  });

  describe('RevokeEligibility', () => {
    const revoke = (reason = 'moved away', revokerRegion = '440305') =>
      ({ type: 'RevokeEligibility', data: { householdId, reason, revokerRegion, now: later } }) as const;

    it('revokes the eligibility of an eligible household', () => {
      spec.given([registered, verified]).when(revoke()).then([revoked]);
    });

    it('refuses when the household is not currently eligible', () => {
      spec.given([registered]).when(revoke()).thenThrows(Conflict, /not currently eligible/);
      spec.given([registered, verified, revoked]).when(revoke()).thenThrows(Conflict, /not currently eligible/);
    });

    it('requires a reason', () => {
      spec.given([registered, verified]).when(revoke(' ')).thenThrows(InvalidCommand, /reason/);
    });

    it('cannot revoke an unknown household', () => {
      spec.given([]).when(revoke()).thenThrows(NotFound);
    });

    it('forbids a government outside the household village', () => {
      spec.given([registered, verified]).when(revoke('moved away', '440306')).thenThrows(Forbidden);
    });
  });

  describe('EraseHouseholdPersonalData', () => {
    const erase = (eraserRegion = '440305', reason = 'the household asked to be forgotten') =>
      ({ type: 'EraseHouseholdPersonalData', data: { householdId, reason, eraserRegion, now: later } }) as const;
    const erased: HouseholdEvent = { type: 'HouseholdPersonalDataErased', data: { householdId, erasedBy: '440305', reason: 'the household asked to be forgotten', erasedAt: later } };

    it('erases the personal data of a household its government registered', () => {
      spec.given([recordedRegistration]).when(erase()).then([erased]);
      spec.given([recordedRegistration, verified, revoked]).when(erase()).then([erased]);
    });

    it('refuses to erase twice', () => {
      spec.given([recordedRegistration, erased]).when(erase()).thenThrows(Conflict, /already erased/);
    });

    it('lets only the registering government erase, not a region above or below it', () => {
      spec.given([recordedRegistration]).when(erase('440305001')).thenThrows(Forbidden, /registered by region 440305/);
      spec.given([recordedRegistration]).when(erase('44')).thenThrows(Forbidden, /only that government/);
      spec.given([recordedRegistration]).when(erase('440306')).thenThrows(Forbidden, /outside region 440306/);
    });

    it('requires a reason and a division code', () => {
      spec.given([recordedRegistration]).when(erase('440305', '  ')).thenThrows(InvalidCommand, /reason/);
      spec.given([recordedRegistration]).when(erase('')).thenThrows(InvalidCommand, /eraserRegion/);
    });

    it('cannot erase an unknown household', () => {
      spec.given([]).when(erase()).thenThrows(NotFound, /hh-1/);
    });

    it('leaves the household registered, and eligible if it was', () => {
      expect(foldEvents(householdDecider, [recordedRegistration, verified, erased])).toMatchObject({ registered: true, eligible: true, personalDataErased: true });
    });
  });

  describe('state', () => {
    it('starts unregistered', () => {
      expect(householdDecider.initialState()).toEqual({ registered: false });
    });

    it('folds a registration recorded before national IDs were reserved as holding none', () => {
      const { nationalIdDigests: _none, ...older } = registered.data;
      expect(foldEvents(householdDecider, [{ type: 'HouseholdRegistered', data: older }])).toMatchObject({ registered: true, nationalIdDigests: [] });
    });

    it('folds a recorded (sealed) registration like the decided one', () => {
      expect(foldEvents(householdDecider, [recordedRegistration])).toEqual(foldEvents(householdDecider, [registered]));
    });

    it('exposes code, village, category, size and eligibility', () => {
      expect(foldEvents(householdDecider, [registered])).toEqual({
        registered: true,
        householdCode: 'HH-440305001001-7K3F',
        villageCode,
        registeredBy: '440305',
        category: 'low-income',
        size: 3,
        eligible: false,
        personalDataErased: false,
        nationalIdDigests,
      });
      const reverified: HouseholdEvent = { type: 'HouseholdEligibilityVerified', data: { householdId, category: 'disabled', verifiedBy: '44', verifiedAt: later } };
      expect(foldEvents(householdDecider, [registered, verified, reverified])).toMatchObject({ category: 'disabled', eligible: true });
      expect(foldEvents(householdDecider, [registered, verified, revoked])).toMatchObject({ category: 'low-income', eligible: false });
    });
  });
});
