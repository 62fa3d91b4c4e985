import type { EntityManager } from 'typeorm';
import type { PangolinEvent } from '@pangolin/domain';
import { SqliteEventStore } from '@pangolin/event-store';
import { listUncoveredEligible } from './households.queries';
import { HouseholdRow } from './household.entity';
import { HouseholdFundingRow } from './household-funding.entity';
import { UncoveredHouseholdRow, UncoveredProductRow } from './uncovered-household.entity';
import { ProductRow } from '../catalogue/product.entity';
import { ProjectionRunner } from '../projection-runner';
import { allProjections } from '../registry';
import { appendAll, recordedEvents } from '../testing/recorded-events';
import { INSURER, PRODUCT, REGION, householdCode, policyOf, storyEvents, storyHouseholdKeys } from '../testing/story';
import { openTestReadStore } from '../testing/test-read-store';
import { quotedTable } from '../shared/raw-sql';
import { uncoveredHouseholdsFromHouseholds, uncoveredProductsFromProducts } from '../migrations/1765700000000-uncovered-households';

const at = (date: string) => `${date}T12:00:00.000Z`;
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const SECOND = 'prod-2';
const terms = { name: 'Second cover', coverageKind: 'accident-illness' as const, annualPremium: cny(4_000), sumInsured: cny(1_000_000), waitingPeriodDays: 30, termDays: 365 };
const secondPolicy = (householdId: string) => `policy-${householdId}-${SECOND}-1`;

/**
 * The story in chapters, each ending where the kept set is compared with the old query: households
 * registered and verified before the first product exists, gifts funding premiums, policies issued and
 * cancelled (the story); a second product published after the verifications, a household verified
 * after it, premiums of the second product part funded, fully funded and requested; eligibility revoked,
 * personal data erased, a policy expired, a round reopened, a re-verification in another category;
 * the revoked household verified again.
 */
const chapters: PangolinEvent[][] = [
  storyEvents,
  [
    { type: 'ProductPublished', data: { productId: SECOND, insurerId: INSURER, version: 1, terms, publishedAt: at('2024-08-10') } },
    { type: 'HouseholdEligibilityVerified', data: { householdId: 'hh-4', category: 'low-income', verifiedBy: REGION.county, verifiedAt: at('2024-08-11') } },
    { type: 'PremiumContributionAccepted', data: { householdId: 'hh-1', productId: SECOND, round: 1, policyId: secondPolicy('hh-1'), contributionId: 'c-2-1', giftId: 'gift-1', amount: cny(1_000), fundedTotal: cny(1_000), premium: cny(4_000), productVersion: 1, acceptedAt: at('2024-08-12') } },
    { type: 'PremiumContributionAccepted', data: { householdId: 'hh-2', productId: SECOND, round: 1, policyId: secondPolicy('hh-2'), contributionId: 'c-2-2', giftId: 'gift-2', amount: cny(4_000), fundedTotal: cny(4_000), premium: cny(4_000), productVersion: 1, acceptedAt: at('2024-08-12') } },
    { type: 'PremiumFullyFunded', data: { householdId: 'hh-2', productId: SECOND, productVersion: 1, round: 1, policyId: secondPolicy('hh-2'), premium: cny(4_000), contributions: [{ giftId: 'gift-2', amount: 4_000 }], fundedAt: at('2024-08-12') } },
    { type: 'PremiumContributionAccepted', data: { householdId: 'hh-4', productId: SECOND, round: 1, policyId: secondPolicy('hh-4'), contributionId: 'c-2-4', giftId: 'gift-3', amount: cny(4_000), fundedTotal: cny(4_000), premium: cny(4_000), productVersion: 1, acceptedAt: at('2024-08-13') } },
    { type: 'PremiumFullyFunded', data: { householdId: 'hh-4', productId: SECOND, productVersion: 1, round: 1, policyId: secondPolicy('hh-4'), premium: cny(4_000), contributions: [{ giftId: 'gift-3', amount: 4_000 }], fundedAt: at('2024-08-13') } },
    {
      type: 'PolicyRequested',
      data: { policyId: secondPolicy('hh-4'), householdId: 'hh-4', productId: SECOND, productVersion: 1, insurerId: INSURER, premium: cny(4_000), sumInsured: cny(1_000_000), waitingPeriodDays: 30, termDays: 365, contributions: [{ giftId: 'gift-3', amount: 4_000 }], requestedAt: at('2024-08-14') },
    },
  ],
  [
    { type: 'HouseholdEligibilityRevoked', data: { householdId: 'hh-5', reason: 'moved away', revokedBy: REGION.county, revokedAt: at('2024-09-02') } },
    { type: 'HouseholdPersonalDataErased', data: { householdId: 'hh-3', erasedBy: REGION.county, reason: 'asked to be forgotten', erasedAt: at('2024-09-03') } },
    { type: 'PolicyExpired', data: { policyId: policyOf('hh-2'), householdId: 'hh-2', productId: PRODUCT, endDate: '2024-12-31', expiredAt: at('2025-01-01') } },
    { type: 'PremiumFundingReopened', data: { householdId: 'hh-3', productId: PRODUCT, round: 3, reason: 'the policy request was refused', reopenedAt: at('2025-01-02') } },
    { type: 'HouseholdEligibilityVerified', data: { householdId: 'hh-1', category: 'disabled', verifiedBy: REGION.county, verifiedAt: at('2025-01-03') } },
    {
      type: 'PolicyCancelled',
      data: { policyId: policyOf('hh-1'), householdId: 'hh-1', insurerId: INSURER, reason: 'household moved away', wasIssued: true, effectiveDate: '2025-01-04', unearnedPremium: cny(0), refunds: [], cancelledAt: at('2025-01-04') },
    },
  ],
  [{ type: 'HouseholdEligibilityVerified', data: { householdId: 'hh-5', category: 'orphan', verifiedBy: REGION.county, verifiedAt: at('2025-02-01') } }],
];

