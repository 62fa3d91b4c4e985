import type { PangolinEvent } from '../events';
import { disclosureDecider, disclosureReportId } from './decider';
import { disclosureFigures } from './figures';
import { chinaDateOf, disclosurePeriod, periodBounds, placeInPeriod, quarterPeriod } from './period';
import { Conflict, InvalidCommand } from '../shared/errors';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const Q4 = quarterPeriod('2026-Q4');
const PROGRAMME = 'prog-1';

/** Events with their recorded time (UTC instants; the period is in China Standard Time). */
function at(occurredAt: string, ...events: PangolinEvent[]) {
  return events.map((event) => ({ ...event, metadata: { occurredAt } }));
}

const gift = (giftId: string, amount: number, programme: boolean, remainder: 'hold' | 'refund' = 'hold'): PangolinEvent => ({
  type: 'GiftPledged',
  data: {
    giftId, donorId: 'd1', amount: cny(amount), remainder, pledgedAt: '',
    target: programme ? { kind: 'programme', programmeId: PROGRAMME, regionCode: '440305', productId: 'p1' } : { kind: 'household', householdId: 'h1', productId: 'p1' },
  },
});
const paid = (giftId: string, amount: number): PangolinEvent => ({ type: 'GiftPaymentConfirmed', data: { giftId, donorId: 'd1', paymentReference: giftId, amount: cny(amount), confirmedAt: '' } });
const household = (householdId: string, villageCode: string, eligible = true): PangolinEvent[] => [
  { type: 'HouseholdRegistered', data: { householdId, householdCode: householdId, villageCode, registeredBy: '440305', category: 'low-income', size: 2, personal: {} as never, registeredAt: '' } },
  ...(eligible ? [{ type: 'HouseholdEligibilityVerified', data: { householdId, category: 'low-income', verifiedBy: '440305', verifiedAt: '' } } as PangolinEvent] : []),
];
const allocate = (giftId: string, householdId: string, policyId: string, amount: number): PangolinEvent[] => [
  { type: 'GiftAllocated', data: { giftId, allocationId: `${giftId}:${policyId}`, householdId, productId: 'p1', policyId, amount: cny(amount), allocatedAt: '' } },
  {
    type: 'PolicyRequested',
    data: { policyId, householdId, productId: 'p1', productVersion: 1, insurerId: 'i1', premium: cny(amount), sumInsured: cny(1_000_000), waitingPeriodDays: 0, termDays: 365, contributions: [{ giftId, amount }], requestedAt: '' },
  },
];
const issue = (policyId: string, householdId: string, giftId: string, amount: number): PangolinEvent => ({
  type: 'PolicyIssued', data: { policyId, householdId, insurerId: 'i1', policyNumber: policyId, startDate: '', endDate: '', premium: cny(amount), contributions: [{ giftId, amount }], issuedAt: '' },
});
const claim = (policyId: string, householdId: string, claimId: string, kind: 'illness' | 'accident', amount: number, fundedBy: { giftId: string; amount: number }[]): PangolinEvent[] => [
  { type: 'ClaimFiled', data: { policyId, claimId, householdId, incidentDate: '', kind, amountClaimed: cny(amount), evidence: [], filedBy: { role: 'insurer', id: 'i1' }, filedAt: '' } },
  { type: 'ClaimPaid', data: { policyId, claimId, householdId, insurerId: 'i1', amount: cny(amount), payoutReference: claimId, fundedBy, paidAt: '' } },
];

/** A programme in Nanshan, three eligible households (two towns), one ineligible; one programme gift and one direct gift. */
const story = [
  ...at('2026-09-01T00:00:00Z',
    { type: 'ProgrammeLaunched', data: { programmeId: PROGRAMME, name: 'Nanshan 2026', regionCode: '440305', productId: 'p1', launchedBy: '440305', launchedAt: '' } },
    ...household('h1', '440305001001'), ...household('h2', '440305001002'), ...household('h3', '440305002001'), ...household('h4', '440305002001', false), ...household('h9', '440306001001'),
  ),
  // Paid on 30 September 23:30 UTC: 1 October in Beijing, so inside Q4.
  ...at('2026-09-30T16:30:00Z', gift('g1', 12_000, true, 'hold'), paid('g1', 12_000)),
  ...at('2026-10-02T00:00:00Z', ...allocate('g1', 'h1', 'pol1', 5_000), ...allocate('g1', 'h2', 'pol2', 5_000), issue('pol1', 'h1', 'g1', 5_000)),
  ...at('2026-10-03T00:00:00Z', gift('g2', 5_000, false), paid('g2', 5_000), ...allocate('g2', 'h9', 'pol9', 5_000), issue('pol9', 'h9', 'g2', 5_000)),
  ...at('2026-11-05T00:00:00Z', ...claim('pol1', 'h1', 'c1', 'illness', 30_001, [{ giftId: 'g1', amount: 5_000 }]), ...claim('pol9', 'h9', 'c9', 'accident', 7_000, [{ giftId: 'g2', amount: 5_000 }])),
  // After the quarter (1 January 2027 in Beijing): left out.
  ...at('2026-12-31T16:00:00Z', gift('g3', 9_999, true), paid('g3', 9_999)),
];

