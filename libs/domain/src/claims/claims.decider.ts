import { addDays, assertIsoDate, dateOf } from '../shared/dates';
import { Decider } from '../shared/decider';
import { Conflict, Forbidden, InvalidCommand, moneyParam, NotFound } from '../shared/errors';
import { assertMoney, money, Money } from '../shared/money';
import { assertText } from '../shared/text';
import { assertInsurerOfRecord, evolvePolicy, existingPolicy, PolicyClaim, PolicyState, PolicyStreamEvent, remainingCover, RequestedPolicy } from '../policies/policy.decider';
import { coversPeril, parametricPayout } from '../products/parametric';
import { ApproveClaim, ClaimCommand, FileClaim, PayClaim, RejectClaim, SettleParametricClaim } from './commands';
import { CLAIM_KINDS, ClaimEvent } from './events';
import { assertEvidenceFile, MAX_EVIDENCE_FILES } from './evidence';

function decide(command: ClaimCommand, state: PolicyState): ClaimEvent[] {
  switch (command.type) {
    case 'FileClaim':
      return file(command.data, state);
    case 'ApproveClaim':
      return approve(command.data, state);
    case 'RejectClaim':
      return reject(command.data, state);
    case 'PayClaim':
      return pay(command.data, state);
    case 'SettleParametricClaim':
      return settleParametric(command.data, state);
  }
}

/**
 * Claims live in their policy's stream, so this decider folds the whole stream (policy and claim
 * events) into the policy's state and decides claim events against its cover.
 */
export const claimsDecider: Decider<ClaimCommand, PolicyState, PolicyStreamEvent> = {
  decide,
  evolve: evolvePolicy,
  initialState: () => ({ status: 'none' }),
};

function file(command: FileClaim['data'], state: PolicyState): ClaimEvent[] {
  const { policyId, claimId, incidentDate, kind, amountClaimed, evidence, evidenceFiles = [], filedBy, now } = command;
  assertText(claimId, 'claimId');
  assertIsoDate(incidentDate, 'incidentDate');
  // By the server's clock (`now`): an incident that has not happened yet cannot be claimed.
  if (incidentDate > dateOf(now)) throw new InvalidCommand('incidentDate', `must not be after today (${dateOf(now)})`);
  if (!(CLAIM_KINDS as readonly string[]).includes(kind)) throw new InvalidCommand('kind', `must be one of ${CLAIM_KINDS.join(', ')}`);
  assertMoney(amountClaimed, 'amountClaimed');
  evidence.forEach((item, i) => assertText(item, `evidence[${i}]`));
  if (evidenceFiles.length > MAX_EVIDENCE_FILES) throw new InvalidCommand('evidenceFiles', `must hold at most ${MAX_EVIDENCE_FILES} files`);
  evidenceFiles.forEach((file, i) => assertEvidenceFile(file, `evidenceFiles[${i}]`));
  if (filedBy.role !== 'insurer' && filedBy.role !== 'government') throw new InvalidCommand('filedBy.role', 'must be insurer or government');
  assertText(filedBy.id, 'filedBy.id');

  const policy = existingPolicy(policyId, state);
  if (filedBy.role === 'insurer' && filedBy.id !== policy.insurerId) throw new Forbidden(`policy ${policyId} belongs to another insurer`, 'policy.other-insurer');
  if (policy.status !== 'active' && policy.status !== 'expired') throw new Conflict(`policy ${policyId} is ${policy.status}; claims can only be filed on an active or expired policy`, 'claim.policy-not-in-force', { status: policy.status });
  if (policy.claims.has(claimId)) throw new Conflict(`claim ${claimId} is already filed`, 'claim.already-filed');
  assertPolicyCurrency(amountClaimed, policy, 'amountClaimed');
  const { startDate, endDate, waitingPeriodDays } = policy;
  if (incidentDate < startDate || incidentDate > endDate) throw new Conflict(`incident date ${incidentDate} is outside the policy period ${startDate} to ${endDate}`, 'claim.incident-outside-period', { incidentDate, startDate, endDate });
  const firstCoveredDate = addDays(startDate, waitingPeriodDays);
  if (incidentDate < firstCoveredDate) throw new Conflict(`incident date ${incidentDate} is inside the waiting period, which ends on ${addDays(firstCoveredDate, -1)}`, 'claim.incident-in-waiting-period', { incidentDate, waitingEnds: addDays(firstCoveredDate, -1) });
  const cover = remainingCover(policy);
  if (amountClaimed.amount > cover) throw new Conflict(`amount claimed ${amountClaimed.amount} exceeds the remaining cover of ${cover} ${amountClaimed.currency} minor units`, 'claim.amount-exceeds-cover', { claimed: moneyParam(amountClaimed), remaining: moneyParam(money(cover, amountClaimed.currency)) });
  return [
    { type: 'ClaimFiled', data: { policyId, claimId, householdId: policy.householdId, incidentDate, kind, amountClaimed, evidence, ...(evidenceFiles.length ? { evidenceFiles } : {}), filedBy, filedAt: now } },
  ];
}

