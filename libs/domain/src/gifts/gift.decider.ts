import { Decider } from '../shared/decider';
import { Conflict, Forbidden, InvalidCommand, moneyParam, NotFound } from '../shared/errors';
import { assertMoney, assertSameCurrency, money, Money } from '../shared/money';
import { assertRegionCode } from '../shared/region-code';
import { assertText } from '../shared/text';
import { ConfirmPayment, CreditPremiumRefund, ExpirePledge, GiftCommand, PlanProgrammeAllocation, PledgeGift, RecordAllocation, SettleRemainder, WithdrawPledge } from './commands';
import { GiftEvent, GiftTarget, PlannedAllocation, RemainderChoice } from './events';

const MAX_PAYMENT_REFERENCE_LENGTH = 100;

/** All amounts are minor units in the pledged currency. */
export type GiftState =
  | { pledged: false }
  | {
      pledged: true;
      giftId: string;
      donorId: string;
      amount: Money;
      target: GiftTarget;
      remainder: RemainderChoice;
      pledgedAt: string;
      /** An unpaid pledge that ended: it can no longer be paid. */
      lapsed: 'expired' | 'withdrawn' | null;
      /** Set once the payment is confirmed. */
      paymentReference: string | null;
      received: number;
      allocated: number;
      credited: number;
      refunded: number;
      /** The part of the escrow balance currently held for the donor's target (never more than the balance). */
      held: number;
      allocationIds: ReadonlySet<string>;
      allocatedByPolicy: ReadonlyMap<string, number>;
      creditedPolicies: ReadonlySet<string>;
      /** A programme gift's recorded allocation plans, by planId. */
      plans: ReadonlyMap<string, readonly PlannedAllocation[]>;
    };
export type PledgedGift = Extract<GiftState, { pledged: true }>;

/** A pledged gift as the fold builds it, in place (see Decider). */
interface FoldedGift extends PledgedGift {
  allocationIds: Set<string>;
  allocatedByPolicy: Map<string, number>;
  creditedPolicies: Set<string>;
  plans: Map<string, readonly PlannedAllocation[]>;
}

/** Money of this gift still in escrow: received - allocated + credited - refunded. */
export function escrowBalance(state: GiftState): number {
  return state.pledged ? state.received - state.allocated + state.credited - state.refunded : 0;
}

function decide(command: GiftCommand, state: GiftState): GiftEvent[] {
  switch (command.type) {
    case 'PledgeGift':
      return pledge(command.data, state);
    case 'ConfirmPayment':
      return confirmPayment(command.data, state);
    case 'PlanProgrammeAllocation':
      return planAllocation(command.data, state);
    case 'RecordAllocation':
      return recordAllocation(command.data, state);
    case 'SettleRemainder':
      return settleRemainder(command.data, state);
    case 'CreditPremiumRefund':
      return creditPremiumRefund(command.data, state);
    case 'ExpirePledge':
      return expirePledge(command.data, state);
    case 'WithdrawPledge':
      return withdrawPledge(command.data, state);
  }
}

function evolve(state: GiftState, event: GiftEvent): GiftState {
  if (event.type === 'GiftPledged') {
    const { giftId, donorId, amount, target, remainder, pledgedAt } = event.data;
    const pledged: FoldedGift = {
      pledged: true, giftId, donorId, amount, target, remainder, pledgedAt, lapsed: null, paymentReference: null,
      received: 0, allocated: 0, credited: 0, refunded: 0, held: 0,
      allocationIds: new Set(), allocatedByPolicy: new Map(), creditedPolicies: new Set(), plans: new Map(),
    };
    return pledged;
  }
  if (!state.pledged) return state;
  const gift = state as FoldedGift;
  switch (event.type) {
    case 'GiftPaymentConfirmed':
      gift.paymentReference = event.data.paymentReference;
      gift.received += event.data.amount.amount;
      return gift;
    case 'ProgrammeAllocationPlanned':
      gift.plans.set(event.data.planId, event.data.allocations);
      return gift;
    case 'GiftAllocated': {
      const { allocationId, policyId, amount } = event.data;
      gift.allocated += amount.amount;
      gift.allocationIds.add(allocationId);
      gift.allocatedByPolicy.set(policyId, (gift.allocatedByPolicy.get(policyId) ?? 0) + amount.amount);
      return capHeld(gift);
    }
    case 'GiftRemainderHeld':
      gift.held += event.data.amount.amount;
      return gift;
    case 'GiftRemainderRefunded':
      gift.refunded += event.data.amount.amount;
      return capHeld(gift);
    case 'GiftPremiumRefundCredited':
      gift.credited += event.data.amount.amount;
      gift.creditedPolicies.add(event.data.policyId);
      return gift;
    case 'GiftPledgeExpired':
      gift.lapsed = 'expired';
      return gift;
    case 'GiftPledgeWithdrawn':
      gift.lapsed = 'withdrawn';
      return gift;
  }
}

/** Held money spent or refunded is no longer held. */
function capHeld(gift: FoldedGift): FoldedGift {
  gift.held = Math.min(gift.held, escrowBalance(gift));
  return gift;
}

