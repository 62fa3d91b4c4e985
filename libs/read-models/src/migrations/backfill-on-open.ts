import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DashboardHouseholdRow } from '../government-dashboard/dashboard-household.entity';
import { VillageCountsRow } from '../government-dashboard/village-counts.entity';
import { LedgerPostingGiftRow } from '../ledger/ledger-posting-gift.entity';
import { LedgerPostingRow } from '../ledger/ledger-posting.entity';
import { LedgerEntryRow } from '../ledger/ledger-entry.entity';
import { LedgerTotalRow } from '../ledger/ledger-total.entity';
import { DashboardClaimRow } from '../government-dashboard/dashboard-claim.entity';
import { VillageClaimsRow } from '../government-dashboard/village-claims.entity';
import { ClaimRow } from '../catalogue/claim.entity';
import { quotedTable } from '../shared/raw-sql';
import { PolicyRow } from '../catalogue/policy.entity';
import { PolicyCohortRow } from '../insurer-view/policy-cohort.entity';
import { policyCohortsFromPolicies } from './1765830000000-insurer-policy-cohorts';
import { ProductRow } from '../catalogue/product.entity';
import { HouseholdRow } from '../households/household.entity';
import { HouseholdFundingRow } from '../households/household-funding.entity';
import { UncoveredHouseholdRow, UncoveredProductRow } from '../households/uncovered-household.entity';
import { uncoveredHouseholdsFromHouseholds, uncoveredProductsFromProducts } from './1765700000000-uncovered-households';
import { ledgerTotalsFromEntries, postingGiftsFromPostings, villageCountsFromHouseholds } from './1765000000000-index-list-orders';
import { dashboardClaimsFromClaims, villageClaimsFromDashboardClaims } from './1765100000000-dashboard-claims';
import { PublicGiftRow } from '../public-view/public-gift.entity';
import { PublicAllocationRow } from '../public-view/public-allocation.entity';
import { PublicTotalsRow } from '../public-view/public-totals.entity';
import { PublicMemberRow } from '../public-view/public-member.entity';
import { PublicReachRow } from '../public-view/public-reach.entity';
import { publicMembersFromRows, publicReachFromMembers, publicTotalsFromGifts } from './1765600000000-public-totals';

/**
 * The embedded read database's schema follows the entities, without migrations: what a migration
 * fills in a new table on PostgreSQL is filled here when the database is opened. Each new table is
 * derived from rows its projection already wrote (so it agrees with the projection's checkpoint),
 * and only while it is empty: a projection writes both in one transaction from then on, so an
 * empty one beside filled ones is one from before the upgrade.
 */
export async function backfillOnOpen(manager: EntityManager): Promise<void> {
  if (await isEmpty(manager, VillageCountsRow)) await manager.query(villageCountsFromHouseholds(quotedTable(manager, VillageCountsRow), quotedTable(manager, DashboardHouseholdRow)));
  if (await isEmpty(manager, LedgerPostingGiftRow)) {
    const engine = manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    await manager.query(postingGiftsFromPostings(quotedTable(manager, LedgerPostingGiftRow), quotedTable(manager, LedgerPostingRow), engine));
  }
  if (await isEmpty(manager, LedgerTotalRow)) await manager.query(ledgerTotalsFromEntries(quotedTable(manager, LedgerTotalRow), quotedTable(manager, LedgerEntryRow)));
  if (await isEmpty(manager, DashboardClaimRow)) {
    await manager.query(dashboardClaimsFromClaims(quotedTable(manager, DashboardClaimRow), quotedTable(manager, ClaimRow), quotedTable(manager, DashboardHouseholdRow)));
    await manager.query(villageClaimsFromDashboardClaims(quotedTable(manager, VillageClaimsRow), quotedTable(manager, DashboardClaimRow)));
  }
  if (await isEmpty(manager, PublicTotalsRow)) await manager.query(publicTotalsFromGifts(quotedTable(manager, PublicTotalsRow), quotedTable(manager, PublicGiftRow)));
  if ((await isEmpty(manager, PublicMemberRow)) && (await isEmpty(manager, PublicReachRow))) {
    await manager.query(publicMembersFromRows(quotedTable(manager, PublicMemberRow), quotedTable(manager, PublicGiftRow), quotedTable(manager, PublicAllocationRow)));
    await manager.query(publicReachFromMembers(quotedTable(manager, PublicReachRow), quotedTable(manager, PublicMemberRow)));
  }
  // The households projection records every product it sees published: none beside a catalogue product is from before the upgrade.
  if ((await isEmpty(manager, UncoveredProductRow)) && !(await isEmpty(manager, ProductRow))) {
    await manager.query(uncoveredProductsFromProducts(quotedTable(manager, UncoveredProductRow), quotedTable(manager, ProductRow)));
    await manager.query(uncoveredHouseholdsFromHouseholds(quotedTable(manager, UncoveredHouseholdRow), quotedTable(manager, UncoveredProductRow), quotedTable(manager, HouseholdRow), quotedTable(manager, HouseholdFundingRow)));
  }
  if (await isEmpty(manager, PolicyCohortRow)) await manager.query(policyCohortsFromPolicies(quotedTable(manager, PolicyCohortRow), quotedTable(manager, PolicyRow)));
}

async function isEmpty(manager: EntityManager, entity: EntityTarget<ObjectLiteral>): Promise<boolean> {
  const [{ n }] = await manager.query(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${quotedTable(manager, entity)} LIMIT 1) t`);
  return Number(n) === 0;
}
