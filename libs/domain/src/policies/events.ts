import { Money } from '../shared/money';

export interface Contribution {
  giftId: string;
  amount: number;
}

/**
 * Premium funding stream, one per (household, product): gathers contributions for the next
 * policy round until the premium is fully funded. Each round's policy id is known in advance
 * (see policyIdFor), so allocations can name the policy they pay for.
 */
export type PremiumFundingEvent =
  | {
      type: 'PremiumContributionAccepted';
      data: {
        householdId: string;
        productId: string;
        round: number;
        policyId: string;
        contributionId: string;
        giftId: string;
        amount: Money;
        fundedTotal: Money;
        premium: Money;
        /** The product version the round is written on: with the premium, fixed by the round's first contribution. */
        productVersion: number;
        acceptedAt: string;
      };
    }
  | {
      type: 'PremiumContributionDeclined';
      data: { householdId: string; productId: string; contributionId: string; giftId: string; offered: Money; reason: string; declinedAt: string };
    }
  | {
      type: 'PremiumFullyFunded';
      data: {
        householdId: string;
        productId: string;
        productVersion: number;
        round: number;
        policyId: string;
        premium: Money;
        contributions: Contribution[];
        fundedAt: string;
      };
    }
  | { type: 'PremiumFundingReopened'; data: { householdId: string; productId: string; round: number; reason: string; reopenedAt: string } };

/** What a policy is requested on: the household, the product's terms at its version, and the gifts that paid the premium. */
export interface PolicyRequestTerms {
  policyId: string;
  householdId: string;
  productId: string;
  productVersion: number;
  insurerId: string;
  premium: Money;
  sumInsured: Money;
  waitingPeriodDays: number;
  termDays: number;
  contributions: Contribution[];
}

/** Policy stream: one policy's life (requested -> active -> expired | cancelled); its claims live in the same stream. */
export type PolicyEvent =
  | {
      type: 'PolicyRequested';
      data: PolicyRequestTerms & {
        /** When the premium was fully funded; absent on policies requested before it was recorded (requestedAt stands in). */
        fundedAt?: string;
        requestedAt: string;
      };
    }
  | {
      type: 'PolicyIssued';
      data: {
        policyId: string;
        householdId: string;
        insurerId: string;
        policyNumber: string;
        startDate: string;
        endDate: string;
        premium: Money;
        contributions: Contribution[];
        issuedAt: string;
      };
    }
  | {
      type: 'PolicyCancelled';
      data: {
        policyId: string;
        householdId: string;
        insurerId: string;
        reason: string;
        /** Whether the premium had reached the insurer (refunds then come from the insurer). */
        wasIssued: boolean;
        effectiveDate: string;
        unearnedPremium: Money;
        refunds: Contribution[];
        cancelledAt: string;
      };
    }
  | { type: 'PolicyExpired'; data: { policyId: string; householdId: string; productId: string; endDate: string; expiredAt: string } };
