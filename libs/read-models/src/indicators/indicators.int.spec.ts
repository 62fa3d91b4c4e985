import { SqliteEventStore, type RecordedEvent } from '@pangolin/event-store';
import { addDays, daysBetween, policyIdFor, type Contribution, type PangolinEvent } from '@pangolin/domain';
import type { DataSource } from 'typeorm';
import { ProjectionRunner } from '../projection-runner';
import { appendAll, recordedEvents } from '../testing/recorded-events';
import { INSURER, PREMIUM, PRODUCT, REGION, policyOf, storyEvents } from '../testing/story';
import { openTestReadStore } from '../testing/test-read-store';
import { earnedPremium } from '../insurer-view/earned-premium';
import { IndicatorsProjection } from './indicators.projection';
import { claimPromptness, declarationPromptness, insurerPromptness, monthlyIndicators, monthsUpTo, promptnessByInsurer, type IndicatorScope, type MonthlyIndicators } from './indicators.queries';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const at = (date: string, time = '09:00:00') => `${date}T${time}.000Z`;
const OTHER_INSURER = 'ins-2';
const FLOOD_PRODUCT = 'prod-2';
const hh1Renewal = policyOf('hh-1', 2);
const hh5Flood = policyIdFor('hh-5', FLOOD_PRODUCT, 1);
const claimFiled = (policyId: string, claimId: string, householdId: string, filedAt: string, declarationId?: string): PangolinEvent => ({
  type: 'ClaimFiled',
  data: { policyId, claimId, householdId, incidentDate: filedAt.slice(0, 10), kind: 'illness', amountClaimed: cny(10_000), evidence: [], filedBy: { role: 'government', id: REGION.county }, filedAt, ...(declarationId ? { declarationId } : {}) },
});
const contributions: Contribution[] = [];

/**
 * The read-model story, then: a claim settled late and one on time on hh-1's policy; hh-1's policy
 * renewed in January and hh-2's left to expire; a second insurer's parametric product (target 3
 * days) covering hh-5, and a flood declared by the county and paid 5 days later (late).
 */
