import type { EntityManager } from 'typeorm';
import { moneyOf, platformTotals, programmeTotals, publicView, type PlatformTotals } from './public-view.queries';
import { PublicGiftRow } from './public-gift.entity';
import { PublicAllocationRow } from './public-allocation.entity';
import { PublicTotalsRow } from './public-totals.entity';
import { PublicReachRow } from './public-reach.entity';
import { PublicMemberRow } from './public-member.entity';
import { backfillOnOpen } from '../migrations/backfill-on-open';
import { PRODUCT, PROGRAMME, REGION } from '../testing/story';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';

/** A scope's totals summed over every public gift and allocation, as /public/totals once did per request: what the kept totals must equal. */
async function summedOverRows(manager: EntityManager, programmeId?: string): Promise<PlatformTotals> {
  const gifts = (await manager.find(PublicGiftRow)).filter((gift) => programmeId === undefined || gift.programmeId === programmeId);
  const allocations = (await manager.find(PublicAllocationRow)).filter((allocation) => allocation.policyActive && (programmeId === undefined || allocation.programmeId === programmeId));
  const paid = gifts.filter((gift) => gift.received > 0);
  const unpaid = gifts.filter((gift) => gift.received === 0);
  const currencies = (list: PublicGiftRow[]) => [...new Set(list.map((gift) => gift.currency))].sort();
  const sum = (list: PublicGiftRow[], figure: keyof PublicGiftRow) => list.reduce((total, gift) => total + (gift[figure] as number), 0);
  return {
    gifts: paid.length,
    donors: new Set(paid.map((gift) => gift.donorId)).size,
    unpaidPledges: { count: unpaid.length, amount: currencies(unpaid).map((currency) => ({ currency, amount: sum(unpaid.filter((gift) => gift.currency === currency), 'pledged') })) },
    householdsCovered: new Set(allocations.map((allocation) => allocation.householdId)).size,
    money: currencies(paid).map((currency) => {
      const of = paid.filter((gift) => gift.currency === currency);
      const figures = ['pledged', 'received', 'allocated', 'paidToInsurers', 'premiumRefundsCredited', 'refunded', 'claimsPaid'] as const;
      return moneyOf({ currency, ...(Object.fromEntries(figures.map((figure) => [figure, sum(of, figure)])) as Record<(typeof figures)[number], number>) });
    }),
  };
}

describe('public view', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  it('totals each programme, a page at a time', async () => {
    // gift-2 paid 12 000, allocated 5 000 to hh-2 and hh-3; hh-3's policy was cancelled and 2 507 came back.
    // A pledge of 700 is not paid: it is no gift (yet), only an unpaid pledge.
    expect(await programmeTotals(story.dataSource.manager, { limit: 50 })).toEqual({
      items: [
        {
          programmeId: PROGRAMME,
          name: 'Nanshan town cover 2024',
          regionCode: REGION.town1,
          productId: PRODUCT,
          closed: false,
          gifts: 1,
          donors: 1,
          unpaidPledges: { count: 1, amount: [{ currency: 'CNY', amount: 700 }] },
          householdsCovered: 1,
          money: [
            {
              currency: 'CNY',
              pledged: 12_000,
              received: 12_000,
              allocated: 10_000,
              paidToInsurers: 10_000 - 2_507,
              awaitingPolicyIssue: 0,
              premiumRefundsCredited: 2_507,
              refunded: 0,
              heldInEscrow: 4_507,
              claimsPaid: 0,
            },
          ],
        },
      ],
      nextCursor: null,
    });
  });

  it('reconciles pledged, received, allocated, paid to insurers, refunded, held and claims for the platform', async () => {
    const platform = await platformTotals(story.dataSource.manager);
    expect(platform).toEqual({
      gifts: 4,
      donors: 3,
      unpaidPledges: { count: 1, amount: [{ currency: 'CNY', amount: 700 }] },
      householdsCovered: 2,
      money: [
        {
          currency: 'CNY',
          pledged: 21_000,
          received: 21_000,
          allocated: 18_000,
          paidToInsurers: 15_000 - 2_507,
          // gift-3's 3 000 for hh-3's second round, whose policy is not requested yet
          awaitingPolicyIssue: 3_000,
          premiumRefundsCredited: 2_507,
          refunded: 1_000,
          heldInEscrow: 4_507,
          claimsPaid: 250_000,
        },
      ],
    });
    const [cny] = platform.money;
    expect(cny.heldInEscrow + cny.refunded + cny.paidToInsurers + cny.awaitingPolicyIssue).toBe(cny.received);
    expect(JSON.stringify(await publicView(story.dataSource.manager))).not.toMatch(/Head of|ID-hh|donor-/);
  });

  it('keeps totals equal to a sum over every public gift and allocation, for the platform and each programme', async () => {
    const { manager } = story.dataSource;
    expect(await platformTotals(manager)).toEqual(await summedOverRows(manager));
    const { items } = await programmeTotals(manager, { limit: 50 });
    for (const { programmeId, gifts, donors, unpaidPledges, householdsCovered, money } of items) {
      expect({ gifts, donors, unpaidPledges, householdsCovered, money }).toEqual(await summedOverRows(manager, programmeId));
    }
  });

  it('fills the totals of a read database projected before they were kept, from the public gifts and allocations', async () => {
    const { manager } = story.dataSource;
    const tables = [PublicTotalsRow, PublicReachRow, PublicMemberRow] as const;
    const kept = await Promise.all(tables.map((table) => manager.find(table)));
    const sorted = (rows: object[]) => rows.map((row) => JSON.stringify(row)).sort();
    for (const table of tables) await manager.clear(table);
    await backfillOnOpen(manager);
    for (const [i, table] of tables.entries()) expect(sorted(await manager.find(table))).toEqual(sorted(kept[i]));
    // Kept totals are never counted again.
    await backfillOnOpen(manager);
    expect(await manager.count(PublicTotalsRow)).toBe(kept[0].length);
  });
});
