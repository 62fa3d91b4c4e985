import { EntityManager, IsNull, Not } from 'typeorm';
import { inRegion, keysetPage, listOrder, mapPage, Page, PageRequest } from '../shared/paging';
import type { EvidenceFile, Money } from '@pangolin/domain';
import { ProductRow } from './product.entity';
import { ProgrammeRow } from './programme.entity';
import { PolicyRow, PolicyStatus } from './policy.entity';
import { ClaimRow, ClaimState } from './claim.entity';

export interface ProductView {
  productId: string;
  insurerId: string;
  version: number;
  terms: { name: string; coverageKind: string; annualPremium: Money; sumInsured: Money; waitingPeriodDays: number; termDays: number };
  retired: boolean;
  publishedAt: string;
  updatedAt: string;
}

export interface ProgrammeView {
  programmeId: string;
  name: string;
  regionCode: string;
  productId: string;
  launchedBy: string;
  launchedAt: string;
  closed: boolean;
  closedAt: string | null;
}

export interface PolicyView {
  policyId: string;
  householdId: string;
  productId: string;
  productVersion: number;
  insurerId: string;
  status: PolicyStatus;
  policyNumber: string | null;
  premium: Money;
  sumInsured: Money;
  claimsPaid: Money;
  /** What claims on this policy can still pay: sum insured minus claims paid. */
  remainingCover: Money;
  waitingPeriodDays: number;
  termDays: number;
  startDate: string | null;
  endDate: string | null;
  requestedAt: string;
  issuedAt: string | null;
  cancellationEffectiveDate: string | null;
}

export interface ClaimView {
  claimId: string;
  policyId: string;
  householdId: string;
  insurerId: string;
  state: ClaimState;
  kind: string;
  incidentDate: string;
  amountClaimed: Money;
  approvedAmount: Money | null;
  paidAmount: Money | null;
  filedBy: { role: string; id: string };
  filedAt: string;
  decidedAt: string | null;
  rejectionReason: string | null;
  paidAt: string | null;
  payoutReference: string | null;
  /** What the filer listed as evidence, and the files uploaded with the claim (each downloaded from /policies/:policyId/claims/:claimId/evidence/:sha256). */
  evidence: string[];
  evidenceFiles: EvidenceFile[];
}

export async function findProduct(manager: EntityManager, productId: string): Promise<ProductView | null> {
  const row = await manager.findOneBy(ProductRow, { productId });
  return row && productView(row);
}

const PRODUCTS = listOrder('products', [['product.productId', 'text']]);

export async function listProducts(manager: EntityManager, filter: { insurerId?: string; includeRetired?: boolean }, page: PageRequest): Promise<Page<ProductView>> {
  const query = manager.createQueryBuilder(ProductRow, 'product');
  if (filter.insurerId) query.andWhere('product.insurerId = :insurerId', { insurerId: filter.insurerId });
  if (!filter.includeRetired) query.andWhere('product.retired = :retired', { retired: false });
  return mapPage(await keysetPage(query, PRODUCTS, page, (row) => [row.productId]), productView);
}

export async function findProgramme(manager: EntityManager, programmeId: string): Promise<ProgrammeView | null> {
  const row = await manager.findOneBy(ProgrammeRow, { programmeId });
  return row && programmeView(row);
}

const PROGRAMMES = listOrder('programmes', [['programme.programmeId', 'text']]);

/** Programmes whose region lies inside `regionPrefix` (all of them when omitted). */
export async function listProgrammes(manager: EntityManager, filter: { regionPrefix?: string; productId?: string; closed?: boolean }, page: PageRequest): Promise<Page<ProgrammeView>> {
  const query = manager.createQueryBuilder(ProgrammeRow, 'programme');
  if (filter.regionPrefix) query.andWhere(...inRegion('programme.regionCode', filter.regionPrefix));
  if (filter.productId) query.andWhere('programme.productId = :productId', { productId: filter.productId });
  if (filter.closed !== undefined) query.andWhere('programme.closed = :closed', { closed: filter.closed });
  return mapPage(await keysetPage(query, PROGRAMMES, page, (row) => [row.programmeId]), programmeView);
}

export async function findPolicy(manager: EntityManager, policyId: string): Promise<PolicyView | null> {
  const row = await manager.findOneBy(PolicyRow, { policyId });
  return row && policyView(row);
}

/** A household's policies, oldest request first (a household gains one per product per term, so they are paged too). */
export const HOUSEHOLD_POLICIES = listOrder('household-policies', [['p.requestedAt', 'text'], ['p.policyId', 'text']]);

