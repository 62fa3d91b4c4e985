import { Brackets, type EntityManager, type SelectQueryBuilder, type ObjectLiteral } from 'typeorm';
import { PolicyRow } from '../catalogue/policy.entity';
import { HouseholdRow } from '../households/household.entity';
import { applyKeyset, decodeCursor, keysetPage, listOrder, Page, PageRequest, pageOf } from '../shared/paging';
import { DisasterDeclarationRow } from './disaster-declaration.entity';
import { DisasterPayoutRow } from './disaster-payout.entity';

/** `column` holds a code of one of `regions` (each a whole code, so a range over digit strings). */
function inAnyRegion<Row extends ObjectLiteral>(query: SelectQueryBuilder<Row>, column: string, regions: readonly string[]): SelectQueryBuilder<Row> {
  return query.andWhere(new Brackets((any) => {
    regions.forEach((region, i) => any.orWhere(`(${column} >= :region_from_${i} AND ${column} <= :region_to_${i})`, { [`region_from_${i}`]: region, [`region_to_${i}`]: region.padEnd(12, '9') }));
  }));
}

/** Policies of `productIds` held by households of `regionCodes`, issued, whose period overlaps the incident dates; by policy id. */
export async function policiesInDeclaredArea(
  manager: EntityManager,
  { productIds, regionCodes, incidentFrom, incidentTo }: { productIds: string[]; regionCodes: string[]; incidentFrom: string; incidentTo: string },
): Promise<{ policyId: string; householdId: string; productId: string; productVersion: number }[]> {
  if (productIds.length === 0) return [];
  const query = manager
    .createQueryBuilder(PolicyRow, 'p')
    .innerJoin(HouseholdRow, 'h', 'h.householdId = p.householdId')
    .select(['p.policyId AS "policyId"', 'p.householdId AS "householdId"', 'p.productId AS "productId"', 'p.productVersion AS "productVersion"'])
    .where('p.productId IN (:...productIds)', { productIds })
    .andWhere('p.status IN (:...statuses)', { statuses: ['active', 'expired'] })
    .andWhere('p.startDate <= :incidentTo AND p.endDate >= :incidentFrom', { incidentFrom, incidentTo });
  const rows = await inAnyRegion(query, 'h.villageCode', regionCodes).orderBy('p.policyId').getRawMany<{ policyId: string; householdId: string; productId: string; productVersion: number | string }>();
  return rows.map((row) => ({ ...row, productVersion: Number(row.productVersion) }));
}

const DECLARATIONS_ORDER = listOrder('disaster-declarations', [['d.declaredAt', 'text'], ['d.declarationId', 'text']], 'DESC');
const PAYOUTS_ORDER = listOrder('disaster-payouts', [['h.householdCode', 'text'], ['x.policyId', 'text']]);
const UNCOVERED_ORDER = listOrder('disaster-uncovered', [['h.householdCode', 'text']]);

/** Which declarations a list shows: those declared by a government of `declaredWithin` (a region), those of `perils`. */
export interface DeclarationFilter {
  declaredWithin?: string;
  perils?: readonly string[];
}

export async function listDisasterDeclarations(manager: EntityManager, page: PageRequest, { declaredWithin, perils }: DeclarationFilter = {}): Promise<Page<DisasterDeclarationRow>> {
  if (perils?.length === 0) return { items: [], nextCursor: null };
  const query = manager.createQueryBuilder(DisasterDeclarationRow, 'd');
  if (declaredWithin !== undefined) inAnyRegion(query, 'd.declaredBy', [declaredWithin]);
  if (perils !== undefined) query.andWhere('d.peril IN (:...perils)', { perils });
  return keysetPage(query, DECLARATIONS_ORDER, page, (row) => [row.declaredAt, row.declarationId]);
}

export function disasterDeclaration(manager: EntityManager, declarationId: string): Promise<DisasterDeclarationRow | null> {
  return manager.findOneBy(DisasterDeclarationRow, { declarationId });
}

export interface DisasterPayoutItem {
  policyId: string;
  householdId: string;
  householdCode: string;
  villageCode: string;
  insurerId: string;
  claimId: string;
  amount: number;
  currency: string;
  payoutReference: string;
  batchNumber: number;
  paidAt: string;
}

/** A declaration's payouts, by household code (then policy: a household covered twice is paid per policy). */
export async function disasterPayouts(manager: EntityManager, declarationId: string, page: PageRequest): Promise<Page<DisasterPayoutItem>> {
  const query = manager
    .createQueryBuilder(DisasterPayoutRow, 'x')
    .innerJoin(HouseholdRow, 'h', 'h.householdId = x.householdId')
    .select(['x.policyId', 'x.householdId', 'x.insurerId', 'x.claimId', 'x.amount', 'x.currency', 'x.payoutReference', 'x.batchNumber', 'x.paidAt'].map((column) => `${column} AS "${column.slice(2)}"`))
    .addSelect(['h.householdCode AS "householdCode"', 'h.villageCode AS "villageCode"'])
    .where('x.declarationId = :declarationId', { declarationId });
  applyKeyset(query, PAYOUTS_ORDER, page.cursor === undefined ? undefined : decodeCursor(PAYOUTS_ORDER, page.cursor));
  const rows = await query.limit(page.limit + 1).getRawMany<DisasterPayoutItem>();
  const items = rows.map((row) => ({ ...row, amount: Number(row.amount), batchNumber: Number(row.batchNumber) }));
  return pageOf(items, PAYOUTS_ORDER, page.limit, (row) => [row.householdCode, row.policyId]);
}

/** Eligible households of the declared area that no confirmation of the declaration has paid, by household code. */
export function uncoveredHouseholds(manager: EntityManager, declaration: Pick<DisasterDeclarationRow, 'declarationId' | 'regionCodes'>, page: PageRequest): Promise<Page<HouseholdRow>> {
  const query = manager
    .createQueryBuilder(HouseholdRow, 'h')
    .where('h.eligible = :eligible', { eligible: true })
    .andWhere((outer) => `NOT EXISTS ${outer.subQuery().select('1').from(DisasterPayoutRow, 'x').where('x.declarationId = :declarationId AND x.householdId = h.householdId').getQuery()}`, { declarationId: declaration.declarationId });
  return keysetPage(inAnyRegion(query, 'h.villageCode', declaration.regionCodes), UNCOVERED_ORDER, page, (row) => [row.householdCode]);
}
