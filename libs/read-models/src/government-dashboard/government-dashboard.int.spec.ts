import { claimsInRegion, dashboard } from './government-dashboard.queries';
import { householdsInRegion } from '../households/households.queries';
import { VillageCountsRow } from './village-counts.entity';
import { VillageClaimsRow } from './village-claims.entity';
import { DashboardClaimRow } from './dashboard-claim.entity';
import { backfillOnOpen } from '../migrations/backfill-on-open';
import { REGION } from '../testing/story';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';

const money = (received: number, allocated: number, claimsPaid: number) => [{ currency: 'CNY', received, allocated, claimsPaid }];

describe('government dashboard', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  it('rolls a county up from its towns, and a town from its villages', async () => {
    // Received: gift-1 5 000 + gift-4 1 000 (village 11), gift-3 3 000 (village 12), programme gift-2 12 000 (town 1 itself).
    // Allocated: hh-1 5 000 + hh-2 5 000 (village 11), hh-3 5 000 + 3 000 (village 12). Claims: 250 000 to hh-1.
    expect(await dashboard(story.dataSource.manager, REGION.county)).toEqual({
      code: REGION.county,
      level: 'county',
      registered: 5,
      eligible: 4,
      covered: 2,
      coverageRateBasisPoints: 5_000,
      money: money(21_000, 18_000, 250_000),
      children: [
        {
          code: REGION.town1,
          level: 'town',
          registered: 3,
          eligible: 3,
          covered: 2,
          coverageRateBasisPoints: 6_666,
          money: money(21_000, 18_000, 250_000),
          children: [],
        },
        {
          code: REGION.town2,
          level: 'town',
          registered: 2,
          eligible: 1,
          covered: 0,
          coverageRateBasisPoints: 0,
          money: [],
          children: [],
        },
      ],
    });
    expect((await dashboard(story.dataSource.manager, REGION.town1)).children).toEqual([
      { code: REGION.village11, level: 'village', registered: 2, eligible: 2, covered: 2, coverageRateBasisPoints: 10_000, money: money(6_000, 10_000, 250_000), children: [] },
      { code: REGION.village12, level: 'village', registered: 1, eligible: 1, covered: 0, coverageRateBasisPoints: 0, money: money(3_000, 8_000, 0), children: [] },
    ]);
  });

  it('fills the village counts of a read database projected before they were kept, from its households', async () => {
    const { manager } = story.dataSource;
    const before = await dashboard(manager, REGION.county);
    const counts = await manager.find(VillageCountsRow, { order: { villageCode: 'ASC' } });
    await manager.clear(VillageCountsRow);
    await backfillOnOpen(manager);
    expect(await manager.find(VillageCountsRow, { order: { villageCode: 'ASC' } })).toEqual(counts);
    expect(await dashboard(manager, REGION.county)).toEqual(before);
    // Kept counts are never counted again.
    await backfillOnOpen(manager);
    expect(await manager.count(VillageCountsRow)).toBe(counts.length);
  });

  it('leaves programme money of a wider region out of a narrower one', async () => {
    const village = await dashboard(story.dataSource.manager, REGION.village12);
    expect(village).toMatchObject({ code: REGION.village12, level: 'village', registered: 1, money: money(3_000, 8_000, 0), children: [] });
  });

  it('lists the eligible households without cover, with personal data', async () => {
    const households = (await householdsInRegion(story.dataSource.manager, { regionPrefix: REGION.county, eligible: true, covered: false }, { limit: 50 })).items;
    expect(households.map((household) => [household.householdId, household.villageCode, household.personal?.headNationalId])).toEqual([
      ['hh-3', REGION.village12, 'ID-hh-3'],
      ['hh-5', REGION.village21, 'ID-hh-5'],
    ]);
  });

  it("counts the claims on the region's households by state, and none outside it", async () => {
    const cny = (amount: number) => [{ amount, currency: 'CNY' }];
    // hh-1 and hh-2 live in village 11: claim-1 paid, claim-2 rejected, claim-3 approved, claim-4 filed.
    expect(await claimsInRegion(story.dataSource.manager, REGION.county)).toEqual({
      filed: { count: 1, amounts: cny(5_000) },
      approved: { count: 1, amounts: cny(20_000) },
      rejected: { count: 1, amounts: cny(10_000) },
      paid: { count: 1, amounts: cny(250_000) },
    });
    const none = { count: 0, amounts: [] };
    expect(await claimsInRegion(story.dataSource.manager, REGION.town2)).toEqual({ filed: none, approved: none, rejected: none, paid: none });
  });

  it("fills the claims per village of a read database projected before they were kept, from the catalogue's claims", async () => {
    const { manager } = story.dataSource;
    const before = await claimsInRegion(manager, REGION.county);
    const kept = await manager.find(VillageClaimsRow, { order: { villageCode: 'ASC', state: 'ASC' } });
    await manager.clear(VillageClaimsRow);
    await manager.clear(DashboardClaimRow);
    await backfillOnOpen(manager);
    expect(await manager.find(VillageClaimsRow, { order: { villageCode: 'ASC', state: 'ASC' } })).toEqual(kept);
    expect(await claimsInRegion(manager, REGION.county)).toEqual(before);
    // Kept claims are never counted again.
    await backfillOnOpen(manager);
    expect(await manager.count(VillageClaimsRow)).toBe(kept.length);
  });
});