/** How many of its policies a household's record shows in itself; the rest are a page away. */
export const HOUSEHOLD_FIRST_PAGE = 10;

export async function policiesOfHousehold(manager: EntityManager, householdId: string, page: PageRequest): Promise<Page<PolicyView>> {
  const query = manager.createQueryBuilder(PolicyRow, 'p').where('p.householdId = :householdId', { householdId });
  return mapPage(await keysetPage(query, HOUSEHOLD_POLICIES, page, (row) => [row.requestedAt, row.policyId]), policyView);
}

export async function findClaim(manager: EntityManager, claimId: string): Promise<ClaimView | null> {
  const row = await manager.findOneBy(ClaimRow, { claimId });
  return row && claimView(row);
}

export async function claimsOfPolicy(manager: EntityManager, policyId: string): Promise<ClaimView[]> {
  const rows = await manager.find(ClaimRow, { where: { policyId }, order: { filedAt: 'ASC', claimId: 'ASC' } });
  return rows.map(claimView);
}

export function productView(row: ProductRow): ProductView {
  const money = (amount: number): Money => ({ amount, currency: row.currency });
  return {
    productId: row.productId,
    insurerId: row.insurerId,
    version: row.version,
    terms: {
      name: row.name,
      coverageKind: row.coverageKind,
      annualPremium: money(row.annualPremium),
      sumInsured: money(row.sumInsured),
      waitingPeriodDays: row.waitingPeriodDays,
      termDays: row.termDays,
    },
    retired: row.retired,
    publishedAt: row.publishedAt,
    updatedAt: row.updatedAt,
  };
}

function programmeView(row: ProgrammeRow): ProgrammeView {
  const { programmeId, name, regionCode, productId, launchedBy, launchedAt, closed, closedAt } = row;
  return { programmeId, name, regionCode, productId, launchedBy, launchedAt, closed, closedAt };
}

export function policyView(row: PolicyRow): PolicyView {
  const money = (amount: number): Money => ({ amount, currency: row.currency });
  return {
    policyId: row.policyId,
    householdId: row.householdId,
    productId: row.productId,
    productVersion: row.productVersion,
    insurerId: row.insurerId,
    status: row.status,
    policyNumber: row.policyNumber,
    premium: money(row.premium),
    sumInsured: money(row.sumInsured),
    claimsPaid: money(row.claimsPaid),
    remainingCover: money(row.sumInsured - row.claimsPaid),
    waitingPeriodDays: row.waitingPeriodDays,
    termDays: row.termDays,
    startDate: row.startDate,
    endDate: row.endDate,
    requestedAt: row.requestedAt,
    issuedAt: row.issuedAt,
    cancellationEffectiveDate: row.cancellationEffectiveDate,
  };
}

export function claimView(row: ClaimRow): ClaimView {
  const money = (amount: number | null): Money | null => (amount === null ? null : { amount, currency: row.currency });
  return {
    claimId: row.claimId,
    policyId: row.policyId,
    householdId: row.householdId,
    insurerId: row.insurerId,
    state: row.state,
    kind: row.kind,
    incidentDate: row.incidentDate,
    amountClaimed: { amount: row.amountClaimed, currency: row.currency },
    approvedAmount: money(row.approvedAmount),
    paidAmount: money(row.paidAmount),
    filedBy: { role: row.filedByRole, id: row.filedById },
    filedAt: row.filedAt,
    decidedAt: row.decidedAt,
    rejectionReason: row.rejectionReason,
    paidAt: row.paidAt,
    payoutReference: row.payoutReference,
    evidence: row.evidence ?? [],
    evidenceFiles: row.evidenceFiles ?? [],
  };
}

/** Active policies whose last day of cover is before `today`: due to expire. */
export async function activePoliciesEndedBefore(manager: EntityManager, today: string): Promise<PolicyView[]> {
  const rows = await manager.createQueryBuilder(PolicyRow, 'policy').where('policy.status = :status', { status: 'active' }).andWhere('policy.endDate < :today', { today }).orderBy('policy.endDate').addOrderBy('policy.policyId').getMany();
  return rows.map(policyView);
}

/**
 * The insurer of record of a household: an insurer that has issued it a policy (whether still in
 * force, expired or cancelled since). A policy only requested (its premium funded, awaiting issue)
 * does not make its insurer one: anyone can publish a product and have a donor fund it, and that
 * must not open a household's personal data to them.
 */
export async function isInsurerOfRecord(manager: EntityManager, householdId: string, insurerId: string): Promise<boolean> {
  return manager.exists(PolicyRow, { where: { householdId, insurerId, issuedAt: Not(IsNull()) } });
}
