import { Money } from '../shared/money';
import { PolicyRequestTerms } from './events';

/**
 * Process manager: offer part of a gift towards a household's premium for a product. The caller
 * reads the product and household and passes what it saw; idempotent per contributionId.
 */
export type Contribute = {
  type: 'Contribute';
  data: {
    householdId: string;
    productId: string;
    contributionId: string;
    giftId: string;
    offered: Money;
    /** The product's current version; a round already begun keeps the version and premium it began with. */
    product: { version: number; premium: Money; insurerId: string };
    householdEligible: boolean;
    productRetired: boolean;
    now: string;
  };
};

/** Process manager: the policy of `round` has ended (expired or cancelled), so funding opens for the next round. */
export type Reopen = {
  type: 'Reopen';
  data: { householdId: string; productId: string; round: number; reason: string; now: string };
};

export type PremiumFundingCommand = Contribute | Reopen;

/** Process manager: a fully funded round becomes a policy request to the insurer. Idempotent. */
export type RequestPolicy = {
  type: 'RequestPolicy';
  data: PolicyRequestTerms & {
    /** When the premium was fully funded (PremiumFullyFunded.fundedAt): cover may not start before that day. */
    fundedAt: string;
    now: string;
  };
};

/**
 * The insurer issues the requested policy; `insurerId` is the acting insurer. Cover may start on the
 * day the premium was funded or up to `startWindowDays` later (POLICY_START_WINDOW_DAYS), never
 * before: a policy back-dated before its premium was paid would cover what happened before anyone paid.
 */
export type IssuePolicy = {
  type: 'IssuePolicy';
  data: { policyId: string; insurerId: string; policyNumber: string; startDate: string; startWindowDays: number; now: string };
};

/** The insurer, or an administrator (`insurerId: null`), cancels a policy from `effectiveDate` on. */
export type CancelPolicy = {
  type: 'CancelPolicy';
  data: { policyId: string; insurerId: string | null; reason: string; effectiveDate: string; now: string };
};

/** Scheduler, insurer or admin: an active policy whose last day of cover is before today (the date of `now`, the server's clock) expires. Idempotent. */
export type ExpirePolicy = {
  type: 'ExpirePolicy';
  data: { policyId: string; now: string };
};

export type PolicyCommand = RequestPolicy | IssuePolicy | CancelPolicy | ExpirePolicy;
