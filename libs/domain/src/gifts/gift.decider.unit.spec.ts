import { deciderSpecification } from '../shared/decider-specification';
import { foldEvents } from '../shared/decider';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { money } from '../shared/money';
import { escrowBalance, giftDecider } from './gift.decider';
import { GiftEvent, GiftTarget, RemainderChoice } from './events';

const spec = deciderSpecification(giftDecider);
const now = '2025-03-01T08:00:00.000Z';
const cny = (amount: number) => money(amount, 'CNY');
const giftId = 'gift-1';
const target: GiftTarget = { kind: 'household', householdId: 'hh-1', productId: 'prod-1' };

const pledged = (remainder: RemainderChoice = 'hold'): GiftEvent => ({
  type: 'GiftPledged',
  data: { giftId, donorId: 'donor-1', amount: cny(10_000), target, remainder, pledgedAt: now },
});
const paid: GiftEvent = { type: 'GiftPaymentConfirmed', data: { giftId, donorId: 'donor-1', paymentReference: 'PAY-1', amount: cny(10_000), confirmedAt: now } };
const allocated = (allocationId: string, amount: number, policyId = 'policy-1'): GiftEvent => ({
  type: 'GiftAllocated',
  data: { giftId, allocationId, householdId: 'hh-1', productId: 'prod-1', policyId, amount: cny(amount), allocatedAt: now },
});
const held = (amount: number): GiftEvent => ({ type: 'GiftRemainderHeld', data: { giftId, amount: cny(amount), reason: 'covered', heldAt: now } });
const withdrawn: GiftEvent = { type: 'GiftPledgeWithdrawn', data: { giftId, donorId: 'donor-1', amount: cny(10_000), withdrawnAt: now } };
const credited = (amount: number, policyId = 'policy-1'): GiftEvent => ({ type: 'GiftPremiumRefundCredited', data: { giftId, policyId, amount: cny(amount), creditedAt: now } });