const extra: PangolinEvent[] = [
  claimFiled(policyOf('hh-1'), 'claim-late', 'hh-1', at('2024-06-01')),
  { type: 'ClaimApproved', data: { policyId: policyOf('hh-1'), claimId: 'claim-late', approvedAmount: cny(8_000), inFull: false, approvedBy: 'a', approvedAt: at('2024-06-05') } },
  { type: 'ClaimPaid', data: { policyId: policyOf('hh-1'), claimId: 'claim-late', householdId: 'hh-1', insurerId: INSURER, amount: cny(8_000), payoutReference: 'P-LATE', fundedBy: [], paidAt: at('2024-06-20') } },
  claimFiled(policyOf('hh-1'), 'claim-ontime', 'hh-1', at('2024-06-02')),
  { type: 'ClaimRejected', data: { policyId: policyOf('hh-1'), claimId: 'claim-ontime', reason: 'not covered', rejectedBy: 'a', rejectedAt: at('2024-06-04') } },
  {
    type: 'ProductPublished',
    data: {
      productId: FLOOD_PRODUCT,
      insurerId: OTHER_INSURER,
      version: 1,
      terms: { name: 'Flood', coverageKind: 'property', annualPremium: cny(3_650), sumInsured: cny(100_000), waitingPeriodDays: 0, termDays: 365, settlementTargetDays: 3, parametric: { perils: ['flood'], rule: 'fixed', amount: cny(50_000) } },
      publishedAt: at('2024-01-02'),
    },
  },
  { type: 'PolicyRequested', data: { policyId: hh5Flood, householdId: 'hh-5', productId: FLOOD_PRODUCT, productVersion: 1, insurerId: OTHER_INSURER, premium: cny(3_650), sumInsured: cny(100_000), waitingPeriodDays: 0, termDays: 365, contributions, requestedAt: at('2024-02-01') } },
  { type: 'PolicyIssued', data: { policyId: hh5Flood, householdId: 'hh-5', insurerId: OTHER_INSURER, policyNumber: 'FL-1', startDate: '2024-02-15', endDate: '2025-02-13', premium: cny(3_650), contributions, issuedAt: at('2024-02-02') } },
  { type: 'DisasterDeclared', data: { declarationId: 'decl-1', declaredBy: REGION.county, peril: 'flood', regionCodes: [REGION.town2], incidentFrom: '2024-06-08', incidentTo: '2024-06-09', severity: 2, authorityReference: 'R-1', declaredAt: at('2024-06-10') } },
  { type: 'DisasterDeclarationConfirmed', data: { declarationId: 'decl-1', insurerId: OTHER_INSURER, productIds: [FLOOD_PRODUCT], paymentFileReference: 'PF', confirmedAt: at('2024-06-11') } },
  claimFiled(hh5Flood, 'claim-flood', 'hh-5', at('2024-06-15'), 'decl-1'),
  { type: 'ClaimApproved', data: { policyId: hh5Flood, claimId: 'claim-flood', approvedAmount: cny(50_000), inFull: true, approvedBy: 'system', approvedAt: at('2024-06-15') } },
  { type: 'ClaimPaid', data: { policyId: hh5Flood, claimId: 'claim-flood', householdId: 'hh-5', insurerId: OTHER_INSURER, amount: cny(50_000), payoutReference: 'PF-1', fundedBy: [], paidAt: at('2024-06-15') } },
  { type: 'DisasterPayoutsCompleted', data: { declarationId: 'decl-1', insurerId: OTHER_INSURER, policiesPaid: 1, amountPaid: cny(50_000), completedAt: at('2024-06-15') } },
  { type: 'PolicyRequested', data: { policyId: hh1Renewal, householdId: 'hh-1', productId: PRODUCT, productVersion: 1, insurerId: INSURER, premium: cny(PREMIUM), sumInsured: cny(2_000_000), waitingPeriodDays: 30, termDays: 365, contributions, requestedAt: at('2024-12-20') } },
  { type: 'PolicyIssued', data: { policyId: hh1Renewal, householdId: 'hh-1', insurerId: INSURER, policyNumber: 'POL-0011', startDate: '2025-01-05', endDate: '2026-01-04', premium: cny(PREMIUM), contributions, issuedAt: at('2024-12-28') } },
  { type: 'PolicyExpired', data: { policyId: policyOf('hh-1'), householdId: 'hh-1', productId: PRODUCT, endDate: '2024-12-31', expiredAt: at('2025-01-01') } },
  { type: 'PolicyExpired', data: { policyId: policyOf('hh-2'), householdId: 'hh-2', productId: PRODUCT, endDate: '2024-12-31', expiredAt: at('2025-01-01') } },
];

/** Each event recorded at the time its data name (the story's events carry the server's time of their decision). */
function recordedAtTheirTimes(events: PangolinEvent[]): RecordedEvent[] {
  return recordedEvents(events).map((recorded) => {
    const time = Object.entries(recorded.data as Record<string, unknown>).find(([key, value]) => key.endsWith('At') && typeof value === 'string')![1] as string;
    return { ...recorded, metadata: { ...recorded.metadata, occurredAt: time } };
  });
}

const history = recordedAtTheirTimes([...storyEvents, ...extra]);
const NOW = at('2025-01-10');

/**
 * The indicators recomputed from the events, the plain way: every claim and policy walked for
 * every month (what the projection's monthly rows exist to avoid).
 */
