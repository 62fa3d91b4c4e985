import type { SealedPersonalData } from './sealed-personal-data';

/** Eligibility categories a local government may register a household under. */
/**
 * Why a household is eligible. `subsistence-allowance` is a household on the minimum living
 * allowance (低保户), `extreme-poverty` a person supported as in extreme poverty (特困供养); see
 * docs/glossary.md.
 */
export const HOUSEHOLD_CATEGORIES = ['low-income', 'subsistence-allowance', 'extreme-poverty', 'disabled', 'elderly-alone', 'orphan', 'disaster-affected'] as const;
export type HouseholdCategory = (typeof HOUSEHOLD_CATEGORIES)[number];

/**
 * Personal data of a household. Only the registering government and the insurer of record may
 * see it; everything else shows the pseudonymous household code. Kept in one sub-object so it
 * can be encrypted (and erased) as a unit.
 */
export interface HouseholdPersonalData {
  headName: string;
  headNationalId: string;
  members: { name: string; relation: string; nationalId?: string }[];
  address: string;
}

/** Fields of HouseholdRegistered; `Personal` is the form of the personal data (see below). */
export interface HouseholdRegisteredData<Personal> {
  householdId: string;
  /** Pseudonymous public code, e.g. "HH-440305001001-7K3F". */
  householdCode: string;
  villageCode: string;
  /** The region code of the government that registered it. */
  registeredBy: string;
  category: HouseholdCategory;
  /** Head of household plus members. */
  size: number;
  personal: Personal;
  /** Keyed digests of its national IDs (their reservation streams); absent on households registered before IDs were unique. */
  nationalIdDigests?: string[];
  registeredAt: string;
}

/**
 * The household events as the event log records them and every reader sees them: the personal
 * data of a registration is sealed under the household's own key (sealed-personal-data.ts).
 */
export type HouseholdEvent =
  | { type: 'HouseholdRegistered'; data: HouseholdRegisteredData<SealedPersonalData> }
  | { type: 'HouseholdEligibilityVerified'; data: { householdId: string; category: HouseholdCategory; verifiedBy: string; verifiedAt: string } }
  | { type: 'HouseholdEligibilityRevoked'; data: { householdId: string; reason: string; revokedBy: string; revokedAt: string } }
  /** The household's key was destroyed: its personal data can no longer be read anywhere. */
  | { type: 'HouseholdPersonalDataErased'; data: { householdId: string; erasedBy: string; reason: string; erasedAt: string } };

/**
 * The household events as the decider emits them: a registration still carries the plain personal
 * data it validated. Only the event store's sealing decorator (application, personal-data/) turns
 * it into a HouseholdEvent, so plain personal data never reaches the log.
 */
export type DecidedHouseholdEvent = Exclude<HouseholdEvent, { type: 'HouseholdRegistered' }> | { type: 'HouseholdRegistered'; data: HouseholdRegisteredData<HouseholdPersonalData> };
