import type { DisclosurePeriod } from './period';

/* What a disclosure report shows (figures.ts computes it from the event log). */

/** Whose money a disclosure shows: the whole platform, or one programme's gifts and region. */
export type DisclosureScope = { kind: 'platform' } | { kind: 'programme'; programmeId: string };

/** Claims paid in one peril (a claim's kind, or the declared peril of a parametric claim). */
export interface PerilClaims {
  peril: string;
  count: number;
  amount: number;
}

/**
 * One currency's money, in integer minor units (fen). The flows are what moved during the period;
 * `held` and `awaitingPolicyIssue` are balances at its end. A scope's escrow always satisfies
 * held = received - allocatedToPremiums + premiumRefundsCredited - refunded (summed from the start).
 */
export interface DisclosureMoney {
  currency: string;
  /** Gifts pledged in the period (paid or not). */
  pledged: number;
  /** Pledges that lapsed unpaid or were withdrawn in the period: no money moved. */
  pledgesLapsed: number;
  giftsReceived: number;
  received: number;
  allocatedToPremiums: number;
  /** Premium that reached insurers, net of unearned premium they returned on cancellation. */
  paidToInsurers: number;
  /** Unearned premium of cancelled policies credited back into the gifts' escrow. */
  premiumRefundsCredited: number;
  refunded: number;
  /** Claims paid to households: the part the scope's gifts funded (all of it for the platform). */
  claimsPaid: { count: number; amount: number; byPeril: PerilClaims[] };
  /** Costs of running the platform charged to gifts: zero, as no event records any. */
  overhead: number;
  /** Balance at the period's end: allocated premium whose policy is not issued yet. */
  awaitingPolicyIssue: number;
  /** Balance at the period's end: received and not used, by what happens to it. */
  held: { total: number; keptForNextPremium: number; toBeRefunded: number };
}

export interface RegionCoverage {
  regionCode: string;
  eligible: number;
  covered: number;
  uncovered: number;
  /** covered / eligible in basis points, rounded down (0 when none is eligible). */
  coverageRateBasisPoints: number;
}

/** Eligible households and cover at the period's end, counted from the events (codes only). */
export interface DisclosureHouseholds {
  /** The region counted: the programme's, or '' for every region of the platform. */
  regionCode: string;
  /** The product whose policies count as cover: the programme's, or null (any product) for the platform. */
  productId: string | null;
  eligible: number;
  covered: number;
  uncoveredEligible: number;
  coverageRateBasisPoints: number;
  /** Households with a policy in force the scope's gifts helped pay. */
  coveredByTheseGifts: number;
  /** The region's direct subdivisions (the platform's: counties). */
  byRegion: RegionCoverage[];
}

export interface DisclosureFigures {
  computation: number;
  scope: DisclosureScope & { name: string | null; regionCode: string | null; productId: string | null };
  period: DisclosurePeriod;
  /** How many events of the log (its first `eventsRead`) the figures were computed from. */
  eventsRead: number;
  money: DisclosureMoney[];
  households: DisclosureHouseholds;
}
