import { createHash } from 'node:crypto';
import { sealPersonalData } from '@pangolin/application';
import { policyIdFor, type Contribution, type HouseholdCategory, type HouseholdPersonalData, type Money, type PangolinEvent } from '@pangolin/domain';
import type { HouseholdKeys } from '../households/households.projection';

/**
 * A small history of county 440305, used by every read-model test. Amounts in fen (CNY).
 *
 * - Town 440305001: hh-1 and hh-2 in village 440305001001, hh-3 in village 440305001002.
 *   Town 440305002: hh-4 (never verified) and hh-5 in village 440305002001.
 *   Verification order: hh-1, hh-2, hh-5, hh-3.
 * - Insurer ins-1 publishes prod-1: 50 yuan a year for 20 000 yuan of cover, policies 2024-01-01..2024-12-31.
 * - gift-1 (donor-a, 5 000 for hh-1) pays hh-1's premium; claim-1 (250 000) is paid on that policy.
 * - gift-2 (donor-b, 12 000 through prog-1 in town 440305001) pays hh-2 and hh-3 and holds 2 000;
 *   hh-3's policy is cancelled on 2024-07-01 and its unearned 2 507 comes back to gift-2.
 * - gift-3 (donor-c, 3 000 for hh-3) starts hh-3's second round: 3 000 of 5 000 funded.
 * - gift-4 (donor-a, 1 000 for hh-1, already covered) is refunded.
 * - gift-5 (donor-e, 700 through prog-1) is pledged and never paid.
 * - On hh-2's policy claim-2 is rejected and claim-3 approved (unpaid); on hh-1's claim-4 waits.
 */
export const REGION = { county: '440305', town1: '440305001', town2: '440305002', village11: '440305001001', village12: '440305001002', village21: '440305002001' };
export const INSURER = 'ins-1';
export const PRODUCT = 'prod-1';
export const PROGRAMME = 'prog-1';
export const PREMIUM = 5_000;
export const policyOf = (householdId: string, round = 1) => policyIdFor(householdId, PRODUCT, round);
export const householdCode = (householdId: string) => ({ 'hh-1': 'HH-440305001001-AAAA', 'hh-2': 'HH-440305001001-BBBB', 'hh-3': 'HH-440305001002-CCCC', 'hh-4': 'HH-440305002001-DDDD', 'hh-5': 'HH-440305002001-EEEE' })[householdId]!;

const cny = (amount: number): Money => ({ amount, currency: 'CNY' });
const at = (date: string, time = '09:00:00') => `${date}T${time}.000Z`;

/** The plain personal data of a story household: what the personal views show while it is not erased. */
export function storyPersonalData(householdId: string, villageCode: string): HouseholdPersonalData {
  return { headName: `Head of ${householdId}`, headNationalId: `ID-${householdId}`, members: [{ name: `Member of ${householdId}`, relation: 'spouse' }], address: `Road 1, ${villageCode}` };
}

/**
 * The key a story household's personal data are sealed under, derived from its id so every test
 * module agrees on it (test data only: real keys are random, see HouseholdKeyVault in
 * @pangolin/records). The households projection finds them through storyHouseholdKeys.
 */
export function storyHouseholdKey(householdId: string): Buffer {
  return createHash('sha256').update(`pangolin story key\u001f${householdId}`).digest();
}

/** The households projection's key source in tests: every household's story key (storyHouseholdKey). */
export const storyHouseholdKeys: HouseholdKeys = {
  keysOf: async (householdIds) => new Map(householdIds.map((householdId) => [householdId, storyHouseholdKey(householdId)])),
};

function registered(householdId: string, villageCode: string, category: HouseholdCategory, size: number): PangolinEvent {
  return {
    type: 'HouseholdRegistered',
    data: {
      householdId,
      householdCode: householdCode(householdId),
      villageCode,
      registeredBy: REGION.county,
      category,
      size,
      personal: sealPersonalData(storyPersonalData(householdId, villageCode), storyHouseholdKey(householdId), householdId),
      registeredAt: at('2023-12-01'),
    },
  };
}

function verified(householdId: string, category: HouseholdCategory): PangolinEvent {
  return { type: 'HouseholdEligibilityVerified', data: { householdId, category, verifiedBy: REGION.county, verifiedAt: at('2023-12-02') } };
}

