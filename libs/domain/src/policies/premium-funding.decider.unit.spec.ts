import { foldEvents } from '../shared/decider';
import { deciderSpecification } from '../shared/decider-specification';
import { Conflict, InvalidCommand } from '../shared/errors';
import { policyIdFor } from '../shared/ids';
import { money, Money } from '../shared/money';
import { Contribute } from './commands';
import { PremiumFundingEvent } from './events';
import { contributionOutcome, premiumFundingDecider, remainingPremium } from './premium-funding.decider';

const spec = deciderSpecification(premiumFundingDecider);
const now = '2025-03-01T08:00:00.000Z';
const cny = (amount: number) => money(amount, 'CNY');
const householdId = 'hh-1';
const productId = 'prod-1';
const premium = cny(5_000);
const policy1 = policyIdFor(householdId, productId, 1);

const contribute = (contributionId: string, giftId: string, offered: number, overrides: Partial<Contribute['data']> = {}): Contribute => ({
  type: 'Contribute',
  data: {
    householdId, productId, contributionId, giftId, offered: cny(offered),
    product: { version: 1, premium, insurerId: 'ins-1' },
    householdEligible: true, productRetired: false, now,
    ...overrides,
  },
});
const accepted = (contributionId: string, giftId: string, amount: number, fundedTotal: number, round = 1, productVersion = 1, roundPremium = premium): PremiumFundingEvent => ({
  type: 'PremiumContributionAccepted',
  data: {
    householdId, productId, round, policyId: policyIdFor(householdId, productId, round), contributionId, giftId,
    amount: cny(amount), fundedTotal: cny(fundedTotal), premium: roundPremium, productVersion, acceptedAt: now,
  },
});
const fullyFunded = (contributions: { giftId: string; amount: number }[], round = 1): PremiumFundingEvent => ({
  type: 'PremiumFullyFunded',
  data: { householdId, productId, productVersion: 1, round, policyId: policyIdFor(householdId, productId, round), premium, contributions, fundedAt: now },
});
const declined = (contributionId: string, giftId: string, offered: Money, reason: string): PremiumFundingEvent => ({
  type: 'PremiumContributionDeclined',
  data: { householdId, productId, contributionId, giftId, offered, reason, declinedAt: now },
});
const reopened = (round: number): PremiumFundingEvent => ({ type: 'PremiumFundingReopened', data: { householdId, productId, round, reason: 'policy expired', reopenedAt: now } });
const fundedRound1 = [accepted('c-1', 'gift-a', 5_000, 5_000), fullyFunded([{ giftId: 'gift-a', amount: 5_000 }])];

