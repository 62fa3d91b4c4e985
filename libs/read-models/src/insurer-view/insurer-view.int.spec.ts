import { insurerClaims, insurerPolicies, insurerView, lossRatioOverTime } from './insurer-view.queries';
import { earnedPremium } from './earned-premium';
import { householdCode, INSURER, policyOf } from '../testing/story';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { PolicyCohortRow } from './policy-cohort.entity';
import { PolicyRow } from '../catalogue/policy.entity';
import { quotedTable } from '../shared/raw-sql';
import { policyCohortsFromPolicies } from '../migrations/1765830000000-insurer-policy-cohorts';

class RolledBack extends Error {}

const cny = (amount: number) => ({ amount, currency: 'CNY' });

describe('insurer view', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  it('counts policies by state, and lists them newest first with their households', async () => {
    const view = await insurerView(story.dataSource.manager, INSURER, '2024-10-01');
    expect(view.policies.counts).toEqual({ requested: 0, active: 2, expired: 0, cancelled: 1 });
    const policies = await insurerPolicies(story.dataSource.manager, INSURER, {}, { limit: 50 });
    expect(policies.items.map((policy) => [policy.policyId, policy.policyNumber, policy.status, policy.claimsPaid.amount, policy.remainingCover.amount, policy.household.personal?.headName])).toEqual([
      [policyOf('hh-3'), 'POL-0003', 'cancelled', 0, 2_000_000, 'Head of hh-3'],
      [policyOf('hh-2'), 'POL-0002', 'active', 0, 2_000_000, 'Head of hh-2'],
      [policyOf('hh-1'), 'POL-0001', 'active', 250_000, 1_750_000, 'Head of hh-1'],
    ]);
    expect(policies.nextCursor).toBeNull();
    expect((await insurerPolicies(story.dataSource.manager, INSURER, { search: 'POL-0002' }, { limit: 50 })).items.map((policy) => policy.policyId)).toEqual([policyOf('hh-2')]);
    // The start of a household code, in any letter case: that household's policies only.
    expect((await insurerPolicies(story.dataSource.manager, INSURER, { search: householdCode('hh-2').slice(0, -2).toLowerCase() }, { limit: 50 })).items.map((policy) => policy.policyId)).toEqual([policyOf('hh-2')]);
    expect((await insurerPolicies(story.dataSource.manager, INSURER, { search: 'HH-4403050010' }, { limit: 50 })).items.map((policy) => policy.household.householdCode).sort()).toEqual(
      (await insurerPolicies(story.dataSource.manager, INSURER, {}, { limit: 50 })).items.map((policy) => policy.household.householdCode).filter((code) => code.startsWith('HH-4403050010')).sort(),
    );
    expect((await insurerPolicies(story.dataSource.manager, INSURER, { status: 'cancelled' }, { limit: 50 })).items.map((policy) => policy.policyId)).toEqual([policyOf('hh-3')]);
  });

  it('keeps the issued policies in cohorts: the same groups as the policies themselves, and what an upgrade fills in', async () => {
    const manager = story.dataSource.manager;
    const kept = (await manager.find(PolicyCohortRow, { where: { insurerId: INSURER } })).filter((cohort) => cohort.policies !== 0);
    const grouped = new Map<string, { policies: number; unearnedPremiumReturned: number }>();
    for (const policy of await manager.find(PolicyRow, { where: { insurerId: INSURER } })) {
      if (!policy.issuedAt) continue;
      const key = [policy.currency, policy.premium, policy.startDate, policy.termDays, policy.cancellationEffectiveDate ?? ''].join('|');
      const group = grouped.get(key) ?? { policies: 0, unearnedPremiumReturned: 0 };
      grouped.set(key, { policies: group.policies + 1, unearnedPremiumReturned: group.unearnedPremiumReturned + policy.unearnedPremiumReturned });
    }
    const byKey = (cohorts: PolicyCohortRow[]) => new Map(cohorts.map((c) => [[c.currency, c.premium, c.startDate, c.termDays, c.cancellationEffectiveDate].join('|'), { policies: c.policies, unearnedPremiumReturned: c.unearnedPremiumReturned }]));
    expect(byKey(kept)).toEqual(grouped);
    expect(grouped.size).toBe(2);

    // The migration's (and SQLite's open's) fill, from the policies: the same cohorts.
    const table = quotedTable(manager, PolicyCohortRow);
    await manager.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${table}`);
      await tx.query(policyCohortsFromPolicies(table, quotedTable(tx, PolicyRow)));
      expect(byKey(await tx.find(PolicyCohortRow, { where: { insurerId: INSURER } }))).toEqual(grouped);
      throw new RolledBack();
    }).catch((error) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  });

  it('earns premium pro rata, stopping at cancellation, and works out the loss ratio', async () => {
    // 2024-01-01 .. 2024-10-01 is 274 of 365 days: floor(5 000 * 274 / 365) = 3 753 for each policy in force;
    // the cancelled one earned floor(5 000 * 182 / 365) = 2 493 up to 2024-07-01.
    const october = await insurerView(story.dataSource.manager, INSURER, '2024-10-01');
    expect(october.premiums).toEqual([
      { currency: 'CNY', premiumsReceived: 15_000, unearnedPremiumReturned: 2_507, premiumsEarned: 3_753 * 2 + 2_493, claimsPaid: 250_000, lossRatioBasisPoints: 250_025 },
    ]);
    // 2024-04-01 is day 91: floor(5 000 * 91 / 365) = 1 246 for all three.
    const april = await insurerView(story.dataSource.manager, INSURER, '2024-04-01');
    expect(april.premiums[0]).toMatchObject({ premiumsEarned: 3 * 1_246, lossRatioBasisPoints: Math.floor((250_000 * 10_000) / 3_738) });
    const beforeCover = await insurerView(story.dataSource.manager, INSURER, '2023-12-31');
    expect(beforeCover.premiums[0]).toMatchObject({ premiumsEarned: 0, lossRatioBasisPoints: null });
  });

  it('keeps the claims queue by state with amounts and ids', async () => {
    const view = await insurerView(story.dataSource.manager, INSURER, '2024-10-01');
    expect(view.claims.byState).toEqual({
      filed: { count: 1, amounts: [cny(5_000)] },
      approved: { count: 1, amounts: [cny(20_000)] },
      rejected: { count: 1, amounts: [cny(10_000)] },
      paid: { count: 1, amounts: [cny(250_000)] },
    });
    const claims = (filter: Parameters<typeof insurerClaims>[2]) => insurerClaims(story.dataSource.manager, INSURER, filter, { limit: 50 }).then((page) => page.items);
    expect((await claims({ states: ['filed', 'approved'] })).map((claim) => [claim.claimId, claim.state, claim.policyId])).toEqual([
      ['claim-3', 'approved', policyOf('hh-2')],
      ['claim-4', 'filed', policyOf('hh-1')],
    ]);
    expect(await claims({ states: ['paid'] })).toEqual([
      expect.objectContaining({ claimId: 'claim-1', amountClaimed: cny(300_000), approvedAmount: cny(250_000), paidAmount: cny(250_000), payoutReference: 'PAYOUT-1', filedBy: { role: 'government', id: '440305' }, policyNumber: 'POL-0001' }),
    ]);
    expect((await claims({})).map((claim) => claim.claimId)).toEqual(['claim-2', 'claim-1', 'claim-3', 'claim-4']);
  });

  it('shows nothing of another insurer', async () => {
    const view = await insurerView(story.dataSource.manager, 'ins-2', '2024-10-01');
    expect(view).toMatchObject({ policies: { counts: { requested: 0, active: 0, expired: 0, cancelled: 0 } }, premiums: [], claims: { byState: { filed: { count: 0 } } } });
    expect(await insurerPolicies(story.dataSource.manager, 'ins-2', {}, { limit: 50 })).toEqual({ items: [], nextCursor: null });
    expect(await insurerClaims(story.dataSource.manager, 'ins-2', {}, { limit: 50 })).toEqual({ items: [], nextCursor: null });
  });

  it('follows the cumulative loss ratio month by month', async () => {
    // Three policies from 2024-01-01 earn floor(5 000 * days / 365) each; claim-1 (250 000) was paid on 2024-03-12.
    const [series] = await lossRatioOverTime(story.dataSource.manager, INSURER, '2024-04-15', 4);
    expect(series.currency).toBe('CNY');
    expect(series.points).toEqual([
      { date: '2024-01-31', premiumsEarned: 3 * 424, claimsPaid: 0, lossRatioBasisPoints: 0 },
      { date: '2024-02-29', premiumsEarned: 3 * 821, claimsPaid: 0, lossRatioBasisPoints: 0 },
      { date: '2024-03-31', premiumsEarned: 3 * 1_246, claimsPaid: 250_000, lossRatioBasisPoints: Math.floor((250_000 * 10_000) / (3 * 1_246)) },
      { date: '2024-04-15', premiumsEarned: 3 * 1_452, claimsPaid: 250_000, lossRatioBasisPoints: Math.floor((250_000 * 10_000) / (3 * 1_452)) },
    ]);
    expect(await lossRatioOverTime(story.dataSource.manager, 'another-insurer', '2024-04-15', 4)).toEqual([]);
  });
});

describe('earnedPremium', () => {
  const policy = { premium: 36_500, startDate: '2024-01-01', termDays: 365, cancellationEffectiveDate: null };

  it('is nothing before the start and the whole premium from the end on', () => {
    expect(earnedPremium(policy, '2023-06-01')).toBe(0);
    expect(earnedPremium(policy, '2024-01-11')).toBe(1_000);
    expect(earnedPremium(policy, '2025-06-01')).toBe(36_500);
  });

  it('stops at the cancellation date, and a policy never issued earns nothing', () => {
    expect(earnedPremium({ ...policy, cancellationEffectiveDate: '2024-01-21' }, '2024-06-01')).toBe(2_000);
    expect(earnedPremium({ ...policy, startDate: null }, '2024-06-01')).toBe(0);
  });
});
