import { PangolinEvent } from '../events';
import { money } from '../shared/money';
import { LedgerBalances } from './balances';
import { assertBalanced, Posting, postingsFor } from './postings';

const occurredAt = '2025-03-01T10:00:00.000Z';
const at = (eventId: string, position = 1n) => ({ eventId, position, occurredAt });
const cny = (amount: number) => money(amount, 'CNY');

const issued = (policyId: string, contributions: { giftId: string; amount: number }[]): PangolinEvent => ({
  type: 'PolicyIssued',
  data: {
    policyId,
    householdId: 'h1',
    insurerId: 'i1',
    policyNumber: `PN-${policyId}`,
    startDate: '2025-03-02',
    endDate: '2026-03-01',
    premium: cny(contributions.reduce((sum, c) => sum + c.amount, 0)),
    contributions,
    issuedAt: occurredAt,
  },
});
const cancelled = (policyId: string, wasIssued: boolean, refunds: { giftId: string; amount: number }[]): PangolinEvent => ({
  type: 'PolicyCancelled',
  data: {
    policyId,
    householdId: 'h1',
    insurerId: 'i1',
    reason: 'household moved away',
    wasIssued,
    effectiveDate: '2025-09-01',
    unearnedPremium: cny(refunds.reduce((sum, r) => sum + r.amount, 0)),
    refunds,
    cancelledAt: occurredAt,
  },
});
const confirmed = (giftId: string, donorId: string, amount: number): PangolinEvent => ({
  type: 'GiftPaymentConfirmed',
  data: { giftId, donorId, paymentReference: `pay-${giftId}`, amount: cny(amount), confirmedAt: occurredAt },
});
const allocated = (giftId: string, policyId: string, amount: number): PangolinEvent => ({
  type: 'GiftAllocated',
  data: { giftId, allocationId: `${giftId}-${policyId}`, householdId: 'h1', productId: 'prod-1', policyId, amount: cny(amount), allocatedAt: occurredAt },
});
const claimPaid = (policyId: string, amount: number, fundedBy: { giftId: string; amount: number }[]): PangolinEvent => ({
  type: 'ClaimPaid',
  data: { policyId, claimId: 'c1', householdId: 'h1', insurerId: 'i1', amount: cny(amount), payoutReference: 'payout-1', fundedBy, paidAt: occurredAt },
});
const remainderRefunded = (giftId: string, donorId: string, amount: number): PangolinEvent => ({
  type: 'GiftRemainderRefunded',
  data: { giftId, donorId, amount: cny(amount), reason: 'cover ended early', refundedAt: occurredAt },
});

