import { EntityManager } from 'typeorm';
import type { HouseholdPersonalData, Money, ProgrammeCandidate } from '@pangolin/domain';
import { ProductRow } from '../catalogue/product.entity';
import { HouseholdRow } from './household.entity';
import { FundingStatus, HouseholdFundingRow } from './household-funding.entity';
import { UncoveredHouseholdRow } from './uncovered-household.entity';
import { applyKeyset, codeStartsWith, inRegion, keysetPage, listOrder, mapPage, Page, PageRequest } from '../shared/paging';

export interface FundingView {
  productId: string;
  round: number;
  policyId: string;
  premium: Money;
  funded: Money;
  remaining: Money;
  status: FundingStatus;
  activePolicyId: string | null;
}

/** A household as governments and the insurer of record see it, without its personal data. */
export interface HouseholdRecord {
  householdId: string;
  householdCode: string;
  villageCode: string;
  townCode: string;
  countyCode: string;
  category: string;
  size: number;
  eligible: boolean;
  /** Decimal string of the global position of the latest verification; null until verified. */
  verifiedPosition: string | null;
  verifiedAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  registeredBy: string;
  registeredAt: string;
  /** A policy is requested or in force for at least one product. */
  covered: boolean;
  funding: FundingView[];
}

/** A household's personal data, or `personal: null, personalDataErased: true` once they were erased. */
export type HouseholdPersonalView = { personal: HouseholdPersonalData; personalDataErased: false } | { personal: null; personalDataErased: true };

export type PersonalHouseholdRecord = HouseholdRecord & HouseholdPersonalView;

/** What anyone may see: no personal data. */
export interface PublicHousehold {
  householdId: string;
  householdCode: string;
  villageCode: string;
  size: number;
  category: string;
  covered: boolean;
}

/** An eligible household still needing (part of) a premium for a product. */
export interface UncoveredHousehold {
  householdId: string;
  householdCode: string;
  villageCode: string;
  category: string;
  size: number;
  verifiedPosition: string;
  premium: Money;
  funded: Money;
  remaining: Money;
}

export async function findHousehold(manager: EntityManager, householdId: string): Promise<HouseholdRecord | null> {
  const row = await manager.findOneBy(HouseholdRow, { householdId });
  return row && householdRecord(row, await fundingOf(manager, [householdId]));
}

/** PERSONAL DATA: for the registering government or the insurer of record only; the caller authorises. */
export async function findHouseholdPersonal(manager: EntityManager, householdId: string): Promise<PersonalHouseholdRecord | null> {
  const row = await withPersonalData(manager).where('h.householdId = :householdId', { householdId }).getOne();
  return row && { ...householdRecord(row, await fundingOf(manager, [householdId])), ...personalDataOf(row) };
}

export async function publicHousehold(manager: EntityManager, householdId: string): Promise<PublicHousehold | null> {
  const row = await manager.findOneBy(HouseholdRow, { householdId });
  if (!row) return null;
  const funding = await fundingOf(manager, [householdId]);
  return { householdId, householdCode: row.householdCode, villageCode: row.villageCode, size: row.size, category: row.category, covered: isCovered(funding.get(householdId) ?? []) };
}

export interface HouseholdFilter {
  /** A county, town or village code, or any prefix of one. */
  regionPrefix: string;
  eligible?: boolean;
  /** Has a policy requested or in force for some product (see `covered` of a record). */
  covered?: boolean;
  category?: string;
  /** The start of a household code. */
  code?: string;
}

/** Households by village, then code: the order a government walks its registry in. */
export const HOUSEHOLDS_BY_VILLAGE = listOrder('households', [['h.villageCode', 'text'], ['h.householdCode', 'text']]);

/** A search by code lists in code order: a walk of the code index from the code typed, which stops after a page. */
export const HOUSEHOLDS_BY_CODE = listOrder('households-by-code', [['h.householdCode', 'text']]);

/**
 * PERSONAL DATA: one page of the households registered in the region, for the governments
 * responsible for it; the caller authorises.
 */