function pledged(giftId: string, donorId: string, amount: number, target: 'programme' | string, remainder: 'hold' | 'refund'): PangolinEvent {
  return {
    type: 'GiftPledged',
    data: {
      giftId,
      donorId,
      amount: cny(amount),
      target: target === 'programme' ? { kind: 'programme', programmeId: PROGRAMME, regionCode: REGION.town1, productId: PRODUCT } : { kind: 'household', householdId: target, productId: PRODUCT },
      remainder,
      pledgedAt: at('2023-12-10'),
    },
  };
}

function paid(giftId: string, donorId: string, amount: number): PangolinEvent {
  return { type: 'GiftPaymentConfirmed', data: { giftId, donorId, paymentReference: `BANK-${giftId}`, amount: cny(amount), confirmedAt: at('2023-12-11') } };
}

/** A whole premium paid from one gift: contribution, allocation, funding complete, policy requested and issued. */
function fullyFundedAndIssued(giftId: string, householdId: string, policyNumber: string, requestedAt: string): PangolinEvent[] {
  const policyId = policyOf(householdId);
  const contributions: Contribution[] = [{ giftId, amount: PREMIUM }];
  return [
    { type: 'PremiumContributionAccepted', data: { householdId, productId: PRODUCT, round: 1, policyId, contributionId: `contribution-${householdId}-1`, giftId, amount: cny(PREMIUM), fundedTotal: cny(PREMIUM), premium: cny(PREMIUM), productVersion: 1, acceptedAt: at('2023-12-12') } },
    { type: 'GiftAllocated', data: { giftId, allocationId: `allocation-${householdId}-1`, householdId, productId: PRODUCT, policyId, amount: cny(PREMIUM), allocatedAt: at('2023-12-12') } },
    { type: 'PremiumFullyFunded', data: { householdId, productId: PRODUCT, productVersion: 1, round: 1, policyId, premium: cny(PREMIUM), contributions, fundedAt: at('2023-12-12') } },
    {
      type: 'PolicyRequested',
      data: { policyId, householdId, productId: PRODUCT, productVersion: 1, insurerId: INSURER, premium: cny(PREMIUM), sumInsured: cny(2_000_000), waitingPeriodDays: 30, termDays: 365, contributions, requestedAt },
    },
    { type: 'PolicyIssued', data: { policyId, householdId, insurerId: INSURER, policyNumber, startDate: '2024-01-01', endDate: '2024-12-31', premium: cny(PREMIUM), contributions, issuedAt: at('2023-12-20') } },
  ];
}

