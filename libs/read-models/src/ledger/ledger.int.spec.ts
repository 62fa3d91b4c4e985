import { accountBalances, entriesForGift, ledgerTotal } from './ledger.queries';
import { LedgerPostingGiftRow } from './ledger-posting-gift.entity';
import { LedgerEntryRow } from './ledger-entry.entity';
import { LedgerTotalRow } from './ledger-total.entity';
import { backfillOnOpen } from '../migrations/backfill-on-open';
import { INSURER, policyOf } from '../testing/story';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';

describe('ledger', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  it('sums to zero', async () => {
    expect(await ledgerTotal(story.dataSource.manager)).toEqual([{ currency: 'CNY', total: 0 }]);
    // Kept by the projection as it appends: the same as summing every entry.
    const [{ sum }] = await story.dataSource.manager.createQueryBuilder(LedgerEntryRow, 'e').select('SUM(e.amount)', 'sum').getRawMany();
    expect(Number(sum)).toBe(0);
  });

  it('keeps the balance of every account', async () => {
    expect((await accountBalances(story.dataSource.manager, {}, { limit: 50 })).items).toEqual([
      { account: 'donor:donor-a', currency: 'CNY', balance: -5_000 },
      { account: 'donor:donor-b', currency: 'CNY', balance: -12_000 },
      { account: 'donor:donor-c', currency: 'CNY', balance: -3_000 },
      { account: 'escrow:gift:gift-1', currency: 'CNY', balance: 0 },
      { account: 'escrow:gift:gift-2', currency: 'CNY', balance: 4_507 },
      { account: 'escrow:gift:gift-3', currency: 'CNY', balance: 0 },
      { account: 'escrow:gift:gift-4', currency: 'CNY', balance: 0 },
      { account: 'household:hh-1', currency: 'CNY', balance: 250_000 },
      { account: `insurer:${INSURER}`, currency: 'CNY', balance: 15_000 - 2_507 - 250_000 },
      ...[
        { account: `premium:policy:${policyOf('hh-1')}`, currency: 'CNY', balance: 0 },
        { account: `premium:policy:${policyOf('hh-2')}`, currency: 'CNY', balance: 0 },
        { account: `premium:policy:${policyOf('hh-3')}`, currency: 'CNY', balance: 0 },
        { account: `premium:policy:${policyOf('hh-3', 2)}`, currency: 'CNY', balance: 3_000 },
      ].sort((a, b) => a.account.localeCompare(b.account)),
    ]);
    expect((await accountBalances(story.dataSource.manager, { accountPrefix: 'escrow:gift:gift-2' }, { limit: 50 })).items).toEqual([{ account: 'escrow:gift:gift-2', currency: 'CNY', balance: 4_507 }]);
  });

  it("lists every posting that moves a gift's money", async () => {
    const entries = (await entriesForGift(story.dataSource.manager, 'gift-1', { limit: 50 })).items;
    expect(entries.map((entry) => [entry.account, entry.amount])).toEqual([
      ['donor:donor-a', -5_000],
      ['escrow:gift:gift-1', 5_000],
      ['escrow:gift:gift-1', -5_000],
      [`premium:policy:${policyOf('hh-1')}`, 5_000],
      [`premium:policy:${policyOf('hh-1')}`, -5_000],
      [`insurer:${INSURER}`, 5_000],
      [`insurer:${INSURER}`, -250_000],
      ['household:hh-1', 250_000],
    ]);
    expect(entries.every((entry) => entry.giftIds.includes('gift-1') && /^\d+$/.test(entry.position))).toBe(true);
    expect((await entriesForGift(story.dataSource.manager, 'gift-', { limit: 50 })).items).toEqual([]);
  });

  it("finds a gift's postings and the total in a database projected before they were kept, once filled from the postings and entries", async () => {
    const { manager } = story.dataSource;
    const before = await entriesForGift(manager, 'gift-2', { limit: 50 });
    expect(before.items.length).toBeGreaterThan(0);
    const total = await ledgerTotal(manager);
    await manager.clear(LedgerPostingGiftRow);
    await manager.clear(LedgerTotalRow);
    expect((await entriesForGift(manager, 'gift-2', { limit: 50 })).items).toEqual([]);
    await backfillOnOpen(manager);
    expect(await entriesForGift(manager, 'gift-2', { limit: 50 })).toEqual(before);
    expect(await ledgerTotal(manager)).toEqual(total);
  });
});