describe('postingsFor', () => {
  it('moves a confirmed payment from the donor into the gift escrow', () => {
    expect(postingsFor(confirmed('g1', 'd1', 5_000), at('e1', 7n))).toEqual<Posting[]>([
      {
        postingId: 'e1',
        kind: 'gift-received',
        currency: 'CNY',
        entries: [
          { account: 'donor:d1', amount: -5_000 },
          { account: 'escrow:gift:g1', amount: 5_000 },
        ],
        giftIds: ['g1'],
        eventId: 'e1',
        position: 7n,
        occurredAt,
      },
    ]);
  });

  it('moves an allocation from the gift escrow to the premium gathered for the policy', () => {
    expect(postingsFor(allocated('g1', 'p1', 2_000), at('e2'))).toMatchObject([
      {
        postingId: 'e2',
        kind: 'premium-allocated',
        entries: [
          { account: 'escrow:gift:g1', amount: -2_000 },
          { account: 'premium:policy:p1', amount: 2_000 },
        ],
        giftIds: ['g1'],
      },
    ]);
  });

  it('pays the gathered premium to the insurer when the policy is issued, tracing every contributing gift once', () => {
    const event = issued('p1', [
      { giftId: 'g1', amount: 2_000 },
      { giftId: 'g2', amount: 500 },
      { giftId: 'g1', amount: 500 },
    ]);
    expect(postingsFor(event, at('e3'))).toMatchObject([
      {
        postingId: 'e3',
        kind: 'premium-paid-to-insurer',
        entries: [
          { account: 'premium:policy:p1', amount: -3_000 },
          { account: 'insurer:i1', amount: 3_000 },
        ],
        giftIds: ['g1', 'g2'],
      },
    ]);
  });

  it('refunds the unearned premium of an issued policy from the insurer, one indexed posting per gift', () => {
    const event = cancelled('p1', true, [
      { giftId: 'g1', amount: 700 },
      { giftId: 'g2', amount: 300 },
    ]);
    expect(postingsFor(event, at('e4'))).toMatchObject([
      { postingId: 'e4:0', kind: 'unearned-premium-refunded', entries: [{ account: 'insurer:i1', amount: -700 }, { account: 'escrow:gift:g1', amount: 700 }], giftIds: ['g1'] },
      { postingId: 'e4:1', kind: 'unearned-premium-refunded', entries: [{ account: 'insurer:i1', amount: -300 }, { account: 'escrow:gift:g2', amount: 300 }], giftIds: ['g2'] },
    ]);
  });

  it('refunds the premium of a policy never issued from the premium gathered for it', () => {
    expect(postingsFor(cancelled('p2', false, [{ giftId: 'g1', amount: 3_000 }]), at('e5'))).toMatchObject([
      { postingId: 'e5', entries: [{ account: 'premium:policy:p2', amount: -3_000 }, { account: 'escrow:gift:g1', amount: 3_000 }], giftIds: ['g1'] },
    ]);
  });

  it('posts nothing for a refund share of zero', () => {
    expect(postingsFor(cancelled('p1', true, [{ giftId: 'g1', amount: 0 }]), at('e6'))).toEqual([]);
  });

  it('pays a claim from the insurer to the household, tracing the gifts that funded the policy', () => {
    const event = claimPaid('p1', 1_500, [
      { giftId: 'g1', amount: 2_000 },
      { giftId: 'g2', amount: 1_000 },
    ]);
    expect(postingsFor(event, at('e7'))).toMatchObject([
      { postingId: 'e7', kind: 'claim-paid', entries: [{ account: 'insurer:i1', amount: -1_500 }, { account: 'household:h1', amount: 1_500 }], giftIds: ['g1', 'g2'] },
    ]);
  });

  it('returns a refunded remainder from the gift escrow to the donor', () => {
    expect(postingsFor(remainderRefunded('g1', 'd1', 4_000), at('e8'))).toMatchObject([
      { postingId: 'e8', kind: 'remainder-refunded', entries: [{ account: 'escrow:gift:g1', amount: -4_000 }, { account: 'donor:d1', amount: 4_000 }], giftIds: ['g1'] },
    ]);
  });

  it('posts nothing for events that move no money, including the gift-side echo of a cancellation refund', () => {
    const silent: PangolinEvent[] = [
      { type: 'GiftPledged', data: { giftId: 'g1', donorId: 'd1', amount: cny(5_000), target: { kind: 'household', householdId: 'h1', productId: 'prod-1' }, remainder: 'refund', pledgedAt: occurredAt } },
      { type: 'GiftRemainderHeld', data: { giftId: 'g1', amount: cny(1_000), reason: 'no uncovered household', heldAt: occurredAt } },
      { type: 'GiftPremiumRefundCredited', data: { giftId: 'g1', policyId: 'p1', amount: cny(700), creditedAt: occurredAt } },
      { type: 'ProgrammeClosed', data: { programmeId: 'prog-1', reason: 'ended', closedAt: occurredAt } },
    ];
    for (const event of silent) expect(postingsFor(event, at('e9'))).toEqual([]);
  });
});