export const giftDecider: Decider<GiftCommand, GiftState, GiftEvent> = {
  decide,
  evolve,
  initialState: () => ({ pledged: false }),
};

function pledge(command: PledgeGift['data'], state: GiftState): GiftEvent[] {
  const { giftId, donorId, amount, target, remainder, now } = command;
  assertText(donorId, 'donorId');
  assertMoney(amount, 'amount');
  assertTarget(target);
  if (remainder !== 'hold' && remainder !== 'refund') throw new InvalidCommand('remainder', 'must be hold or refund');
  if (state.pledged) throw new Conflict(`gift ${giftId} is already pledged`, 'gift.already-pledged');
  return [{ type: 'GiftPledged', data: { giftId, donorId, amount, target, remainder, pledgedAt: now } }];
}

function confirmPayment(command: ConfirmPayment['data'], state: GiftState): GiftEvent[] {
  const { giftId, paymentReference, amount, now } = command;
  assertText(paymentReference, 'paymentReference');
  if (paymentReference.length > MAX_PAYMENT_REFERENCE_LENGTH) throw new InvalidCommand('paymentReference', `must be at most ${MAX_PAYMENT_REFERENCE_LENGTH} characters`);
  assertMoney(amount, 'amount');
  const gift = pledgedGift(giftId, state);
  if (gift.paymentReference === paymentReference) return [];
  if (gift.lapsed) throw new Conflict(`gift ${giftId} was ${gift.lapsed} before it was paid; pledge again to give`, 'gift.lapsed', { lapsed: gift.lapsed });
  if (gift.paymentReference !== null) {
    throw new Conflict(`gift ${giftId} is already paid by payment ${gift.paymentReference}; payment ${paymentReference} is a second payment`, 'gift.already-paid');
  }
  if (amount.amount !== gift.amount.amount || amount.currency !== gift.amount.currency) {
    throw new Conflict(`payment of ${formatMoney(amount)} does not match the pledged ${formatMoney(gift.amount)}`, 'gift.payment-mismatch', { paid: moneyParam(amount), pledged: moneyParam(gift.amount) });
  }
  return [{ type: 'GiftPaymentConfirmed', data: { giftId, donorId: gift.donorId, paymentReference, amount, confirmedAt: now } }];
}

function planAllocation(command: PlanProgrammeAllocation['data'], state: GiftState): GiftEvent[] {
  const { giftId, planId, allocations, now } = command;
  assertText(planId, 'planId');
  if (!Array.isArray(allocations) || allocations.length === 0) throw new InvalidCommand('allocations', 'must name at least one household');
  const households = new Set<string>();
  allocations.forEach(({ householdId, amount }, i) => {
    assertText(householdId, `allocations[${i}].householdId`);
    if (!Number.isSafeInteger(amount) || amount < 1) throw new InvalidCommand(`allocations[${i}].amount`, 'must be a whole number from 1');
    if (households.has(householdId)) throw new InvalidCommand(`allocations[${i}].householdId`, 'must name each household once');
    households.add(householdId);
  });
  const gift = pledgedGift(giftId, state);
  if (gift.plans.has(planId)) return [];
  if (gift.target.kind !== 'programme') throw new Conflict(`gift ${giftId} is for one household, not a programme`, 'gift.not-for-programme');
  if (gift.paymentReference === null) throw new Conflict(`gift ${giftId} cannot be allocated before its payment is confirmed`, 'gift.not-paid-yet');
  const total = money(allocations.reduce((sum, { amount }) => sum + amount, 0), gift.amount.currency);
  const balance = escrowBalance(gift);
  if (total.amount > balance) throw new Conflict(`a plan of ${formatMoney(total)} exceeds the escrow balance of ${formatMoney(money(balance, gift.amount.currency))}`, 'gift.exceeds-escrow', { amount: moneyParam(total), balance: moneyParam(money(balance, gift.amount.currency)) });
  const { programmeId, productId } = gift.target;
  return [{ type: 'ProgrammeAllocationPlanned', data: { giftId, planId, programmeId, productId, allocations, total, plannedAt: now } }];
}

function recordAllocation(command: RecordAllocation['data'], state: GiftState): GiftEvent[] {
  const { giftId, allocations, now } = command;
  const gift = pledgedGift(giftId, state);
  const events: GiftEvent[] = [];
  const recorded = new Set<string>();
  let balance = escrowBalance(gift);
  for (const [i, { allocationId, householdId, productId, policyId, amount }] of allocations.entries()) {
    assertText(allocationId, `allocations[${i}].allocationId`);
    assertMoney(amount, `allocations[${i}].amount`);
    if (gift.allocationIds.has(allocationId) || recorded.has(allocationId)) continue;
    recorded.add(allocationId);
    if (gift.paymentReference === null) throw new Conflict(`gift ${giftId} cannot be allocated before its payment is confirmed`, 'gift.not-paid-yet');
    assertSameCurrency(amount, gift.amount, `allocation of gift ${giftId}`);
    if (amount.amount > balance) throw new Conflict(`allocation of ${formatMoney(amount)} exceeds the escrow balance of ${formatMoney(money(balance, gift.amount.currency))}`, 'gift.exceeds-escrow', { amount: moneyParam(amount), balance: moneyParam(money(balance, gift.amount.currency)) });
    balance -= amount.amount;
    events.push({ type: 'GiftAllocated', data: { giftId, allocationId, householdId, productId, policyId, amount, allocatedAt: now } });
  }
  return events;
}