function recomputed(events: RecordedEvent[], scope: IndicatorScope, months: string[]): MonthlyIndicators[] {
  const policies = new Map<string, { householdId: string; productId: string; insurerId: string; village: string; premium: number; termDays: number; startDate: string | null; endDate: string | null; cancellationEffectiveDate: string | null }>();
  const villages = new Map<string, string>();
  const products = new Map<string, number>();
  const claims = new Map<string, { insurerId: string; village: string; productId: string; startedAt: string; target: number }>();
  const declarations = new Map<string, string>();
  const inScope = (insurerId: string, village: string) => (scope.insurerId === undefined || scope.insurerId === insurerId) && (!scope.regionPrefix || village.startsWith(scope.regionPrefix));
  type Figure = 'earned' | 'approved' | 'paid' | 'expired' | 'renewed' | 'settled' | 'onTime' | 'decisions' | 'decisionS' | 'payments' | 'paymentS';
  const perMonth = new Map<string, Record<Figure, number>>(months.map((month) => [month, { earned: 0, approved: 0, paid: 0, expired: 0, renewed: 0, settled: 0, onTime: 0, decisions: 0, decisionS: 0, payments: 0, paymentS: 0 }]));
  const add = (month: string, figure: Figure, amount: number) => {
    const row = perMonth.get(month);
    if (row) row[figure] += amount;
  };
  const seconds = (from: string, to: string) => Math.floor((Date.parse(to) - Date.parse(from)) / 1000);
  const expiredPolicies: string[] = [];
  for (const { type, data, metadata } of events) {
    const d = data as any;
    const month = metadata.occurredAt.slice(0, 7);
    if (type === 'HouseholdRegistered') villages.set(d.householdId, d.villageCode);
    if (type === 'ProductPublished') products.set(d.productId, d.terms.settlementTargetDays ?? 10);
    if (type === 'DisasterDeclared') declarations.set(d.declarationId, metadata.occurredAt);
    if (type === 'PolicyRequested') policies.set(d.policyId, { householdId: d.householdId, productId: d.productId, insurerId: d.insurerId, village: villages.get(d.householdId)!, premium: d.premium.amount, termDays: d.termDays, startDate: null, endDate: null, cancellationEffectiveDate: null });
    if (type === 'PolicyIssued') Object.assign(policies.get(d.policyId)!, { startDate: d.startDate, endDate: d.endDate });
    if (type === 'PolicyCancelled' && d.wasIssued) policies.get(d.policyId)!.cancellationEffectiveDate = d.effectiveDate;
    if (type === 'PolicyExpired') expiredPolicies.push(d.policyId);
    if (type === 'ClaimFiled') {
      const policy = policies.get(d.policyId)!;
      claims.set(d.claimId, { insurerId: policy.insurerId, village: policy.village, productId: policy.productId, startedAt: d.declarationId ? declarations.get(d.declarationId)! : metadata.occurredAt, target: products.get(policy.productId)! });
    }
    const claim = claims.get(d.claimId);
    if (!claim || !inScope(claim.insurerId, claim.village)) continue;
    const onTime = Date.parse(metadata.occurredAt) <= Date.parse(claim.startedAt) + claim.target * 86_400_000 ? 1 : 0;
    if (type === 'ClaimApproved' || type === 'ClaimRejected') {
      add(month, 'decisions', 1);
      add(month, 'decisionS', seconds(claim.startedAt, metadata.occurredAt));
    }
    if (type === 'ClaimApproved') add(month, 'approved', d.approvedAmount.amount);
    if (type === 'ClaimPaid') {
      add(month, 'paid', d.amount.amount);
      add(month, 'payments', 1);
      add(month, 'paymentS', seconds(claim.startedAt, metadata.occurredAt));
    }
    if (type === 'ClaimPaid' || type === 'ClaimRejected') {
      add(month, 'settled', 1);
      add(month, 'onTime', onTime);
    }
  }
  for (const [policyId, policy] of policies) {
    if (!policy.startDate || !inScope(policy.insurerId, policy.village)) continue;
    for (const month of months) add(month, 'earned', earnedPremium(policy, addDays(`${month}-01`, 40).slice(0, 8) + '01') - earnedPremium(policy, `${month}-01`));
    if (!expiredPolicies.includes(policyId)) continue;
    add(policy.endDate!.slice(0, 7), 'expired', 1);
    const successor = [...policies.values()].some((next) => next !== policy && next.householdId === policy.householdId && next.productId === policy.productId && next.startDate !== null && next.startDate > policy.startDate! && daysBetween(policy.endDate!, next.startDate) <= 30);
    if (successor) add(policy.endDate!.slice(0, 7), 'renewed', 1);
  }
  return months.map((month) => {
    const figures = perMonth.get(month)!;
    // Month-end coverage: the events recorded before the next month replayed.
    const end = addDays(`${month}-01`, 40).slice(0, 8) + '01';
    const eligible = new Set<string>();
    const active = new Map<string, string>();
    for (const { type, data, metadata } of events) {
      const d = data as any;
      if (metadata.occurredAt >= end) continue;
      if (type === 'HouseholdEligibilityVerified') eligible.add(d.householdId);
      if (type === 'HouseholdEligibilityRevoked') eligible.delete(d.householdId);
      if (type === 'PolicyIssued') active.set(d.policyId, d.householdId);
      if (type === 'PolicyExpired' || (type === 'PolicyCancelled' && d.wasIssued)) active.delete(d.policyId);
    }
    const regional = [...eligible].filter((householdId) => !scope.regionPrefix || villages.get(householdId)!.startsWith(scope.regionPrefix));
    const covered = regional.filter((householdId) => [...active].some(([policyId, holder]) => holder === householdId && (scope.insurerId === undefined || policies.get(policyId)!.insurerId === scope.insurerId)));
    const ratio = (a: number, b: number) => (b === 0 ? null : Math.floor((a * 10_000) / b));
    const mean = (s: number, n: number) => (n === 0 ? null : Math.round((s / n / 86_400) * 100) / 100);
    return {
      month,
      money: figures.earned || figures.approved || figures.paid ? [{ currency: 'CNY', earnedPremium: figures.earned, claimsIncurred: figures.approved, claimsPaid: figures.paid, incurredClaimsRatioBasisPoints: ratio(figures.approved, figures.earned) }] : [],
      policiesExpired: figures.expired,
      policiesRenewed: figures.renewed,
      renewalRatioBasisPoints: ratio(figures.renewed, figures.expired),
      claimsSettled: figures.settled,
      claimsSettledOnTime: figures.onTime,
      settlementPromptnessBasisPoints: ratio(figures.onTime, figures.settled),
      meanDaysToDecision: mean(figures.decisionS, figures.decisions),
      meanDaysToPayment: mean(figures.paymentS, figures.payments),
      eligibleHouseholds: regional.length,
      coveredHouseholds: covered.length,
      coverageRateBasisPoints: ratio(covered.length, regional.length),
    };
  });
}