export async function householdsInRegion(manager: EntityManager, filter: HouseholdFilter, page: PageRequest): Promise<Page<PersonalHouseholdRecord>> {
  const byCode = filter.code !== undefined;
  // SQLite has no statistics to choose an index by: a unary plus keeps a code search on the code index.
  const villageColumn = byCode && manager.connection.options.type !== 'postgres' ? '+h.villageCode' : 'h.villageCode';
  const query = withPersonalData(manager).where(...inRegion(villageColumn, filter.regionPrefix));
  if (filter.eligible !== undefined) query.andWhere('h.eligible = :eligible', { eligible: filter.eligible });
  if (filter.category !== undefined) query.andWhere('h.category = :category', { category: filter.category });
  if (filter.code !== undefined) query.andWhere(...codeStartsWith(manager, 'h.householdCode', filter.code));
  if (filter.covered !== undefined) {
    const covering = manager
      .createQueryBuilder(HouseholdFundingRow, 'f')
      .select('1')
      .where('f.householdId = h.householdId')
      .andWhere("(f.activePolicyId IS NOT NULL OR f.status = 'covered')")
      .getQuery();
    query.andWhere(`${filter.covered ? '' : 'NOT '}EXISTS (${covering})`);
  }
  const rows = byCode ? await keysetPage(query, HOUSEHOLDS_BY_CODE, page, (row) => [row.householdCode]) : await keysetPage(query, HOUSEHOLDS_BY_VILLAGE, page, (row) => [row.villageCode, row.householdCode]);
  const funding = await fundingOf(manager, rows.items.map((row) => row.householdId));
  return mapPage(rows, (row) => ({ ...householdRecord(row, funding), ...personalDataOf(row) }));
}

export interface UncoveredFilter {
  regionPrefix: string;
  productId: string;
  category?: string;
  /** The start of a household code. */
  code?: string;
}

/** The order in which programmes allocate: earliest verification first, then household code. */
export const UNCOVERED_IN_ALLOCATION_ORDER = listOrder('uncovered', [['h.verifiedPosition', 'position'], ['h.householdCode', 'text']]);

/**
 * Eligible households of the region that have no policy requested or in force for the product and
 * are not fully funded, with what their premium still needs, in the order in which programmes
 * allocate. One page of them, or (without `page`) all of them, for the allocation plan. Empty when
 * the product is unknown.
 */
export async function listUncoveredEligible(manager: EntityManager, filter: UncoveredFilter, page: PageRequest): Promise<Page<UncoveredHousehold>>;
export async function listUncoveredEligible(manager: EntityManager, filter: UncoveredFilter): Promise<UncoveredHousehold[]>;
export async function listUncoveredEligible(manager: EntityManager, filter: UncoveredFilter, page?: PageRequest): Promise<Page<UncoveredHousehold> | UncoveredHousehold[]> {
  const product = await manager.findOneBy(ProductRow, { productId: filter.productId });
  if (!product) return page ? { items: [], nextCursor: null } : [];
  // A range of the kept uncovered set in allocation order: a county's rows are contiguous in one
  // index, a village's in another. SQLite has no statistics to choose by, so a unary plus keeps it off
  // the other index: through the county index it walked a county's 40,000 rows for an empty village,
  // through the village index it read and sorted a county's 40,000 for each page.
  const village = filter.regionPrefix.length === 12;
  const sqlite = manager.connection.options.type !== 'postgres';
  const countyColumn = village && sqlite ? '+h.countyCode' : 'h.countyCode';
  const villageColumn = !village && sqlite ? '+h.villageCode' : 'h.villageCode';
  const inCounty: [string, Record<string, string>] = filter.regionPrefix.length >= 6 ? [`${countyColumn} = :county`, { county: filter.regionPrefix.slice(0, 6) }] : inRegion('h.countyCode', filter.regionPrefix);
  const query = manager
    .createQueryBuilder(UncoveredHouseholdRow, 'h')
    .leftJoinAndMapOne('h.funding', HouseholdFundingRow, 'f', 'f.householdId = h.householdId AND f.productId = h.productId')
    .where('h.productId = :productId', { productId: filter.productId })
    .andWhere(...inCounty)
    .andWhere(...(village ? (['h.villageCode = :village', { village: filter.regionPrefix }] as [string, Record<string, string>]) : inRegion(villageColumn, filter.regionPrefix)));
  if (filter.category !== undefined) query.andWhere('h.category = :category', { category: filter.category });
  if (filter.code !== undefined) query.andWhere(...codeStartsWith(manager, 'h.householdCode', filter.code));
  const keyOf = (row: UncoveredHouseholdRow) => [String(row.verifiedPosition), row.householdCode];
  const toView = (row: UncoveredHouseholdRow) => uncoveredView(row, (row as UncoveredHouseholdRow & { funding: HouseholdFundingRow | null }).funding, product);
  if (!page) return (await applyKeyset(query, UNCOVERED_IN_ALLOCATION_ORDER, undefined).getMany()).map(toView);
  return mapPage(await keysetPage(query, UNCOVERED_IN_ALLOCATION_ORDER, page, keyOf), toView);
}

