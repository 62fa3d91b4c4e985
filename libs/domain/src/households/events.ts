/** Eligibility categories a local government may register a household under. */
export const HOUSEHOLD_CATEGORIES = ['low-income', 'disabled', 'elderly-alone', 'orphan', 'disaster-affected'] as const;
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

export type HouseholdEvent =
  | {
      type: 'HouseholdRegistered';
      data: {
        householdId: string;
        /** Pseudonymous public code, e.g. "HH-440305001001-7K3F". */
        householdCode: string;
        villageCode: string;
        /** The region code of the government that registered it. */
        registeredBy: string;
        category: HouseholdCategory;
        /** Head of household plus members. */
        size: number;
        personal: HouseholdPersonalData;
        registeredAt: string;
      };
    }
  | { type: 'HouseholdEligibilityVerified'; data: { householdId: string; category: HouseholdCategory; verifiedBy: string; verifiedAt: string } }
  | { type: 'HouseholdEligibilityRevoked'; data: { householdId: string; reason: string; revokedBy: string; revokedAt: string } };