/** The uncovered list as it was found before the set was kept: every eligible household, its funding asked one by one. */
async function oldQuery(manager: EntityManager, regionPrefix: string, productId: string, filter: { category?: string; code?: string } = {}) {
  if (!(await manager.findOneBy(ProductRow, { productId }))) return [];
  const query = manager
    .createQueryBuilder(HouseholdRow, 'h')
    .leftJoinAndMapOne('h.funding', HouseholdFundingRow, 'f', 'f.householdId = h.householdId AND f.productId = :productId', { productId })
    .where('h.eligible = :eligible', { eligible: true })
    .andWhere('h.villageCode LIKE :prefix', { prefix: `${regionPrefix}%` })
    .andWhere("(f.householdId IS NULL OR (f.activePolicyId IS NULL AND f.status NOT IN ('funded', 'covered')))")
    .orderBy('h.verifiedPosition', 'ASC')
    .addOrderBy('h.householdCode', 'ASC');
  if (filter.category !== undefined) query.andWhere('h.category = :category', { category: filter.category });
  if (filter.code !== undefined) query.andWhere('h.householdCode LIKE :code', { code: `${filter.code}%` });
  return (await query.getMany()).map((row) => {
    const funding = (row as HouseholdRow & { funding: HouseholdFundingRow | null }).funding;
    return { householdId: row.householdId, verifiedPosition: String(row.verifiedPosition), category: row.category, funded: funding?.status === 'funding' ? funding.funded : 0 };
  });
}

async function keptList(manager: EntityManager, regionPrefix: string, productId: string, filter: { category?: string; code?: string } = {}) {
  const all = await listUncoveredEligible(manager, { regionPrefix, productId, ...filter });
  // Paged two at a time, the pages put together give the same list.
  const paged = [];
  let cursor: string | undefined;
  do {
    const page = await listUncoveredEligible(manager, { regionPrefix, productId, ...filter }, { limit: 2, cursor });
    paged.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  expect(paged).toEqual(all);
  return all.map((row) => ({ householdId: row.householdId, verifiedPosition: row.verifiedPosition, category: row.category, funded: row.funded.amount }));
}

async function everyUncoveredRow(manager: EntityManager): Promise<string[]> {
  const rows = await manager.find(UncoveredHouseholdRow);
  return rows.map((row) => JSON.stringify({ ...row, verifiedPosition: String(row.verifiedPosition) })).sort();
}

describe('the uncovered set kept per product', () => {
  it.each([1, 5, 100])('equals the old query after every chapter of a realistic story, and the backfill equals it (batches of %i)', async (batchSize) => {
    const store = SqliteEventStore.open(':memory:', { pollIntervalMs: 5 });
    const { dataSource, drop } = await openTestReadStore();
    try {
      const recorded = recordedEvents(chapters.flat());
      let appended = 0;
      const filters = [{}, { category: 'disabled' }, { category: 'orphan' }, { code: householdCode('hh-1').slice(0, 15) }, { code: 'HH-440305002' }];
      const regions = [REGION.county, REGION.town1, REGION.town2, REGION.village11, REGION.village21, '4403', '440306'];
      const listed = new Set<string>();
      for (const chapter of chapters) {
        await appendAll(store, recorded.slice(appended, appended + chapter.length));
        appended += chapter.length;
        const runner = new ProjectionRunner(store, dataSource, allProjections(storyHouseholdKeys), { retryDelayMs: 1, batchSize });
        await runner.start();
        await runner.caughtUpTo(await store.headPosition());
        await runner.stop();
        const manager = dataSource.manager;
        for (const productId of [PRODUCT, SECOND, 'no-such-product'])
          for (const region of regions)
            for (const filter of filters) {
              const expected = await oldQuery(manager, region, productId, filter);
              expect({ productId, region, filter, list: await keptList(manager, region, productId, filter) }).toEqual({ productId, region, filter, list: expected });
              for (const row of expected) listed.add(`${productId} ${row.householdId}`);
            }

        // What the migration (PostgreSQL) and the open (SQLite) fill from the projection's other tables is the same set.
        const kept = await everyUncoveredRow(manager);
        await manager.query(`DELETE FROM ${quotedTable(manager, UncoveredHouseholdRow)}`);
        await manager.query(`DELETE FROM ${quotedTable(manager, UncoveredProductRow)}`);
        await manager.query(uncoveredProductsFromProducts(quotedTable(manager, UncoveredProductRow), quotedTable(manager, ProductRow)));
        await manager.query(uncoveredHouseholdsFromHouseholds(quotedTable(manager, UncoveredHouseholdRow), quotedTable(manager, UncoveredProductRow), quotedTable(manager, HouseholdRow), quotedTable(manager, HouseholdFundingRow)));
        expect(await everyUncoveredRow(manager)).toEqual(kept);
      }
      // The story did put households in and out of the set for both products.
      expect([...listed].sort()).toEqual([`${PRODUCT} hh-1`, `${PRODUCT} hh-2`, `${PRODUCT} hh-3`, `${PRODUCT} hh-4`, `${PRODUCT} hh-5`, `${SECOND} hh-1`, `${SECOND} hh-3`, `${SECOND} hh-5`]);
    } finally {
      await drop();
      await store.close();
    }
  }, 60_000);
});
