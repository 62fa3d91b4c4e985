import { HouseholdCategory, HouseholdPersonalData } from './events';

/** A local government registers a household in one of its villages. */
export type RegisterHousehold = {
  type: 'RegisterHousehold';
  data: {
    householdId: string;
    householdCode: string;
    /** 12-digit village code. */
    villageCode: string;
    /** Region code of the registering government; the village must lie inside it. */
    registrarRegion: string;
    category: HouseholdCategory;
    personal: HouseholdPersonalData;
    /** nationalIdDigest of every national ID in `personal`: what erasure releases (the numbers themselves are sealed). */
    nationalIdDigests: string[];
    now: string;
  };
};

/** A government confirms (or changes) the category a household is eligible under. */
export type VerifyEligibility = {
  type: 'VerifyEligibility';
  data: { householdId: string; category: HouseholdCategory; verifierRegion: string; now: string };
};

export type RevokeEligibility = {
  type: 'RevokeEligibility';
  data: { householdId: string; reason: string; revokerRegion: string; now: string };
};

/**
 * The registering government erases a household's personal data (its key is destroyed). The reason
 * is recorded in the log for good, so it must not itself contain personal data.
 */
export type EraseHouseholdPersonalData = {
  type: 'EraseHouseholdPersonalData';
  data: { householdId: string; reason: string; eraserRegion: string; now: string };
};

export type HouseholdCommand = RegisterHousehold | VerifyEligibility | RevokeEligibility | EraseHouseholdPersonalData;