describe('assertBalanced', () => {
  const posting = postingsFor(confirmed('g1', 'd1', 5_000), at('e1'))[0];

  it('accepts a posting whose entries sum to zero', () => {
    expect(() => assertBalanced(posting)).not.toThrow();
  });

  it('rejects an unbalanced posting, a fractional amount and an empty posting', () => {
    expect(() => assertBalanced({ ...posting, entries: [{ account: 'donor:d1', amount: -5_000 }, { account: 'escrow:gift:g1', amount: 4_999 }] })).toThrow(/sum to -1/);
    expect(() => assertBalanced({ ...posting, entries: [{ account: 'donor:d1', amount: -0.5 }, { account: 'escrow:gift:g1', amount: 0.5 }] })).toThrow(/not an integer/);
    expect(() => assertBalanced({ ...posting, entries: [] })).toThrow(/no entries/);
  });
});

describe('a whole gift story', () => {
  // Two donors fund two policies of household h1; one policy is cancelled before issue, the other
  // pays a claim and is cancelled part-way, and the donors take back what remains.
  const story: PangolinEvent[] = [
    confirmed('g1', 'd1', 5_000),
    confirmed('g2', 'd2', 2_000),
    allocated('g1', 'p1', 2_000),
    allocated('g2', 'p1', 1_000),
    allocated('g1', 'p2', 3_000),
    issued('p1', [
      { giftId: 'g1', amount: 2_000 },
      { giftId: 'g2', amount: 1_000 },
    ]),
    cancelled('p2', false, [{ giftId: 'g1', amount: 3_000 }]),
    claimPaid('p1', 1_500, [
      { giftId: 'g1', amount: 2_000 },
      { giftId: 'g2', amount: 1_000 },
    ]),
    cancelled('p1', true, [
      { giftId: 'g1', amount: 700 },
      { giftId: 'g2', amount: 300 },
    ]),
    { type: 'GiftPremiumRefundCredited', data: { giftId: 'g1', policyId: 'p1', amount: cny(700), creditedAt: occurredAt } },
    remainderRefunded('g1', 'd1', 3_700),
    remainderRefunded('g2', 'd2', 1_300),
  ];
  const postings = story.flatMap((event, i) => postingsFor(event, at(`e${i}`, BigInt(i))));

  it('balances every posting', () => {
    expect(postings).toHaveLength(12);
    for (const posting of postings) expect(() => assertBalanced(posting)).not.toThrow();
  });

  it('ends with empty escrows and premium accounts, the claim with the household and the earned premium with the insurer', () => {
    const balances = LedgerBalances.of(postings);
    expect(balances.toJSON()).toEqual({
      'donor:d1': { CNY: -1_300 },
      'donor:d2': { CNY: -700 },
      'escrow:gift:g1': { CNY: 0 },
      'escrow:gift:g2': { CNY: 0 },
      'premium:policy:p1': { CNY: 0 },
      'premium:policy:p2': { CNY: 0 },
      'insurer:i1': { CNY: 500 },
      'household:h1': { CNY: 1_500 },
    });
    const total = Object.values(balances.toJSON()).reduce((sum, byCurrency) => sum + byCurrency.CNY, 0);
    expect(total).toBe(0);
  });

  it('reads 0 for an account that never moved money and keeps currencies apart', () => {
    const dollarGift: PangolinEvent = {
      type: 'GiftPaymentConfirmed',
      data: { giftId: 'g3', donorId: 'd1', paymentReference: 'pay-g3', amount: money(100, 'USD'), confirmedAt: occurredAt },
    };
    const balances = LedgerBalances.of([...postings, ...postingsFor(dollarGift, at('usd'))]);
    expect(balances.balance('household:h2', 'CNY')).toBe(0);
    expect(balances.balance('donor:d1', 'CNY')).toBe(-1_300);
    expect(balances.balance('donor:d1', 'USD')).toBe(-100);
  });

  it('refuses to fold an unbalanced posting', () => {
    const unbalanced = { ...postings[0], entries: [{ account: 'donor:d1', amount: -1 }] };
    expect(() => new LedgerBalances().apply(unbalanced)).toThrow(/unbalanced/);
  });
});
