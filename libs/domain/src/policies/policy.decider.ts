import { ClaimEvent } from '../claims/events';
import { addDays, assertIsoDate, dateOf, daysBetween } from '../shared/dates';
import { Decider } from '../shared/decider';
import { Conflict, Forbidden, InvalidCommand, moneyParam, NotFound } from '../shared/errors';
import { assertMoney, money, Money, splitProportionally } from '../shared/money';
import { assertText } from '../shared/text';
import { CancelPolicy, ExpirePolicy, IssuePolicy, PolicyCommand, RequestPolicy } from './commands';
import { Contribution, PolicyEvent, PolicyRequestTerms } from './events';

/** A policy's stream holds its own events and its claims' events. */
export type PolicyStreamEvent = PolicyEvent | ClaimEvent;

export interface PolicyClaim {
  status: 'filed' | 'approved' | 'rejected' | 'paid';
  amountClaimed: Money;
  approvedAmount: Money | null;
  incidentDate: string;
  payoutReference: string | null;
}

export interface PolicyTerms extends PolicyRequestTerms {
  /** The day the premium was fully funded. */
  fundedOn: string;
  claims: ReadonlyMap<string, PolicyClaim>;
}

/** Cover runs from startDate to endDate, both days included. */
export interface PolicyPeriod {
  policyNumber: string;
  startDate: string;
  endDate: string;
}

export type PolicyState =
  | { status: 'none' }
  | (PolicyTerms & { status: 'requested' })
  | (PolicyTerms & PolicyPeriod & { status: 'active' | 'expired' })
  /** A policy cancelled before issue has no period. */
  | (PolicyTerms & Partial<PolicyPeriod> & { status: 'cancelled' });
export type RequestedPolicy = Exclude<PolicyState, { status: 'none' }>;

/* Checks shared by the policy and claims deciders. */

export function existingPolicy(policyId: string, state: PolicyState): RequestedPolicy {
  if (state.status === 'none') throw new NotFound(`policy ${policyId}`);
  return state;
}

export function assertInsurerOfRecord(policy: RequestedPolicy, insurerId: string): void {
  if (insurerId !== policy.insurerId) throw new Forbidden(`policy ${policy.policyId} belongs to another insurer`, 'policy.other-insurer');
}

function assertWholeNumber(value: number, field: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) throw new InvalidCommand(field, `must be a whole number from ${minimum}`);
}

/** What claims may still pay: the sum insured less every approved or paid claim. */
export function remainingCover(state: PolicyState): number {
  if (state.status === 'none') return 0;
  let committed = 0;
  for (const claim of state.claims.values()) {
    if (claim.approvedAmount && (claim.status === 'approved' || claim.status === 'paid')) committed += claim.approvedAmount.amount;
  }
  return state.sumInsured.amount - committed;
}

function decide(command: PolicyCommand, state: PolicyState): PolicyEvent[] {
  switch (command.type) {
    case 'RequestPolicy':
      return request(command.data, state);
    case 'IssuePolicy':
      return issue(command.data, state);
    case 'CancelPolicy':
      return cancel(command.data, state);
    case 'ExpirePolicy':
      return expire(command.data, state);
  }
}

/** Folds policy and claim events alike: the policy and claims deciders share it. */
export function evolvePolicy(state: PolicyState, event: PolicyStreamEvent): PolicyState {
  if (event.type === 'PolicyRequested') {
    // Policies requested before fundedAt was recorded: the request followed the funding at once.
    const { requestedAt, fundedAt = requestedAt, ...terms } = event.data;
    return { ...terms, fundedOn: dateOf(fundedAt), status: 'requested', claims: new Map() };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PolicyIssued': {
      const { policyNumber, startDate, endDate } = event.data;
      return Object.assign(state, { status: 'active' as const, policyNumber, startDate, endDate });
    }
    case 'PolicyCancelled':
      return Object.assign(state, { status: 'cancelled' as const });
    case 'PolicyExpired':
      return state.status === 'active' ? Object.assign(state, { status: 'expired' as const }) : state;
    default:
      // The fold owns the claims map it created at PolicyRequested (see Decider): it grows in place.
      evolveClaims(state.claims as Map<string, PolicyClaim>, event);
      return state;
  }
}

function evolveClaims(claims: Map<string, PolicyClaim>, event: ClaimEvent): void {
  const { claimId } = event.data;
  const claim = claims.get(claimId);
  if (event.type === 'ClaimFiled') {
    const { amountClaimed, incidentDate } = event.data;
    claims.set(claimId, { status: 'filed', amountClaimed, incidentDate, approvedAmount: null, payoutReference: null });
    return;
  }
  if (!claim) return;
  switch (event.type) {
    case 'ClaimApproved':
      claims.set(claimId, { ...claim, status: 'approved', approvedAmount: event.data.approvedAmount });
      return;
    case 'ClaimRejected':
      claims.set(claimId, { ...claim, status: 'rejected' });
      return;
    case 'ClaimPaid':
      claims.set(claimId, { ...claim, status: 'paid', payoutReference: event.data.payoutReference });
      return;
  }
}

export const policyDecider: Decider<PolicyCommand, PolicyState, PolicyStreamEvent> = {
  decide,
  evolve: evolvePolicy,
  initialState: () => ({ status: 'none' }),
};