function approve(command: ApproveClaim['data'], state: PolicyState): ClaimEvent[] {
  const { policyId, claimId, insurerId, approvedAmount, note, now } = command;
  if (approvedAmount !== undefined) assertMoney(approvedAmount, 'approvedAmount');
  const { policy, claim } = claimOf(policyId, claimId, insurerId, state);
  if (claim.status !== 'filed') throw new Conflict(`claim ${claimId} is already ${claim.status}`, 'claim.already-decided', { status: claim.status });
  const amount = approvedAmount ?? claim.amountClaimed;
  assertPolicyCurrency(amount, policy, 'approvedAmount');
  if (amount.amount > claim.amountClaimed.amount) throw new InvalidCommand('approvedAmount.amount', `must not exceed the amount claimed (${claim.amountClaimed.amount})`, 'invalid.amount-above-claimed', { claimed: moneyParam(claim.amountClaimed) });
  const cover = remainingCover(policy);
  if (amount.amount > cover) throw new Conflict(`approving ${amount.amount} would go beyond remaining cover of ${cover} ${amount.currency} minor units`, 'claim.approval-exceeds-cover', { approved: moneyParam(amount), remaining: moneyParam(money(cover, amount.currency)) });
  const inFull = amount.amount === claim.amountClaimed.amount;
  return [{ type: 'ClaimApproved', data: { policyId, claimId, approvedAmount: amount, inFull, ...(note !== undefined && { note }), approvedBy: insurerId, approvedAt: now } }];
}

function reject(command: RejectClaim['data'], state: PolicyState): ClaimEvent[] {
  const { policyId, claimId, insurerId, reason, now } = command;
  assertText(reason, 'reason');
  const { claim } = claimOf(policyId, claimId, insurerId, state);
  if (claim.status !== 'filed') throw new Conflict(`claim ${claimId} is already ${claim.status}`, 'claim.already-decided', { status: claim.status });
  return [{ type: 'ClaimRejected', data: { policyId, claimId, reason, rejectedBy: insurerId, rejectedAt: now } }];
}

function pay(command: PayClaim['data'], state: PolicyState): ClaimEvent[] {
  const { policyId, claimId, insurerId, payoutReference, now } = command;
  assertText(payoutReference, 'payoutReference');
  const { policy, claim } = claimOf(policyId, claimId, insurerId, state);
  if (claim.status === 'paid') {
    if (claim.payoutReference === payoutReference) return [];
    throw new Conflict(`claim ${claimId} is already paid by payout ${claim.payoutReference}`, 'claim.already-paid', { payoutReference: claim.payoutReference });
  }
  if (claim.status !== 'approved' || claim.approvedAmount === null) throw new Conflict(`claim ${claimId} is ${claim.status}; only an approved claim can be paid`, 'claim.not-approved', { status: claim.status });
  const fundedBy = policy.contributions.map(({ giftId, amount }) => ({ giftId, amount }));
  return [
    {
      type: 'ClaimPaid',
      data: { policyId, claimId, householdId: policy.householdId, insurerId, amount: claim.approvedAmount, payoutReference, fundedBy, paidAt: now },
    },
  ];
}