describe('indicators: settlement promptness and monthly indicators', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const store = SqliteEventStore.open(':memory:', { pollIntervalMs: 5 });
    const opened = await openTestReadStore();
    dataSource = opened.dataSource;
    close = async () => {
      await opened.drop();
      await store.close();
    };
    await appendAll(store, history);
    const runner = new ProjectionRunner(store, dataSource, [new IndicatorsProjection()], { retryDelayMs: 1, batchSize: 7 });
    await runner.start();
    await runner.caughtUpTo(await store.headPosition());
    await runner.stop();
  }, 30_000);
  afterAll(() => close());

  it("lists an insurer's late claims, settled late or open past their target at the time asked, soonest due first, page by page", async () => {
    const first = await claimPromptness(dataSource.manager, { insurerId: INSURER }, { late: true }, NOW, { limit: 2 });
    const second = await claimPromptness(dataSource.manager, { insurerId: INSURER }, { late: true }, NOW, { limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map(({ claimId, outcome, late }) => [claimId, outcome, late])).toEqual([
      ['claim-3', 'open', true],
      ['claim-late', 'late', true],
      ['claim-4', 'open', true],
    ]);
    expect(second.nextCursor).toBeNull();
    expect(first.items[1]).toMatchObject({ startedAt: at('2024-06-01'), targetDays: 10, dueAt: at('2024-06-11'), daysToDecision: 4, daysToPayment: 19, ageDays: 19 });
    // Before claim-4 is ten days old, it is not late yet.
    expect((await claimPromptness(dataSource.manager, { insurerId: INSURER }, { late: true }, at('2024-08-05'), { limit: 10 })).items.map(({ claimId }) => claimId)).toEqual(['claim-3', 'claim-late']);
    const all = await claimPromptness(dataSource.manager, { insurerId: INSURER }, {}, NOW, { limit: 10 });
    expect(all.items.find(({ claimId }) => claimId === 'claim-ontime')).toMatchObject({ outcome: 'on-time', late: false, daysToDecision: 2, daysToPayment: null });
    expect(all.items).toHaveLength(6);
  });

  it("times a parametric claim and its declaration from the declaration, against the product's own target", async () => {
    const flood = await claimPromptness(dataSource.manager, { insurerId: OTHER_INSURER }, { late: true }, NOW, { limit: 10 });
    expect(flood.items).toEqual([expect.objectContaining({ claimId: 'claim-flood', declarationId: 'decl-1', startedAt: at('2024-06-10'), targetDays: 3, daysToPayment: 5, outcome: 'late' })]);
    const declarations = await declarationPromptness(dataSource.manager, REGION.county, {}, NOW, { limit: 10 });
    expect(declarations.items).toEqual([expect.objectContaining({ declarationId: 'decl-1', targetDays: 3, dueAt: at('2024-06-13'), daysToDecision: 1, daysToPayment: 5, outcome: 'late', late: true })]);
    expect((await declarationPromptness(dataSource.manager, '440306', {}, NOW, { limit: 10 })).items).toEqual([]);
  });

  it("gives each insurer's share settled on time, the overdue counting against it", async () => {
    expect(await insurerPromptness(dataSource.manager, INSURER, NOW)).toEqual({ insurerId: INSURER, claimsSettled: 4, claimsSettledOnTime: 3, claimsOverdue: 2, shareOnTimeBasisPoints: 5_000 });
    expect(await insurerPromptness(dataSource.manager, 'nobody', NOW)).toEqual({ insurerId: 'nobody', claimsSettled: 0, claimsSettledOnTime: 0, claimsOverdue: 0, shareOnTimeBasisPoints: null });
    const first = await promptnessByInsurer(dataSource.manager, { regionPrefix: REGION.county }, NOW, { limit: 1 });
    const second = await promptnessByInsurer(dataSource.manager, { regionPrefix: REGION.county }, NOW, { limit: 1, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map(({ insurerId, shareOnTimeBasisPoints }) => [insurerId, shareOnTimeBasisPoints])).toEqual([
      [INSURER, 5_000],
      [OTHER_INSURER, 0],
    ]);
    expect((await promptnessByInsurer(dataSource.manager, { regionPrefix: REGION.town2 }, NOW, { limit: 10 })).items.map(({ insurerId }) => insurerId)).toEqual([OTHER_INSURER]);
  });

  it('keeps a scope to its own: another insurer or region sees none of it', async () => {
    expect((await claimPromptness(dataSource.manager, { insurerId: 'nobody' }, {}, NOW, { limit: 10 })).items).toEqual([]);
    expect((await claimPromptness(dataSource.manager, { regionPrefix: REGION.town2 }, {}, NOW, { limit: 10 })).items.map(({ claimId }) => claimId)).toEqual(['claim-flood']);
    const nobody = await monthlyIndicators(dataSource.manager, { insurerId: 'nobody' }, '2024-12', 12);
    expect(nobody.every((month) => month.money.length === 0 && month.claimsSettled === 0 && month.coveredHouseholds === 0)).toBe(true);
  });

  it.each<[string, IndicatorScope]>([
    ['the insurer', { insurerId: INSURER }],
    ['the other insurer', { insurerId: OTHER_INSURER }],
    ['the county', { regionPrefix: REGION.county }],
    ['a town', { regionPrefix: REGION.town1 }],
    ['the insurer within a town', { insurerId: INSURER, regionPrefix: REGION.town2 }],
  ])('keeps monthly indicators equal to those recomputed from the events, for %s', async (_, scope) => {
    const months = monthsUpTo('2025-01', 14);
    expect(await monthlyIndicators(dataSource.manager, scope, '2025-01', 14)).toEqual(recomputed(history, scope, months));
  });

  it('counts the renewal of a policy that expired, and earned premium pro rata by month', async () => {
    const [december] = await monthlyIndicators(dataSource.manager, { insurerId: INSURER }, '2024-12', 1);
    expect(december).toMatchObject({ policiesExpired: 2, policiesRenewed: 1, renewalRatioBasisPoints: 5_000 });
    const [june] = await monthlyIndicators(dataSource.manager, { regionPrefix: REGION.county }, '2024-06', 1);
    expect(june.money).toEqual([expect.objectContaining({ claimsIncurred: 58_000, claimsPaid: 58_000 })]);
    expect(june).toMatchObject({ claimsSettled: 3, claimsSettledOnTime: 1, eligibleHouseholds: 4 });
  });
});
