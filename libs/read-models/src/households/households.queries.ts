import { EntityManager, Like } from 'typeorm';
import type { HouseholdPersonalData, Money, ProgrammeCandidate } from '@pangolin/domain';
import { ProductRow } from '../catalogue/product.entity';
import { HouseholdRow } from './household.entity';
import { FundingStatus, HouseholdFundingRow } from './household-funding.entity';

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

/**
 * PERSONAL DATA: every household registered in the region (a county, town or village code, or any
 * prefix of one), for the governments responsible for it; the caller authorises.
 */
export async function householdsInRegion(manager: EntityManager, regionPrefix: string): Promise<PersonalHouseholdRecord[]> {
  const rows = await withPersonalData(manager)
    .where('h.villageCode LIKE :prefix', { prefix: `${regionPrefix}%` })
    .orderBy('h.villageCode', 'ASC')
    .addOrderBy('h.householdCode', 'ASC')
    .getMany();
  const funding = await fundingOf(manager, rows.map((row) => row.householdId));
  return rows.map((row) => ({ ...householdRecord(row, funding), ...personalDataOf(row) }));
}

/**
 * Eligible households of the region that have no policy requested or in force for the product and
 * are not fully funded, with what their premium still needs. Ordered by verification position, then
 * household code: the order in which programmes allocate. Empty when the product is unknown.
 */
export async function listUncoveredEligible(manager: EntityManager, regionPrefix: string, productId: string): Promise<UncoveredHousehold[]> {
  const product = await manager.findOneBy(ProductRow, { productId });
  if (!product) return [];
  const households = await manager.find(HouseholdRow, {
    where: { eligible: true, villageCode: Like(`${regionPrefix}%`) },
    order: { verifiedPosition: 'ASC', householdCode: 'ASC' },
  });
  const fundingRows = await manager
    .createQueryBuilder(HouseholdFundingRow, 'f')
    .where('f.productId = :productId', { productId })
    .andWhere((qb) => `f.householdId IN ${qb.subQuery().select('h.householdId').from(HouseholdRow, 'h').where('h.villageCode LIKE :prefix').getQuery()}`)
    .setParameter('prefix', `${regionPrefix}%`)
    .getMany();
  const fundingByHousehold = new Map(fundingRows.map((row) => [row.householdId, row]));

  const uncovered: UncoveredHousehold[] = [];
  for (const household of households) {
    const funding = fundingByHousehold.get(household.householdId);
    if (funding && (funding.activePolicyId !== null || funding.status === 'funded' || funding.status === 'covered')) continue;
    // A round in progress keeps the premium it started with; a new round costs the product's current premium.
    const inProgress = funding?.status === 'funding';
    const premium = inProgress ? funding.premium : product.annualPremium;
    const funded = inProgress ? funding.funded : 0;
    const currency = inProgress ? funding.currency : product.currency;
    uncovered.push({
      householdId: household.householdId,
      householdCode: household.householdCode,
      villageCode: household.villageCode,
      category: household.category,
      size: household.size,
      verifiedPosition: String(household.verifiedPosition),
      premium: { amount: premium, currency },
      funded: { amount: funded, currency },
      remaining: { amount: premium - funded, currency },
    });
  }
  return uncovered;
}

function withPersonalData(manager: EntityManager) {
  return manager.createQueryBuilder(HouseholdRow, 'h').addSelect('h.personal');
}

function personalDataOf(row: HouseholdRow): HouseholdPersonalView {
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

/** The uncovered eligible households of a programme's region as the allocation plan takes them. */
export async function programmeCandidates(manager: EntityManager, regionPrefix: string, productId: string): Promise<ProgrammeCandidate[]> {
  return (await listUncoveredEligible(manager, regionPrefix, productId)).map((household) => ({
    householdId: household.householdId,
    householdCode: household.householdCode,
    verifiedPosition: BigInt(household.verifiedPosition),
    remainingPremium: household.remaining.amount,
  }));
}