describe('disclosure figures', () => {
  it('counts a programme\'s money, claims and cover in the quarter from its events, to the fen', () => {
    const figures = disclosureFigures({ kind: 'programme', programmeId: PROGRAMME }, Q4, story);
    expect(figures.scope).toMatchObject({ name: 'Nanshan 2026', regionCode: '440305', productId: 'p1' });
    expect(figures.eventsRead).toBe(story.length);
    expect(figures.money).toEqual([
      {
        currency: 'CNY', pledged: 12_000, pledgesLapsed: 0, giftsReceived: 1, received: 12_000, allocatedToPremiums: 10_000, paidToInsurers: 5_000, premiumRefundsCredited: 0, refunded: 0,
        claimsPaid: { count: 1, amount: 30_001, byPeril: [{ peril: 'illness', count: 1, amount: 30_001 }] },
        overhead: 0, awaitingPolicyIssue: 5_000, held: { total: 2_000, keptForNextPremium: 2_000, toBeRefunded: 0 },
      },
    ]);
    expect(figures.households).toEqual({
      regionCode: '440305', productId: 'p1', eligible: 3, covered: 1, uncoveredEligible: 2, coverageRateBasisPoints: 3_333, coveredByTheseGifts: 1,
      byRegion: [
        { regionCode: '440305001', eligible: 2, covered: 1, uncovered: 1, coverageRateBasisPoints: 5_000 },
        { regionCode: '440305002', eligible: 1, covered: 0, uncovered: 1, coverageRateBasisPoints: 0 },
      ],
    });
  });

  it('counts the whole platform by county, and a period before the money moved only in its balances', () => {
    const platform = disclosureFigures({ kind: 'platform' }, Q4, story);
    expect(platform.money[0]).toMatchObject({ received: 17_000, allocatedToPremiums: 15_000, paidToInsurers: 10_000, claimsPaid: { count: 2, amount: 37_001 }, held: { total: 2_000 } });
    expect(platform.households.byRegion.map((region) => [region.regionCode, region.eligible, region.covered])).toEqual([['440305', 3, 1], ['440306', 1, 1]]);
    const november = disclosureFigures({ kind: 'platform' }, disclosurePeriod({ from: '2026-11-01', to: '2026-11-30' }), story);
    expect(november.money[0]).toMatchObject({ received: 0, allocatedToPremiums: 0, claimsPaid: { count: 2 }, awaitingPolicyIssue: 5_000, held: { total: 2_000 } });
  });

  it('splits a claim by the programme gifts\' share of the premium, exactly', () => {
    const shared = [
      ...story.slice(0, -2),
      ...at('2026-11-06T00:00:00Z', ...claim('pol2', 'h2', 'c2', 'accident', 10_001, [{ giftId: 'g1', amount: 2_500 }, { giftId: 'g2', amount: 2_500 }])),
    ];
    const programme = disclosureFigures({ kind: 'programme', programmeId: PROGRAMME }, Q4, shared);
    expect(programme.money[0].claimsPaid.byPeril).toEqual([{ peril: 'accident', count: 1, amount: 5_001 }, { peril: 'illness', count: 1, amount: 30_001 }]);
  });
});

describe('disclosure periods', () => {
  it('takes quarters and calendar-valid ranges in China Standard Time, naming the field it refuses', () => {
    expect(quarterPeriod('2024-Q1')).toEqual({ from: '2024-01-01', to: '2024-03-31', label: '2024-Q1' });
    expect(disclosurePeriod({ from: '2026-10-01', to: '2026-12-31' }).label).toBe('2026-Q4');
    expect(chinaDateOf('2026-12-31T16:00:00.000Z')).toBe('2027-01-01');
    const q4 = periodBounds(Q4);
    expect(q4).toEqual({ start: '2026-09-30T16:00:00.000Z', end: '2026-12-31T16:00:00.000Z' });
    expect(['2026-09-30T15:59:59.999Z', '2026-09-30T16:00:00.000Z', '2026-12-31T15:59:59.999Z', '2026-12-31T16:00:00.000Z'].map((at) => placeInPeriod(at, q4))).toEqual(['before', 'in', 'in', 'after']);
    // Another form of the same instant is parsed: Beijing time written with its offset.
    expect(placeInPeriod('2026-10-01T00:00:00+08:00', q4)).toBe('in');
    expect(placeInPeriod('2026-09-30T23:59:59+08:00', q4)).toBe('before');
    const field = (input: Parameters<typeof disclosurePeriod>[0]) => {
      try {
        disclosurePeriod(input);
      } catch (error) {
        return (error as InvalidCommand).field;
      }
    };
    expect(field({ quarter: '2026-Q5' })).toBe('quarter');
    expect(field({ from: '2026-02-30', to: '2026-03-01' })).toBe('from');
    expect(field({ from: '2026-03-01', to: '2026-02-01' })).toBe('to');
    expect(field({ to: '2026-02-01' })).toBe('from');
  });
});

describe('disclosure versions', () => {
  const command = (correctionNote: string | null, size = '10') => ({
    type: 'PublishDisclosureReport' as const,
    data: { reportId: disclosureReportId({ kind: 'platform' }, Q4), scope: { kind: 'platform' as const }, period: Q4, checkpoint: { size, rootHash: 'ab' }, figures: {} as never, correctionNote, publishedBy: 'admin:1', now: '2027-01-05T00:00:00Z' },
  });

  it('keeps every version: a correction is version 2 with its note, and needs one', () => {
    const [first] = disclosureDecider.decide(command(null), disclosureDecider.initialState());
    expect(first.data.version).toBe(1);
    const state = disclosureDecider.evolve(disclosureDecider.initialState(), first);
    expect(() => disclosureDecider.decide(command(null), state)).toThrow(Conflict);
    expect(() => disclosureDecider.decide(command('recount', '9'), state)).toThrow(Conflict);
    const [second] = disclosureDecider.decide(command('a claim was recorded late', '12'), state);
    expect(second.data).toMatchObject({ version: 2, correctionNote: 'a claim was recorded late' });
    expect(() => disclosureDecider.decide(command('first'), disclosureDecider.initialState())).toThrow(InvalidCommand);
  });
});