function request(command: RequestPolicy['data'], state: PolicyState): PolicyEvent[] {
  const { now, ...terms } = command;
  if (Number.isNaN(Date.parse(terms.fundedAt))) throw new InvalidCommand('fundedAt', 'must be an ISO 8601 time stamp');
  assertText(terms.householdId, 'householdId');
  assertText(terms.productId, 'productId');
  assertText(terms.insurerId, 'insurerId');
  assertWholeNumber(terms.productVersion, 'productVersion', 1);
  assertMoney(terms.premium, 'premium');
  assertMoney(terms.sumInsured, 'sumInsured');
  if (terms.sumInsured.currency !== terms.premium.currency) throw new InvalidCommand('sumInsured.currency', `must be the premium currency ${terms.premium.currency}`);
  assertWholeNumber(terms.waitingPeriodDays, 'waitingPeriodDays', 0);
  assertWholeNumber(terms.termDays, 'termDays', 1);
  assertContributions(terms.contributions, terms.premium);
  if (state.status !== 'none') return [];
  return [{ type: 'PolicyRequested', data: { ...terms, requestedAt: now } }];
}

function issue(command: IssuePolicy['data'], state: PolicyState): PolicyEvent[] {
  const { policyId, insurerId, policyNumber, startDate, startWindowDays, now } = command;
  assertText(policyNumber, 'policyNumber');
  assertIsoDate(startDate, 'startDate');
  assertWholeNumber(startWindowDays, 'startWindowDays', 0);
  const policy = existingPolicy(policyId, state);
  assertInsurerOfRecord(policy, insurerId);
  if (policy.status !== 'requested') throw new Conflict(`policy ${policyId} is ${policy.status}; only a requested policy can be issued`, 'policy.not-requested', { status: policy.status });
  const latestStart = addDays(policy.fundedOn, startWindowDays);
  if (startDate < policy.fundedOn || startDate > latestStart) {
    throw new InvalidCommand('startDate', `must be from ${policy.fundedOn}, the day the premium was funded, to ${latestStart} (${startWindowDays} days later)`);
  }
  // Cover includes both the start and the end date, so a 365-day term ends 364 days after it starts.
  const endDate = addDays(startDate, policy.termDays - 1);
  const { householdId, premium, contributions } = policy;
  return [{ type: 'PolicyIssued', data: { policyId, householdId, insurerId, policyNumber, startDate, endDate, premium, contributions, issuedAt: now } }];
}

function cancel(command: CancelPolicy['data'], state: PolicyState): PolicyEvent[] {
  const { policyId, insurerId, reason, effectiveDate, now } = command;
  assertText(reason, 'reason');
  assertIsoDate(effectiveDate, 'effectiveDate');
  const policy = existingPolicy(policyId, state);
  if (insurerId !== null) assertInsurerOfRecord(policy, insurerId);
  if (policy.status !== 'requested' && policy.status !== 'active') throw new Conflict(`policy ${policyId} is already ${policy.status}`, 'policy.already-ended', { status: policy.status });
  const { householdId, premium, termDays, contributions } = policy;
  let unearned = premium.amount;
  if (policy.status === 'active') {
    const { startDate, endDate } = policy;
    if (effectiveDate < startDate || effectiveDate > endDate) throw new Conflict(`effective date ${effectiveDate} is outside the policy period ${startDate} to ${endDate}`, 'policy.date-outside-period', { date: effectiveDate, startDate, endDate });
    const unusedDays = Math.min(Math.max(daysBetween(effectiveDate, endDate) + 1, 0), termDays);
    // BigInt: premium * days can pass 2^53 before the division brings it back.
    unearned = Number((BigInt(premium.amount) * BigInt(unusedDays)) / BigInt(termDays));
  }
  const shares = splitProportionally(unearned, contributions.map((c) => c.amount));
  const refunds = contributions.map((c, i) => ({ giftId: c.giftId, amount: shares[i] }));
  const wasIssued = policy.status === 'active';
  const unearnedPremium = money(unearned, premium.currency);
  return [{ type: 'PolicyCancelled', data: { policyId, householdId, insurerId: policy.insurerId, reason, wasIssued, effectiveDate, unearnedPremium, refunds, cancelledAt: now } }];
}

function expire(command: ExpirePolicy['data'], state: PolicyState): PolicyEvent[] {
  const { policyId, now } = command;
  const today = dateOf(now);
  const policy = existingPolicy(policyId, state);
  if (policy.status === 'expired') return [];
  if (policy.status !== 'active') throw new Conflict(`policy ${policyId} is ${policy.status}; only an active policy can expire`, 'policy.not-active', { status: policy.status });
  if (today <= policy.endDate) throw new Conflict(`policy ${policyId} covers until ${policy.endDate} inclusive, so it cannot expire on ${today}`, 'policy.still-covering', { endDate: policy.endDate, date: today });
  const { householdId, productId, endDate } = policy;
  return [{ type: 'PolicyExpired', data: { policyId, householdId, productId, endDate, expiredAt: now } }];
}

function assertContributions(contributions: readonly Contribution[], premium: Money): void {
  if (contributions.length === 0) throw new InvalidCommand('contributions', 'must name at least one gift');
  contributions.forEach((c, i) => {
    assertText(c.giftId, `contributions[${i}].giftId`);
    assertWholeNumber(c.amount, `contributions[${i}].amount`, 1);
  });
  const total = contributions.reduce((sum, c) => sum + c.amount, 0);
  if (total !== premium.amount) throw new InvalidCommand('contributions', `must add up to the premium (${premium.amount}), not ${total}`, 'invalid.contributions-total', { premium: moneyParam(premium), total: moneyParam({ amount: total, currency: premium.currency }) });
}