describe('premium funding decider', () => {
  describe('Contribute', () => {
    it('accepts part of the premium for round 1, naming its policy in advance', () =>
      spec.given([]).when(contribute('c-1', 'gift-a', 2_000)).then([accepted('c-1', 'gift-a', 2_000, 2_000)]));

    it('accepts only what the premium still needs and reports it fully funded, per gift in first-contribution order', () =>
      spec
        .given([accepted('c-1', 'gift-a', 2_000, 2_000), accepted('c-2', 'gift-b', 1_000, 3_000), accepted('c-3', 'gift-a', 1_000, 4_000)])
        .when(contribute('c-4', 'gift-b', 9_000))
        .then([
          accepted('c-4', 'gift-b', 1_000, 5_000),
          fullyFunded([
            { giftId: 'gift-a', amount: 3_000 },
            { giftId: 'gift-b', amount: 2_000 },
          ]),
        ]));

    it('ignores a contribution it has already decided, accepted or declined', () => {
      spec.given([accepted('c-1', 'gift-a', 2_000, 2_000)]).when(contribute('c-1', 'gift-a', 2_000)).thenNothingHappens();
      spec.given([declined('c-1', 'gift-a', cny(2_000), 'x')]).when(contribute('c-1', 'gift-a', 2_000)).thenNothingHappens();
      spec.given(fundedRound1).when(contribute('c-1', 'gift-a', 5_000)).thenNothingHappens();
    });

    it('declines for a household that is not eligible', () =>
      spec
        .given([])
        .when(contribute('c-1', 'gift-a', 2_000, { householdEligible: false }))
        .then([declined('c-1', 'gift-a', cny(2_000), 'household hh-1 is not verified eligible')]));

    it('declines for a retired product', () =>
      spec.given([]).when(contribute('c-1', 'gift-a', 2_000, { productRetired: true })).then([declined('c-1', 'gift-a', cny(2_000), 'product prod-1 is retired')]));

    it('declines another currency', () =>
      spec
        .given([])
        .when(contribute('c-1', 'gift-a', 2_000, { offered: money(2_000, 'USD') }))
        .then([declined('c-1', 'gift-a', money(2_000, 'USD'), 'offered currency USD differs from the premium currency CNY')]));

    it('declines once the round is fully funded, the household being covered', () =>
      spec
        .given(fundedRound1)
        .when(contribute('c-2', 'gift-b', 1_000))
        .then([declined('c-2', 'gift-b', cny(1_000), 'the premium of round 1 is already fully funded: the household is covered until its policy ends')]));

    it('keeps the premium and version the round began with when the product is revised', () =>
      spec
        .given([accepted('c-1', 'gift-a', 2_000, 2_000)])
        .when(contribute('c-2', 'gift-b', 9_000, { product: { version: 2, premium: cny(8_000), insurerId: 'ins-1' } }))
        .then([accepted('c-2', 'gift-b', 3_000, 5_000), fullyFunded([{ giftId: 'gift-a', amount: 2_000 }, { giftId: 'gift-b', amount: 3_000 }])]));

    it('funds the next round, with its own policy and the current product terms, after a reopen', () =>
      spec
        .given([...fundedRound1, reopened(2)])
        .when(contribute('c-2', 'gift-b', 1_000, { product: { version: 2, premium: cny(6_000), insurerId: 'ins-1' } }))
        .then([accepted('c-2', 'gift-b', 1_000, 1_000, 2, 2, cny(6_000))]));

    it('requires a positive offer', () => spec.given([]).when(contribute('c-1', 'gift-a', -5)).thenThrows(InvalidCommand, /^offered\.amount/));
  });

  describe('Reopen', () => {
    const reopen = (round: number) => ({ type: 'Reopen' as const, data: { householdId, productId, round, reason: 'policy expired', now } });

    it('opens the next round when the current round is funded', () => spec.given(fundedRound1).when(reopen(1)).then([reopened(2)]));

    it('does nothing when already reopened past that round', () => spec.given([...fundedRound1, reopened(2)]).when(reopen(1)).thenNothingHappens());

    it('refuses a round that is not fully funded', () => spec.given([accepted('c-1', 'gift-a', 2_000, 2_000)]).when(reopen(1)).thenThrows(Conflict, /not fully funded/));

    it('refuses a round that has not begun', () => spec.given(fundedRound1).when(reopen(2)).thenThrows(Conflict, /round 2 has not begun/));
  });

  describe('helpers', () => {
    it('remainingPremium is what the round still needs, the product premium before it begins, 0 once funded', () => {
      expect(remainingPremium(premiumFundingDecider.initialState(), cny(7_000))).toBe(7_000);
      expect(remainingPremium(foldEvents(premiumFundingDecider, [accepted('c-1', 'gift-a', 2_000, 2_000)]), cny(7_000))).toBe(3_000);
      expect(remainingPremium(foldEvents(premiumFundingDecider, fundedRound1), cny(7_000))).toBe(0);
      expect(remainingPremium(foldEvents(premiumFundingDecider, [...fundedRound1, reopened(2)]), cny(7_000))).toBe(7_000);
    });

    it('contributionOutcome tells a retrying caller what was accepted, and for which policy', () => {
      const state = foldEvents(premiumFundingDecider, [accepted('c-1', 'gift-a', 5_000, 5_000), declined('c-2', 'gift-b', cny(100), 'covered')]);
      expect(contributionOutcome(state, 'c-1')).toEqual({ accepted: true, round: 1, policyId: policy1, amount: 5_000 });
      expect(contributionOutcome(state, 'c-2')).toEqual({ accepted: false, reason: 'covered' });
      expect(contributionOutcome(state, 'c-3')).toBeUndefined();
    });
  });
});