describe('gift decider', () => {
  describe('PledgeGift', () => {
    const pledge = { type: 'PledgeGift' as const, data: { giftId, donorId: 'donor-1', amount: cny(10_000), target, remainder: 'hold' as const, now } };

    it('records the pledge', () => spec.given([]).when(pledge).then([pledged('hold')]));

    it('refuses a second pledge with the same id', () => spec.given([pledged()]).when(pledge).thenThrows(Conflict, /already pledged/));

    it('requires a positive amount', () =>
      spec.given([]).when({ ...pledge, data: { ...pledge.data, amount: cny(0) } }).thenThrows(InvalidCommand, /^amount\.amount must be greater than 0/));

    it('requires a known remainder choice', () =>
      spec.given([]).when({ ...pledge, data: { ...pledge.data, remainder: 'keep' as RemainderChoice } }).thenThrows(InvalidCommand, /^remainder/));

    it('requires a valid programme region', () =>
      spec
        .given([])
        .when({ ...pledge, data: { ...pledge.data, target: { kind: 'programme', programmeId: 'prog-1', regionCode: '44X', productId: 'prod-1' } } })
        .thenThrows(InvalidCommand, /^target\.regionCode/));
  });

  describe('ConfirmPayment', () => {
    const confirm = (paymentReference: string, amount = 10_000) => ({ type: 'ConfirmPayment' as const, data: { giftId, paymentReference, amount: cny(amount), now } });

    it('confirms a payment of the pledged amount', () => spec.given([pledged()]).when(confirm('PAY-1')).then([paid]));

    it('is not found without a pledge', () => spec.given([]).when(confirm('PAY-1')).thenThrows(NotFound, /gift gift-1/));

    it('refuses an amount other than the pledge, naming both', () =>
      spec.given([pledged()]).when(confirm('PAY-1', 9_999)).thenThrows(Conflict, /9999 CNY .* does not match the pledged 10000 CNY/));

    it('counts the same payment reference once', () => spec.given([pledged(), paid]).when(confirm('PAY-1')).thenNothingHappens());

    it('refuses a second, different payment', () => spec.given([pledged(), paid]).when(confirm('PAY-2')).thenThrows(Conflict, /already paid by payment PAY-1/));

    it('requires a payment reference of at most 100 characters', () => {
      spec.given([pledged()]).when(confirm(' ')).thenThrows(InvalidCommand, /^paymentReference must not be empty/);
      spec.given([pledged()]).when(confirm('R'.repeat(101))).thenThrows(InvalidCommand, /^paymentReference must be at most 100/);
    });
  });

  describe('RecordAllocation', () => {
    const allocate = (allocationId: string, amount: number, ...more: [string, number][]) => ({
      type: 'RecordAllocation' as const,
      data: { giftId, allocations: [[allocationId, amount] as [string, number], ...more].map(([id, sum]) => ({ allocationId: id, householdId: 'hh-1', productId: 'prod-1', policyId: 'policy-1', amount: cny(sum) })), now },
    });

    it('allocates escrow money to a policy', () => spec.given([pledged(), paid]).when(allocate('alloc-1', 4_000)).then([allocated('alloc-1', 4_000)]));

    it('records an allocation once, however often it is retried', () =>
      spec.given([pledged(), paid, allocated('alloc-1', 4_000)]).when(allocate('alloc-1', 4_000)).thenNothingHappens());

    it('refuses more than the escrow balance', () =>
      spec.given([pledged(), paid, allocated('alloc-1', 4_000)]).when(allocate('alloc-2', 6_001)).thenThrows(Conflict, /exceeds the escrow balance of 6000 CNY/));

    it('can use money credited back from a cancelled policy', () =>
      spec.given([pledged(), paid, allocated('alloc-1', 10_000), credited(2_500)]).when(allocate('alloc-2', 2_500)).then([allocated('alloc-2', 2_500)]));

    it('refuses before the payment is confirmed', () => spec.given([pledged()]).when(allocate('alloc-1', 1)).thenThrows(Conflict, /payment is confirmed/));

    it('records several allocations at once, each once, within the escrow balance', () => {
      spec.given([pledged(), paid, allocated('alloc-1', 4_000)]).when(allocate('alloc-1', 4_000, ['alloc-2', 3_000], ['alloc-2', 3_000], ['alloc-3', 3_000])).then([allocated('alloc-2', 3_000), allocated('alloc-3', 3_000)]);
      spec.given([pledged(), paid]).when(allocate('alloc-1', 6_000, ['alloc-2', 4_001])).thenThrows(Conflict, /4001 CNY minor units exceeds the escrow balance of 4000 CNY/);
    });
  });

  describe('PlanProgrammeAllocation', () => {
    const programme: GiftTarget = { kind: 'programme', programmeId: 'prog-1', regionCode: '440305', productId: 'prod-1' };
    const programmeGift: GiftEvent = { type: 'GiftPledged', data: { giftId, donorId: 'donor-1', amount: cny(10_000), target: programme, remainder: 'refund', pledgedAt: now } };
    const allocations = [{ householdId: 'hh-1', amount: 5_000 }, { householdId: 'hh-2', amount: 3_000 }];
    const plan = (planId: string, planned = allocations) => ({ type: 'PlanProgrammeAllocation' as const, data: { giftId, planId, allocations: planned, now } });
    const planned: GiftEvent = { type: 'ProgrammeAllocationPlanned', data: { giftId, planId: 'plan-1', programmeId: 'prog-1', productId: 'prod-1', allocations, total: cny(8_000), plannedAt: now } };

    it('records the plan with its total', () => spec.given([programmeGift, paid]).when(plan('plan-1')).then([planned]));

    it('records a plan once: a retry finds it in the state and carries it out', () => {
      spec.given([programmeGift, paid, planned]).when(plan('plan-1', [{ householdId: 'hh-9', amount: 1 }])).thenNothingHappens();
      const state = foldEvents(giftDecider, [programmeGift, paid, planned]);
      expect(state.pledged && state.plans.get('plan-1')).toEqual(allocations);
    });

    it('refuses a plan beyond the escrow balance', () =>
      spec.given([programmeGift, paid, allocated('alloc-1', 5_000)]).when(plan('plan-2')).thenThrows(Conflict, /plan of 8000 CNY .* exceeds the escrow balance of 5000 CNY/));

    it('plans only a paid programme gift', () => {
      spec.given([programmeGift]).when(plan('plan-1')).thenThrows(Conflict, /payment is confirmed/);
      spec.given([pledged(), paid]).when(plan('plan-1')).thenThrows(Conflict, /not a programme/);
    });

    it('requires each household once, with a positive amount', () => {
      spec.given([programmeGift, paid]).when(plan('plan-1', [])).thenThrows(InvalidCommand, /^allocations must name at least one household/);
      spec.given([programmeGift, paid]).when(plan('plan-1', [{ householdId: 'hh-1', amount: 0 }])).thenThrows(InvalidCommand, /^allocations\[0\]\.amount/);
      spec.given([programmeGift, paid]).when(plan('plan-1', [allocations[0], allocations[0]])).thenThrows(InvalidCommand, /^allocations\[1\]\.householdId must name each household once/);
    });
  });

  describe('SettleRemainder', () => {
    const settle = { type: 'SettleRemainder' as const, data: { giftId, reason: 'covered', now } };

    it('refunds the whole escrow balance when the donor chose refund', () =>
      spec
        .given([pledged('refund'), paid, allocated('alloc-1', 7_000)])
        .when(settle)
        .then([{ type: 'GiftRemainderRefunded', data: { giftId, donorId: 'donor-1', amount: cny(3_000), reason: 'covered', refundedAt: now } }]));

    it('holds the escrow money not yet held when the donor chose hold', () =>
      spec.given([pledged('hold'), paid, allocated('alloc-1', 7_000), held(1_000)]).when(settle).then([held(2_000)]));

    it('has nothing to settle once everything is held', () => spec.given([pledged('hold'), paid, allocated('alloc-1', 7_000), held(3_000)]).when(settle).thenNothingHappens());

    it('has nothing to settle once everything is refunded', () =>
      spec
        .given([pledged('refund'), paid, { type: 'GiftRemainderRefunded', data: { giftId, donorId: 'donor-1', amount: cny(10_000), reason: 'r', refundedAt: now } }])
        .when(settle)
        .thenNothingHappens());

    it('holds again only money that came back after held money was spent', () =>
      // 3000 held, then spent on a renewal, then 1000 credited back: only that 1000 is new.
      spec.given([pledged('hold'), paid, allocated('alloc-1', 7_000), held(3_000), allocated('alloc-2', 3_000, 'policy-2'), credited(1_000, 'policy-2')]).when(settle).then([held(1_000)]));

    it('has nothing to settle before the payment arrives', () => spec.given([pledged('refund')]).when(settle).thenNothingHappens());
  });

  describe('CreditPremiumRefund', () => {
    const credit = (amount: number, policyId = 'policy-1') => ({ type: 'CreditPremiumRefund' as const, data: { giftId, policyId, amount: cny(amount), now } });

    it('credits unearned premium back into escrow', () => spec.given([pledged(), paid, allocated('alloc-1', 10_000)]).when(credit(4_000)).then([credited(4_000)]));

    it('credits a policy once', () => spec.given([pledged(), paid, allocated('alloc-1', 10_000), credited(4_000)]).when(credit(4_000)).thenNothingHappens());

    it('has nothing to credit for a zero share', () => spec.given([pledged(), paid, allocated('alloc-1', 10_000)]).when(credit(0)).thenNothingHappens());

    it('refuses more than the gift paid towards that policy', () =>
      spec.given([pledged(), paid, allocated('alloc-1', 4_000)]).when(credit(4_001)).thenThrows(Conflict, /exceeds the 4000 CNY .* gift gift-1 paid towards it/));

    it('refuses a policy the gift never paid for', () => spec.given([pledged(), paid, allocated('alloc-1', 4_000)]).when(credit(1, 'policy-9')).thenThrows(Conflict, /policy-9/));
  });

  describe('ExpirePledge', () => {
    // Pledged at 2025-03-01T08:00Z; with 72 hours to pay, it may be paid until 2025-03-04T08:00Z.
    const expire = (at: string, expiryHours = 72) => ({ type: 'ExpirePledge' as const, data: { giftId, expiryHours, now: at } });
    const expired: GiftEvent = { type: 'GiftPledgeExpired', data: { giftId, donorId: 'donor-1', amount: cny(10_000), expiredAt: '2025-03-04T08:00:00.000Z' } };

    it('expires a pledge left unpaid for the expiry time, by the clock', () => spec.given([pledged()]).when(expire('2025-03-04T08:00:00.000Z')).then([expired]));

    it('leaves a pledge that may still be paid', () =>
      spec.given([pledged()]).when(expire('2025-03-04T07:59:59.999Z')).thenThrows(Conflict, /may still be paid until 2025-03-04T08:00:00.000Z/));

    it('never expires a paid gift', () => spec.given([pledged(), paid]).when(expire('2026-01-01T00:00:00.000Z')).thenThrows(Conflict, /is paid; only an unpaid pledge expires/));

    it('does nothing to a pledge already expired or withdrawn', () => {
      spec.given([pledged(), expired]).when(expire('2025-03-05T00:00:00.000Z')).thenNothingHappens();
      spec.given([pledged(), withdrawn]).when(expire('2025-03-05T00:00:00.000Z')).thenNothingHappens();
    });

    it('cannot be paid once expired', () =>
      spec.given([pledged(), expired]).when({ type: 'ConfirmPayment', data: { giftId, paymentReference: 'PAY-1', amount: cny(10_000), now } }).thenThrows(Conflict, /was expired before it was paid; pledge again/));
  });

  describe('WithdrawPledge', () => {
    const withdraw = (donorId = 'donor-1') => ({ type: 'WithdrawPledge' as const, data: { giftId, donorId, now } });

    it('lets the donor withdraw an unpaid pledge', () => spec.given([pledged()]).when(withdraw()).then([withdrawn]));

    it('is refused once the gift is paid', () => spec.given([pledged(), paid]).when(withdraw()).thenThrows(Conflict, /already paid \(payment PAY-1\); a paid gift cannot be withdrawn/));

    it('is the donor\'s own', () => spec.given([pledged()]).when(withdraw('donor-2')).thenThrows(Forbidden, /another donor's/));

    it('does nothing the second time, and refuses an expired pledge', () => {
      spec.given([pledged(), withdrawn]).when(withdraw()).thenNothingHappens();
      spec.given([pledged(), { type: 'GiftPledgeExpired', data: { giftId, donorId: 'donor-1', amount: cny(10_000), expiredAt: now } }]).when(withdraw()).thenThrows(Conflict, /already expired/);
    });

    it('cannot be paid once withdrawn', () =>
      spec.given([pledged(), withdrawn]).when({ type: 'ConfirmPayment', data: { giftId, paymentReference: 'PAY-1', amount: cny(10_000), now } }).thenThrows(Conflict, /was withdrawn before it was paid/));
  });

  describe('escrowBalance', () => {
    it('is received - allocated + credited - refunded', () => {
      const refunded: GiftEvent = { type: 'GiftRemainderRefunded', data: { giftId, donorId: 'donor-1', amount: cny(500), reason: 'r', refundedAt: now } };
      const state = foldEvents(giftDecider, [pledged(), paid, allocated('alloc-1', 6_000), credited(1_500), refunded]);
      expect(escrowBalance(state)).toBe(10_000 - 6_000 + 1_500 - 500);
    });

    it('is 0 for a gift never pledged', () => expect(escrowBalance(giftDecider.initialState())).toBe(0));
  });
});
