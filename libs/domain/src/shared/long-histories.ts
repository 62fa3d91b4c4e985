import { ClaimEvent } from '../claims/events';
import { GiftEvent } from '../gifts/events';
import { PolicyEvent, PremiumFundingEvent } from '../policies/events';
import { money } from './money';

/**
 * Long streams of each decider whose state holds collections, for the linear-fold test and the
 * programme-allocation benchmark (test and bench fixtures; not part of the domain's API). Each has
 * exactly `length` events and keeps adding entries to its state's collections.
 */

const at = '2026-01-01T00:00:00.000Z';
const cny = (amount: number) => money(amount, 'CNY');

/** A programme gift's stream: pledged, paid, then one allocation per household, with a premium refund credited now and then. */
export function longGiftHistory(length: number): GiftEvent[] {
  const giftId = 'gift-long';
  const events: GiftEvent[] = [
    { type: 'GiftPledged', data: { giftId, donorId: 'donor-1', amount: cny(length * 100), target: { kind: 'programme', programmeId: 'prog-1', regionCode: '440305', productId: 'prod-1' }, remainder: 'hold', pledgedAt: at } },
    { type: 'GiftPaymentConfirmed', data: { giftId, donorId: 'donor-1', paymentReference: 'PAY-1', amount: cny(length * 100), confirmedAt: at } },
  ];
  for (let i = 0; events.length < length; i++) {
    const policyId = `policy-${i}`;
    events.push({ type: 'GiftAllocated', data: { giftId, allocationId: `alloc-${i}`, householdId: `hh-${i}`, productId: 'prod-1', policyId, amount: cny(100), allocatedAt: at } });
    if (i % 10 === 9 && events.length < length) events.push({ type: 'GiftPremiumRefundCredited', data: { giftId, policyId, amount: cny(50), creditedAt: at } });
  }
  return events;
}

/** A household's premium funding over many rounds: 100 gifts of 1 fen fund each round's premium, a few gifts arrive too late, the round reopens. */
export function longPremiumFundingHistory(length: number): PremiumFundingEvent[] {
  const [householdId, productId, premium, giftsPerRound] = ['hh-1', 'prod-1', cny(100), 100];
  const events: PremiumFundingEvent[] = [];
  let contribution = 0;
  for (let round = 1; events.length < length; round++) {
    const policyId = `policy-${round}`;
    for (let funded = 1; funded <= giftsPerRound; funded++) {
      const giftId = `gift-${contribution}`;
      events.push({
        type: 'PremiumContributionAccepted',
        data: { householdId, productId, round, policyId, contributionId: `c-${contribution++}`, giftId, amount: cny(1), fundedTotal: cny(funded), premium, productVersion: 1, acceptedAt: at },
      });
    }
    const contributions = events.slice(-giftsPerRound).map((event) => ({ giftId: (event.data as { giftId: string }).giftId, amount: 1 }));
    events.push({ type: 'PremiumFullyFunded', data: { householdId, productId, productVersion: 1, round, policyId, premium, contributions, fundedAt: at } });
    for (let late = 0; late < 10; late++) {
      events.push({ type: 'PremiumContributionDeclined', data: { householdId, productId, contributionId: `c-${contribution++}`, giftId: 'gift-late', offered: cny(1), reason: 'covered', declinedAt: at } });
    }
    events.push({ type: 'PremiumFundingReopened', data: { householdId, productId, round: round + 1, reason: 'policy expired', reopenedAt: at } });
  }
  return events.slice(0, length);
}

/** A policy's stream: requested, issued, then claims filed, approved and paid (or rejected). */
export function longPolicyHistory(length: number): (PolicyEvent | ClaimEvent)[] {
  const [policyId, householdId, insurerId] = ['policy-long', 'hh-1', 'ins-1'];
  const contributions = [{ giftId: 'gift-1', amount: 5_000 }];
  const events: (PolicyEvent | ClaimEvent)[] = [
    {
      type: 'PolicyRequested',
      data: { policyId, householdId, productId: 'prod-1', productVersion: 1, insurerId, premium: cny(5_000), sumInsured: cny(Number.MAX_SAFE_INTEGER), waitingPeriodDays: 0, termDays: 365, contributions, fundedAt: at, requestedAt: at },
    },
    { type: 'PolicyIssued', data: { policyId, householdId, insurerId, policyNumber: 'PN-1', startDate: '2026-01-01', endDate: '2026-12-31', premium: cny(5_000), contributions, issuedAt: at } },
  ];
  for (let i = 0; events.length < length; i++) {
    const claimId = `claim-${i}`;
    events.push({
      type: 'ClaimFiled',
      data: { policyId, claimId, householdId, incidentDate: '2026-02-01', kind: 'illness', amountClaimed: cny(100), evidence: [], filedBy: { role: 'government', id: '440305' }, filedAt: at },
    });
    if (i % 3 === 2) {
      events.push({ type: 'ClaimRejected', data: { policyId, claimId, reason: 'not covered', rejectedBy: insurerId, rejectedAt: at } });
      continue;
    }
    events.push({ type: 'ClaimApproved', data: { policyId, claimId, approvedAmount: cny(100), inFull: true, approvedBy: insurerId, approvedAt: at } });
    events.push({ type: 'ClaimPaid', data: { policyId, claimId, householdId, insurerId, amount: cny(100), payoutReference: `PO-${i}`, fundedBy: contributions, paidAt: at } });
  }
  return events.slice(0, length);
}
