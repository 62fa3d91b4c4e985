import type { EntityManager } from 'typeorm';
import { villageCountsFromHouseholds } from '../migrations/1765000000000-index-list-orders';
import { quotedTable } from '../shared/raw-sql';
import { DashboardHouseholdRow } from './dashboard-household.entity';
import { VillageCountsRow } from './village-counts.entity';

/**
 * Fills the village counts of a read database made before the projection kept them, from the
 * households it already projected (so they agree with its checkpoint). A database that has
 * households has their counts since (the projection writes both in one transaction): an empty
 * table beside households is one from before. Runs once, at the upgrade.
 */
export async function backfillVillageCounts(manager: EntityManager): Promise<void> {
  const counts = quotedTable(manager, VillageCountsRow);
  const households = quotedTable(manager, DashboardHouseholdRow);
  const [{ n }] = await manager.query(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${counts} LIMIT 1) t`);
  if (Number(n) > 0) return;
  await manager.query(villageCountsFromHouseholds(counts, households));
}