function settleParametric(command: SettleParametricClaim['data'], state: PolicyState): ClaimEvent[] {
  const { policyId, claimId, declarationId, declaredBy, insurerId, peril, severity, incidentFrom, incidentTo, benefit, payoutReference, now } = command;
  assertText(payoutReference, 'payoutReference');
  const policy = existingPolicy(policyId, state);
  assertInsurerOfRecord(policy, insurerId);
  const settled = policy.claims.get(claimId);
  if (settled) {
    if (settled.status === 'paid') return [];
    throw new Conflict(`claim ${claimId} is ${settled.status}; a parametric claim is settled in one step`, 'claim.parametric-one-step', { status: settled.status });
  }
  if (!coversPeril(benefit, peril)) throw new Conflict(`policy ${policyId}'s product does not cover ${peril}`, 'claim.peril-not-covered', { peril });
  if (policy.status !== 'active' && policy.status !== 'expired') throw new Conflict(`policy ${policyId} is ${policy.status}`, 'claim.policy-not-in-force', { status: policy.status });
  // The claim's incident date: the first day of the disaster on which the policy covered the household.
  const firstCovered = addDays(policy.startDate, policy.waitingPeriodDays);
  const incidentDate = incidentFrom > firstCovered ? incidentFrom : firstCovered;
  if (incidentDate > incidentTo || incidentDate > policy.endDate) throw new Conflict(`policy ${policyId} did not cover any day from ${incidentFrom} to ${incidentTo}`, 'claim.no-day-covered', { incidentFrom, incidentTo });
  const benefitDue = parametricPayout(benefit, severity, policy.sumInsured);
  assertPolicyCurrency(benefitDue, policy, 'benefit');
  const amount = { amount: Math.min(benefitDue.amount, remainingCover(policy)), currency: benefitDue.currency };
  if (amount.amount <= 0) throw new Conflict(`policy ${policyId} has no cover left to pay`, 'claim.no-cover-left');
  const fundedBy = policy.contributions.map(({ giftId, amount: share }) => ({ giftId, amount: share }));
  const { householdId } = policy;
  return [
    {
      type: 'ClaimFiled',
      data: {
        policyId, claimId, householdId, incidentDate, kind: 'natural-disaster', amountClaimed: amount, evidence: [`disaster declaration ${declarationId}`],
        filedBy: { role: 'government', id: declaredBy }, filedAt: now, declarationId,
      },
    },
    {
      type: 'ClaimApproved',
      data: {
        policyId, claimId, approvedAmount: amount, inFull: true, approvedBy: insurerId, approvedAt: now,
        ...(amount.amount < benefitDue.amount && { note: `parametric benefit ${benefitDue.amount} capped at the remaining cover` }),
      },
    },
    { type: 'ClaimPaid', data: { policyId, claimId, householdId, insurerId, amount, payoutReference, fundedBy, paidAt: now } },
  ];
}

/** The claim, provided the policy exists and the acting insurer is its insurer. */
function claimOf(policyId: string, claimId: string, insurerId: string, state: PolicyState): { policy: RequestedPolicy; claim: PolicyClaim } {
  const policy = existingPolicy(policyId, state);
  assertInsurerOfRecord(policy, insurerId);
  const claim = policy.claims.get(claimId);
  if (!claim) throw new NotFound(`claim ${claimId}`);
  return { policy, claim };
}

function assertPolicyCurrency(amount: Money, policy: RequestedPolicy, field: string): void {
  if (amount.currency !== policy.sumInsured.currency) throw new InvalidCommand(`${field}.currency`, `must be the policy currency ${policy.sumInsured.currency}`);
}