function uncoveredView(household: UncoveredHouseholdRow, funding: HouseholdFundingRow | null, product: ProductRow): UncoveredHousehold {
  // A round in progress keeps the premium it started with; a new round costs the product's current premium.
  const inProgress = funding?.status === 'funding';
  const premium = inProgress ? funding.premium : product.annualPremium;
  const funded = inProgress ? funding.funded : 0;
  const currency = inProgress ? funding.currency : product.currency;
  return {
    householdId: household.householdId,
    householdCode: household.householdCode,
    villageCode: household.villageCode,
    category: household.category,
    size: household.size,
    verifiedPosition: String(household.verifiedPosition),
    premium: { amount: premium, currency },
    funded: { amount: funded, currency },
    remaining: { amount: premium - funded, currency },
  };
}

function withPersonalData(manager: EntityManager) {
  return manager.createQueryBuilder(HouseholdRow, 'h').addSelect('h.personal');
}

export function personalDataOf(row: HouseholdRow): HouseholdPersonalView {
  if (row.personalDataErased || row.personal === null) return { personal: null, personalDataErased: true };
  return { personal: row.personal, personalDataErased: false };
}

async function fundingOf(manager: EntityManager, householdIds: string[]): Promise<Map<string, FundingView[]>> {
  const byHousehold = new Map<string, FundingView[]>();
  if (householdIds.length === 0) return byHousehold;
  const rows = await manager
    .createQueryBuilder(HouseholdFundingRow, 'f')
    .where('f.householdId IN (:...householdIds)', { householdIds })
    .orderBy('f.productId', 'ASC')
    .getMany();
  for (const row of rows) {
    const money = (amount: number): Money => ({ amount, currency: row.currency });
    const view: FundingView = {
      productId: row.productId,
      round: row.round,
      policyId: row.policyId,
      premium: money(row.premium),
      funded: money(row.funded),
      remaining: money(row.premium - row.funded),
      status: row.status,
      activePolicyId: row.activePolicyId,
    };
    byHousehold.set(row.householdId, [...(byHousehold.get(row.householdId) ?? []), view]);
  }
  return byHousehold;
}

function isCovered(funding: FundingView[]): boolean {
  return funding.some((round) => round.activePolicyId !== null || round.status === 'covered');
}

function householdRecord(row: HouseholdRow, funding: Map<string, FundingView[]>): HouseholdRecord {
  const rounds = funding.get(row.householdId) ?? [];
  return {
    householdId: row.householdId,
    householdCode: row.householdCode,
    villageCode: row.villageCode,
    townCode: row.townCode,
    countyCode: row.countyCode,
    category: row.category,
    size: row.size,
    eligible: row.eligible,
    verifiedPosition: row.verifiedPosition === null ? null : row.verifiedPosition.toString(),
    verifiedAt: row.verifiedAt,
    revokedAt: row.revokedAt,
    revocationReason: row.revocationReason,
    registeredBy: row.registeredBy,
    registeredAt: row.registeredAt,
    covered: isCovered(rounds),
    funding: rounds,
  };
}

/** One page of the uncovered eligible households of a programme's region, as the allocation plan takes them (in its order). */
export async function programmeCandidates(manager: EntityManager, regionPrefix: string, productId: string, page: PageRequest): Promise<Page<ProgrammeCandidate>> {
  return mapPage(await listUncoveredEligible(manager, { regionPrefix, productId }, page), (household) => ({
    householdId: household.householdId,
    householdCode: household.householdCode,
    verifiedPosition: BigInt(household.verifiedPosition),
    remainingPremium: household.remaining.amount,
  }));
}