export const storyEvents: PangolinEvent[] = [
  registered('hh-1', REGION.village11, 'low-income', 4),
  registered('hh-2', REGION.village11, 'elderly-alone', 2),
  registered('hh-3', REGION.village12, 'disabled', 3),
  registered('hh-4', REGION.village21, 'low-income', 5),
  registered('hh-5', REGION.village21, 'orphan', 1),
  verified('hh-1', 'low-income'),
  verified('hh-2', 'elderly-alone'),
  verified('hh-5', 'orphan'),
  verified('hh-3', 'disabled'),
  {
    type: 'ProductPublished',
    data: {
      productId: PRODUCT,
      insurerId: INSURER,
      version: 1,
      terms: { name: 'Rural accident and illness cover', coverageKind: 'accident-illness', annualPremium: cny(PREMIUM), sumInsured: cny(2_000_000), waitingPeriodDays: 30, termDays: 365 },
      publishedAt: at('2023-11-01'),
    },
  },
  { type: 'ProgrammeLaunched', data: { programmeId: PROGRAMME, name: 'Nanshan town cover 2024', regionCode: REGION.town1, productId: PRODUCT, launchedBy: REGION.county, launchedAt: at('2023-11-15') } },

  pledged('gift-1', 'donor-a', 5_000, 'hh-1', 'refund'),
  paid('gift-1', 'donor-a', 5_000),
  ...fullyFundedAndIssued('gift-1', 'hh-1', 'POL-0001', at('2023-12-13', '09:00:00')),

  pledged('gift-2', 'donor-b', 12_000, 'programme', 'hold'),
  paid('gift-2', 'donor-b', 12_000),
  ...fullyFundedAndIssued('gift-2', 'hh-2', 'POL-0002', at('2023-12-13', '10:00:00')),
  ...fullyFundedAndIssued('gift-2', 'hh-3', 'POL-0003', at('2023-12-13', '11:00:00')),
  { type: 'GiftRemainderHeld', data: { giftId: 'gift-2', amount: cny(2_000), reason: 'no uncovered household left in the region', heldAt: at('2023-12-21') } },

  pledged('gift-4', 'donor-a', 1_000, 'hh-1', 'refund'),
  paid('gift-4', 'donor-a', 1_000),
  { type: 'GiftRemainderRefunded', data: { giftId: 'gift-4', donorId: 'donor-a', amount: cny(1_000), reason: 'household already covered', refundedAt: at('2023-12-22') } },

  {
    type: 'ClaimFiled',
    data: {
      policyId: policyOf('hh-1'),
      claimId: 'claim-1',
      householdId: 'hh-1',
      incidentDate: '2024-03-01',
      kind: 'hospitalisation',
      amountClaimed: cny(300_000),
      evidence: ['doc-1'],
      filedBy: { role: 'government', id: REGION.county },
      filedAt: at('2024-03-05'),
    },
  },
  { type: 'ClaimApproved', data: { policyId: policyOf('hh-1'), claimId: 'claim-1', approvedAmount: cny(250_000), inFull: false, approvedBy: 'assessor-1', approvedAt: at('2024-03-10') } },
  {
    type: 'ClaimPaid',
    data: { policyId: policyOf('hh-1'), claimId: 'claim-1', householdId: 'hh-1', insurerId: INSURER, amount: cny(250_000), payoutReference: 'PAYOUT-1', fundedBy: [{ giftId: 'gift-1', amount: PREMIUM }], paidAt: at('2024-03-12') },
  },
  {
    type: 'ClaimFiled',
    data: { policyId: policyOf('hh-2'), claimId: 'claim-2', householdId: 'hh-2', incidentDate: '2024-01-10', kind: 'illness', amountClaimed: cny(10_000), evidence: [], filedBy: { role: 'insurer', id: INSURER }, filedAt: at('2024-01-15') },
  },
  { type: 'ClaimRejected', data: { policyId: policyOf('hh-2'), claimId: 'claim-2', reason: 'incident within the waiting period', rejectedBy: 'assessor-1', rejectedAt: at('2024-01-20') } },
  {
    type: 'ClaimFiled',
    data: { policyId: policyOf('hh-2'), claimId: 'claim-3', householdId: 'hh-2', incidentDate: '2024-05-01', kind: 'accident', amountClaimed: cny(20_000), evidence: ['doc-3'], filedBy: { role: 'government', id: REGION.county }, filedAt: at('2024-05-03') },
  },
  { type: 'ClaimApproved', data: { policyId: policyOf('hh-2'), claimId: 'claim-3', approvedAmount: cny(20_000), inFull: true, approvedBy: 'assessor-1', approvedAt: at('2024-05-08') } },

  {
    type: 'PolicyCancelled',
    data: {
      policyId: policyOf('hh-3'),
      householdId: 'hh-3',
      insurerId: INSURER,
      reason: 'household moved away',
      wasIssued: true,
      effectiveDate: '2024-07-01',
      // 5 000 - floor(5 000 * 182 / 365) earned
      unearnedPremium: cny(2_507),
      refunds: [{ giftId: 'gift-2', amount: 2_507 }],
      cancelledAt: at('2024-07-01'),
    },
  },
  { type: 'GiftPremiumRefundCredited', data: { giftId: 'gift-2', policyId: policyOf('hh-3'), amount: cny(2_507), creditedAt: at('2024-07-01') } },

  pledged('gift-3', 'donor-c', 3_000, 'hh-3', 'refund'),
  paid('gift-3', 'donor-c', 3_000),
  {
    type: 'PremiumContributionAccepted',
    data: { householdId: 'hh-3', productId: PRODUCT, round: 2, policyId: policyOf('hh-3', 2), contributionId: 'contribution-hh-3-2', giftId: 'gift-3', amount: cny(3_000), fundedTotal: cny(3_000), premium: cny(PREMIUM), productVersion: 1, acceptedAt: at('2024-07-10') },
  },
  { type: 'GiftAllocated', data: { giftId: 'gift-3', allocationId: 'allocation-hh-3-2', householdId: 'hh-3', productId: PRODUCT, policyId: policyOf('hh-3', 2), amount: cny(3_000), allocatedAt: at('2024-07-10') } },

  pledged('gift-5', 'donor-e', 700, 'programme', 'hold'),

  {
    type: 'ClaimFiled',
    data: { policyId: policyOf('hh-1'), claimId: 'claim-4', householdId: 'hh-1', incidentDate: '2024-08-01', kind: 'illness', amountClaimed: cny(5_000), evidence: ['doc-4'], filedBy: { role: 'government', id: REGION.county }, filedAt: at('2024-08-02') },
  },
];
