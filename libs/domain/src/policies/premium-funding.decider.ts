import { Decider } from '../shared/decider';
import { Conflict, InvalidCommand } from '../shared/errors';
import { policyIdFor } from '../shared/ids';
import { assertMoney, money, Money } from '../shared/money';
import { assertText } from '../shared/text';
import { Contribute, PremiumFundingCommand, Reopen } from './commands';
import { Contribution, PremiumFundingEvent } from './events';

/** What became of one contribution: the process manager reads it back after a retry. */
export type ContributionOutcome = { accepted: true; round: number; policyId: string; amount: number } | { accepted: false; reason: string };

export interface PremiumFundingState {
  /** The round now gathering (or holding) funding; rounds are numbered from 1. */
  round: number;
  /** Fixed by the round's first accepted contribution; null until then. */
  roundTerms: { productVersion: number; premium: Money } | null;
  /** Minor units accepted in this round. */
  fundedTotal: number;
  fullyFunded: boolean;
  /** This round's accepted minor units per giftId, in the order the gifts first contributed. */
  contributions: ReadonlyMap<string, number>;
  /** Every contribution ever decided, by contributionId. */
  outcomes: ReadonlyMap<string, ContributionOutcome>;
}

/** The state as the fold builds it, in place (see Decider). */
interface FoldedFunding extends PremiumFundingState {
  contributions: Map<string, number>;
  outcomes: Map<string, ContributionOutcome>;
}

/** Minor units still needed this round; `currentPremium` is the product's premium, used when the round has not begun. */
export function remainingPremium(state: PremiumFundingState, currentPremium: Money): number {
  if (state.fullyFunded) return 0;
  return (state.roundTerms?.premium.amount ?? currentPremium.amount) - state.fundedTotal;
}

/** The outcome of `contributionId`, or undefined if it was never decided. */
export function contributionOutcome(state: PremiumFundingState, contributionId: string): ContributionOutcome | undefined {
  return state.outcomes.get(contributionId);
}

function decide(command: PremiumFundingCommand, state: PremiumFundingState): PremiumFundingEvent[] {
  switch (command.type) {
    case 'Contribute':
      return contribute(command.data, state);
    case 'Reopen':
      return reopen(command.data, state);
  }
}

function evolve(folded: PremiumFundingState, event: PremiumFundingEvent): PremiumFundingState {
  const state = folded as FoldedFunding;
  switch (event.type) {
    case 'PremiumContributionAccepted': {
      const { round, policyId, contributionId, giftId, amount, fundedTotal, premium, productVersion } = event.data;
      state.roundTerms ??= { productVersion, premium };
      state.fundedTotal = fundedTotal.amount;
      state.contributions.set(giftId, (state.contributions.get(giftId) ?? 0) + amount.amount);
      state.outcomes.set(contributionId, { accepted: true, round, policyId, amount: amount.amount });
      return state;
    }
    case 'PremiumContributionDeclined':
      state.outcomes.set(event.data.contributionId, { accepted: false, reason: event.data.reason });
      return state;
    case 'PremiumFullyFunded':
      state.fullyFunded = true;
      return state;
    case 'PremiumFundingReopened':
      return Object.assign(state, { round: event.data.round, roundTerms: null, fundedTotal: 0, fullyFunded: false, contributions: new Map() });
  }
}

export const premiumFundingDecider: Decider<PremiumFundingCommand, PremiumFundingState, PremiumFundingEvent> = {
  decide,
  evolve,
  initialState: (): FoldedFunding => ({ round: 1, roundTerms: null, fundedTotal: 0, fullyFunded: false, contributions: new Map(), outcomes: new Map() }),
};

function contribute(command: Contribute['data'], state: PremiumFundingState): PremiumFundingEvent[] {
  const { householdId, productId, contributionId, giftId, offered, product, now } = command;
  assertText(contributionId, 'contributionId');
  assertText(giftId, 'giftId');
  assertMoney(offered, 'offered');
  assertMoney(product.premium, 'product.premium');
  if (!Number.isSafeInteger(product.version) || product.version < 1) throw new InvalidCommand('product.version', 'must be a whole number from 1');
  if (state.outcomes.has(contributionId)) return [];
  const { productVersion, premium } = state.roundTerms ?? { productVersion: product.version, premium: product.premium };
  const reason = declineReason(command, state, premium);
  if (reason) return [{ type: 'PremiumContributionDeclined', data: { householdId, productId, contributionId, giftId, offered, reason, declinedAt: now } }];

  const { round } = state;
  const policyId = policyIdFor(householdId, productId, round);
  const amount = Math.min(offered.amount, premium.amount - state.fundedTotal);
  const fundedTotal = state.fundedTotal + amount;
  const accepted: PremiumFundingEvent = {
    type: 'PremiumContributionAccepted',
    data: {
      householdId, productId, round, policyId, contributionId, giftId,
      amount: money(amount, premium.currency), fundedTotal: money(fundedTotal, premium.currency), premium, productVersion, acceptedAt: now,
    },
  };
  if (fundedTotal < premium.amount) return [accepted];
  const contributions = contributionsWith(state.contributions, giftId, amount);
  return [accepted, { type: 'PremiumFullyFunded', data: { householdId, productId, productVersion, round, policyId, premium, contributions, fundedAt: now } }];
}

function declineReason({ householdId, productId, offered, householdEligible, productRetired }: Contribute['data'], state: PremiumFundingState, premium: Money): string | null {
  if (!householdEligible) return `household ${householdId} is not verified eligible`;
  if (productRetired) return `product ${productId} is retired`;
  if (state.fullyFunded) return `the premium of round ${state.round} is already fully funded: the household is covered until its policy ends`;
  if (offered.currency !== premium.currency) return `offered currency ${offered.currency} differs from the premium currency ${premium.currency}`;
  return null;
}

function reopen(command: Reopen['data'], state: PremiumFundingState): PremiumFundingEvent[] {
  const { householdId, productId, round, reason, now } = command;
  if (!Number.isSafeInteger(round) || round < 1) throw new InvalidCommand('round', 'must be a whole number from 1');
  assertText(reason, 'reason');
  if (round < state.round) return [];
  if (round > state.round) throw new Conflict(`round ${round} has not begun; funding is in round ${state.round}`, 'funding.round-not-begun', { round, currentRound: state.round });
  if (!state.fullyFunded) throw new Conflict(`round ${round} is not fully funded, so no policy of it has ended`, 'funding.round-not-funded', { round });
  return [{ type: 'PremiumFundingReopened', data: { householdId, productId, round: round + 1, reason, reopenedAt: now } }];
}

/** The round's contributions once `giftId` has added `amount`: a new list, the state is not changed. */
function contributionsWith(contributions: ReadonlyMap<string, number>, giftId: string, amount: number): Contribution[] {
  const total = new Map(contributions).set(giftId, (contributions.get(giftId) ?? 0) + amount);
  return [...total].map(([id, sum]) => ({ giftId: id, amount: sum }));
}