function settleRemainder(command: SettleRemainder['data'], state: GiftState): GiftEvent[] {
  const { giftId, reason, now } = command;
  assertText(reason, 'reason');
  const gift = pledgedGift(giftId, state);
  const { currency } = gift.amount;
  if (gift.remainder === 'refund') {
    const balance = escrowBalance(gift);
    if (balance === 0) return [];
    return [{ type: 'GiftRemainderRefunded', data: { giftId, donorId: gift.donorId, amount: money(balance, currency), reason, refundedAt: now } }];
  }
  const notYetHeld = escrowBalance(gift) - gift.held;
  if (notYetHeld === 0) return [];
  return [{ type: 'GiftRemainderHeld', data: { giftId, amount: money(notYetHeld, currency), reason, heldAt: now } }];
}

function creditPremiumRefund(command: CreditPremiumRefund['data'], state: GiftState): GiftEvent[] {
  const { giftId, policyId, amount, now } = command;
  // A contribution's share of a refund can round down to 0; there is then nothing to credit.
  assertMoney(amount, 'amount', { positive: false });
  const gift = pledgedGift(giftId, state);
  if (gift.creditedPolicies.has(policyId) || amount.amount === 0) return [];
  assertSameCurrency(amount, gift.amount, `refund credit to gift ${giftId}`);
  const allocatedToPolicy = gift.allocatedByPolicy.get(policyId) ?? 0;
  if (amount.amount > allocatedToPolicy) {
    throw new Conflict(`refund of ${formatMoney(amount)} for policy ${policyId} exceeds the ${formatMoney(money(allocatedToPolicy, gift.amount.currency))} gift ${giftId} paid towards it`, 'gift.refund-exceeds-contribution', { amount: moneyParam(amount), contributed: moneyParam(money(allocatedToPolicy, gift.amount.currency)) });
  }
  return [{ type: 'GiftPremiumRefundCredited', data: { giftId, policyId, amount, creditedAt: now } }];
}

function expirePledge(command: ExpirePledge['data'], state: GiftState): GiftEvent[] {
  const { giftId, expiryHours, now } = command;
  if (!Number.isSafeInteger(expiryHours) || expiryHours < 1) throw new InvalidCommand('expiryHours', 'must be a whole number from 1');
  const gift = pledgedGift(giftId, state);
  if (gift.lapsed) return [];
  if (gift.paymentReference !== null) throw new Conflict(`gift ${giftId} is paid; only an unpaid pledge expires`, 'gift.paid-cannot-expire');
  const expiresAt = new Date(Date.parse(gift.pledgedAt) + expiryHours * 3_600_000).toISOString();
  if (now < expiresAt) throw new Conflict(`the pledge of gift ${giftId} may still be paid until ${expiresAt}`, 'gift.pledge-still-open', { expiresAt });
  return [{ type: 'GiftPledgeExpired', data: { giftId, donorId: gift.donorId, amount: gift.amount, expiredAt: now } }];
}

function withdrawPledge(command: WithdrawPledge['data'], state: GiftState): GiftEvent[] {
  const { giftId, donorId, now } = command;
  const gift = pledgedGift(giftId, state);
  if (gift.donorId !== donorId) throw new Forbidden(`gift ${giftId} is another donor's`, 'gift.other-donor');
  if (gift.lapsed === 'withdrawn') return [];
  if (gift.lapsed === 'expired') throw new Conflict(`the pledge of gift ${giftId} has already expired`, 'gift.pledge-expired');
  if (gift.paymentReference !== null) throw new Conflict(`gift ${giftId} is already paid (payment ${gift.paymentReference}); a paid gift cannot be withdrawn`, 'gift.paid-cannot-withdraw');
  return [{ type: 'GiftPledgeWithdrawn', data: { giftId, donorId, amount: gift.amount, withdrawnAt: now } }];
}

function pledgedGift(giftId: string, state: GiftState): PledgedGift {
  if (!state.pledged) throw new NotFound(`gift ${giftId}`);
  return state;
}

function assertTarget(target: GiftTarget): void {
  if (target.kind === 'household') {
    assertText(target.householdId, 'target.householdId');
  } else if (target.kind === 'programme') {
    assertText(target.programmeId, 'target.programmeId');
    assertRegionCode(target.regionCode, 'target.regionCode');
  } else {
    throw new InvalidCommand('target.kind', 'must be household or programme');
  }
  assertText(target.productId, 'target.productId');
}

function formatMoney(amount: Money): string {
  return `${amount.amount} ${amount.currency} minor units`;
}
