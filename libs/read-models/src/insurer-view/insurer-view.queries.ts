import { Brackets, EntityManager, SelectQueryBuilder } from 'typeorm';
import { addDays, type Money } from '@pangolin/domain';
import { PolicyRow, PolicyStatus } from '../catalogue/policy.entity';
import { ClaimRow, ClaimState } from '../catalogue/claim.entity';
import { ClaimView, PolicyView, claimView, policyView } from '../catalogue/catalogue.queries';
import { HouseholdRow } from '../households/household.entity';
import { personalDataOf, type HouseholdPersonalView } from '../households/households.queries';
import { codeStartsWith, inRegion, keysetPage, listOrder, mapPage, Page, PageRequest } from '../shared/paging';
import { MoneySums } from '../shared/money-sums';
import { basisPoints } from '../shared/ratio';
import { earnedPremium } from './earned-premium';
import { PolicyCohortRow } from './policy-cohort.entity';

/** Premium and claims figures of one currency. */
export interface InsurerPremiumFigures {
  currency: string;
  /** Premiums of every policy issued (the money that reached the insurer). */
  premiumsReceived: number;
  /** Unearned premium paid back on cancelled issued policies. */
  unearnedPremiumReturned: number;
  /** Pro rata over each issued policy's period up to `asOf`. */
  premiumsEarned: number;
  claimsPaid: number;
  /** claimsPaid / premiumsEarned in basis points (10 000 = 100 %), floored; null before anything is earned. */
  lossRatioBasisPoints: number | null;
}

export interface ClaimStateSummary {
  count: number;
  /** Claimed amounts for filed and rejected claims, approved amounts for approved ones, paid amounts for paid ones. */
  amounts: Money[];
}

export interface InsurerView {
  insurerId: string;
  asOf: string;
  policies: { counts: Record<PolicyStatus, number> };
  premiums: InsurerPremiumFigures[];
  claims: { byState: Record<ClaimState, ClaimStateSummary> };
}

/**
 * One insurer's book as of a calendar date (YYYY-MM-DD): counts and sums only, made by the
 * database. Its policies and claims are lists of their own (insurerPolicies, insurerClaims).
 */
export async function insurerView(manager: EntityManager, insurerId: string, asOf: string): Promise<InsurerView> {
  const counted = await manager
    .createQueryBuilder(PolicyRow, 'p')
    .select('p.status', 'status')
    .addSelect('COUNT(*)', 'count')
    .where('p.insurerId = :insurerId', { insurerId })
    .groupBy('p.status')
    .getRawMany<{ status: PolicyStatus; count: number | string }>();
  const policyCounts: Record<PolicyStatus, number> = { requested: 0, active: 0, expired: 0, cancelled: 0 };
  for (const { status, count } of counted) policyCounts[status] = Number(count);

  const figures = new Map<string, InsurerPremiumFigures>();
  const figuresOf = (currency: string): InsurerPremiumFigures => {
    if (!figures.has(currency)) {
      figures.set(currency, { currency, premiumsReceived: 0, unearnedPremiumReturned: 0, premiumsEarned: 0, claimsPaid: 0, lossRatioBasisPoints: null });
    }
    return figures.get(currency)!;
  };
  // Each cohort's earned premium (every policy of it earns the same, floored as earnedPremium floors it), times its count.
  const cohorts = await manager.createQueryBuilder(PolicyCohortRow, 'cohort').where('cohort.insurerId = :insurerId', { insurerId }).andWhere('cohort.policies <> 0').getMany();
  for (const cohort of cohorts) {
    const currencyFigures = figuresOf(cohort.currency);
    currencyFigures.premiumsReceived += cohort.premium * cohort.policies;
    currencyFigures.unearnedPremiumReturned += cohort.unearnedPremiumReturned;
    currencyFigures.premiumsEarned += earnedPremium({ ...cohort, cancellationEffectiveDate: cohort.cancellationEffectiveDate || null }, asOf) * cohort.policies;
  }
  const claimsQuery = manager.createQueryBuilder(ClaimRow, 'c').where('c.insurerId = :insurerId', { insurerId });
  const byState = await claimsByState(claimsQuery);
  for (const { amount, currency } of byState.paid.amounts) figuresOf(currency).claimsPaid += amount;
  for (const currencyFigures of figures.values()) currencyFigures.lossRatioBasisPoints = basisPoints(currencyFigures.claimsPaid, currencyFigures.premiumsEarned);

  return {
    insurerId,
    asOf,
    policies: { counts: policyCounts },
    premiums: [...figures.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    claims: { byState },
  };
}

/** Claims of `claims` (a query over ClaimRow as `c`, its filters applied) counted per state, with their amounts in that state, summed by the database. */
export async function claimsByState(claims: SelectQueryBuilder<ClaimRow>): Promise<Record<ClaimState, ClaimStateSummary>> {
  const rows = await claims
    .select('c.state', 'state')
    .addSelect('c.currency', 'currency')
    .addSelect('COUNT(*)', 'count')
    // What a claim amounts to in its state: paid, approved, or else claimed.
    .addSelect("SUM(CASE WHEN c.state = 'paid' THEN COALESCE(c.paidAmount, 0) WHEN c.state = 'approved' THEN COALESCE(c.approvedAmount, 0) ELSE c.amountClaimed END)", 'amount')
    .groupBy('c.state')
    .addGroupBy('c.currency')
    .getRawMany<{ state: ClaimState; currency: string; count: number | string; amount: number | string }>();
  const claimSums: Record<ClaimState, MoneySums> = { filed: new MoneySums(), approved: new MoneySums(), rejected: new MoneySums(), paid: new MoneySums() };
  const claimCounts: Record<ClaimState, number> = { filed: 0, approved: 0, rejected: 0, paid: 0 };
  for (const row of rows) {
    claimCounts[row.state] += Number(row.count);
    claimSums[row.state].add(row.currency, Number(row.amount));
  }
  const summary = (state: ClaimState): ClaimStateSummary => ({ count: claimCounts[state], amounts: claimSums[state].toList() });
  return { filed: summary('filed'), approved: summary('approved'), rejected: summary('rejected'), paid: summary('paid') };
}

/** What an insurer may see of the household of one of its policies. */
export type InsurerHouseholdView = PublicHouseholdFacts & (HouseholdPersonalView | { personal?: undefined });

interface PublicHouseholdFacts {
  householdCode: string;
  villageCode: string;
  category: string;
  size: number;
}

/** A policy as the insurer's console lists it, with its household (personal data only once the insurer is its insurer of record). */
export interface InsurerPolicyView extends PolicyView {
  household: InsurerHouseholdView;
}

export interface InsurerPolicyFilter {
  status?: PolicyStatus;
  productId?: string;
  /** Households whose village code starts with this (a county, town or village). */
  regionPrefix?: string;
  /** A policy number, or the start of a household code. */
  search?: string;
  /** Requested on or after this day (YYYY-MM-DD). */
  requestedFrom?: string;
  /** Requested on or before this day (YYYY-MM-DD). */
  requestedTo?: string;
}

/** Newest request first. */
export const INSURER_POLICIES = listOrder('insurer-policies', [['p.requestedAt', 'text'], ['p.policyId', 'text']], 'DESC');

/**
 * PERSONAL DATA: one page of an insurer's policies, each with its household; the household's
 * personal data only where this insurer has issued it a policy (see isInsurerOfRecord). Three
 * queries per page, whatever its size.
 */
export async function insurerPolicies(manager: EntityManager, insurerId: string, filter: InsurerPolicyFilter, page: PageRequest): Promise<Page<InsurerPolicyView>> {
  const query = manager.createQueryBuilder(PolicyRow, 'p').where('p.insurerId = :insurerId', { insurerId });
  if (filter.status) query.andWhere('p.status = :status', { status: filter.status });
  if (filter.productId) query.andWhere('p.productId = :productId', { productId: filter.productId });
  if (filter.requestedFrom) query.andWhere('p.requestedAt >= :from', { from: filter.requestedFrom });
  // An ISO time stamp of that day sorts after the date itself and before the next day.
  if (filter.requestedTo) query.andWhere('p.requestedAt < :to', { to: addDays(filter.requestedTo, 1) });
  if (filter.regionPrefix) query.innerJoin(HouseholdRow, 'h', 'h.householdId = p.householdId').andWhere(...inRegion('h.villageCode', filter.regionPrefix));
  if (filter.search) {
    // Both sides of the OR go through an index (the policy number's, the household's policies'), so
    // a search reads the policies it finds, not every policy of the insurer.
    const [codeMatches, codeParameters] = codeStartsWith(manager, 'searched.householdCode', filter.search);
    const households = manager.createQueryBuilder(HouseholdRow, 'searched').select('searched.householdId').where(codeMatches).getQuery();
    query.andWhere(new Brackets((either) => either.where('p.policyNumber = :number', { number: filter.search }).orWhere(`p.householdId IN (${households})`, codeParameters)));
  }
  const policies = await keysetPage(query, INSURER_POLICIES, page, (row) => [row.requestedAt, row.policyId]);

  const householdIds = [...new Set(policies.items.map((policy) => policy.householdId))];
  const households = householdIds.length ? await manager.createQueryBuilder(HouseholdRow, 'h').addSelect('h.personal').where('h.householdId IN (:...householdIds)', { householdIds }).getMany() : [];
  const ofRecord = householdIds.length
    ? new Set(
        (
          await manager
            .createQueryBuilder(PolicyRow, 'p')
            .select('DISTINCT p.householdId', 'householdId')
            // SQLite has no statistics: the unary plus keeps it on the household index (a page's 50
            // households) rather than the insurer's, which walked every policy the insurer holds.
            .where(`${manager.connection.options.type === 'postgres' ? '' : '+'}p.insurerId = :insurerId`, { insurerId })
            .andWhere('p.issuedAt IS NOT NULL')
            .andWhere('p.householdId IN (:...householdIds)', { householdIds })
            .getRawMany<{ householdId: string }>()
        ).map((row) => row.householdId),
      )
    : new Set<string>();
  const byId = new Map(households.map((household) => [household.householdId, household]));
  return mapPage(policies, (row) => {
    const household = byId.get(row.householdId)!;
    const facts: PublicHouseholdFacts = { householdCode: household.householdCode, villageCode: household.villageCode, category: household.category, size: household.size };
    return { ...policyView(row), household: ofRecord.has(row.householdId) ? { ...facts, ...personalDataOf(household) } : facts };
  });
}

/** A claim as the insurer's console lists it. */
export interface InsurerClaimView extends ClaimView {
  policyNumber: string | null;
  householdCode: string;
}

export interface InsurerClaimFilter {
  /** One state or several (the queue: filed and approved). */
  states?: ClaimState[];
  policyId?: string;
  /** Filed on or after / on or before these days (YYYY-MM-DD). */
  filedFrom?: string;
  filedTo?: string;
}

/** Oldest first: a queue is worked from its head. */
export const INSURER_CLAIMS = listOrder('insurer-claims', [['c.filedAt', 'text'], ['c.claimId', 'text']]);

/** One page of an insurer's claims, with each one's policy number and household code (no personal data). */
export async function insurerClaims(manager: EntityManager, insurerId: string, filter: InsurerClaimFilter, page: PageRequest): Promise<Page<InsurerClaimView>> {
  const query = claimsWithPolicyAndHousehold(manager).where('c.insurerId = :insurerId', { insurerId });
  if (filter.states?.length) query.andWhere('c.state IN (:...states)', { states: filter.states });
  if (filter.policyId) query.andWhere('c.policyId = :policyId', { policyId: filter.policyId });
  if (filter.filedFrom) query.andWhere('c.filedAt >= :from', { from: filter.filedFrom });
  if (filter.filedTo) query.andWhere('c.filedAt < :to', { to: addDays(filter.filedTo, 1) });
  const claims = await keysetPage(query, INSURER_CLAIMS, page, (row) => [row.filedAt, row.claimId]);
  return mapPage(claims, insurerClaimView);
}

/** One claim with its policy number and household code (no personal data); null if there is none. */
export async function findClaimWithCodes(manager: EntityManager, claimId: string): Promise<InsurerClaimView | null> {
  const row = await claimsWithPolicyAndHousehold(manager).where('c.claimId = :claimId', { claimId }).getOne();
  return row ? insurerClaimView(row) : null;
}

function claimsWithPolicyAndHousehold(manager: EntityManager) {
  return manager
    .createQueryBuilder(ClaimRow, 'c')
    .innerJoinAndMapOne('c.policy', PolicyRow, 'p', 'p.policyId = c.policyId')
    .innerJoinAndMapOne('c.household', HouseholdRow, 'h', 'h.householdId = c.householdId');
}

function insurerClaimView(row: ClaimRow): InsurerClaimView {
  const joined = row as ClaimRow & { policy: PolicyRow; household: HouseholdRow };
  return { ...claimView(row), policyNumber: joined.policy.policyNumber, householdCode: joined.household.householdCode };
}

export interface LossRatioPoint {
  /** The last day the point covers. */
  date: string;
  /** Premium earned up to the end of `date`. */
  premiumsEarned: number;
  /** Claims paid on or before `date`. */
  claimsPaid: number;
  /** claimsPaid / premiumsEarned in basis points, floored; null before anything is earned. */
  lossRatioBasisPoints: number | null;
}

/**
 * An insurer's cumulative loss ratio at the end of each of the `months` months up to `to`
 * (YYYY-MM-DD): one point per month-end, the last one being `to` itself. One series per currency.
 */
export async function lossRatioOverTime(manager: EntityManager, insurerId: string, to: string, months: number): Promise<{ currency: string; points: LossRatioPoint[] }[]> {
  // Policies that earn alike (same premium, term, start and cancellation) are one row with their
  // count, and paid claims one row per day: the database groups, so the insurer's policies and claims
  // never come into memory (a county's insurer holds tens of thousands). Each group's earned premium
  // is earnedPremium's, floored per policy, times its count: the same figure as summing policy by policy.
  const earning = await manager
    .createQueryBuilder(PolicyRow, 'p')
    .select('p.currency', 'currency')
    .addSelect('p.premium', 'premium')
    .addSelect('p.startDate', 'startDate')
    .addSelect('p.termDays', 'termDays')
    .addSelect('p.cancellationEffectiveDate', 'cancellationEffectiveDate')
    .addSelect('COUNT(*)', 'policies')
    .where('p.insurerId = :insurerId', { insurerId })
    .andWhere('p.issuedAt IS NOT NULL')
    .groupBy('p.currency')
    .addGroupBy('p.premium')
    .addGroupBy('p.startDate')
    .addGroupBy('p.termDays')
    .addGroupBy('p.cancellationEffectiveDate')
    .getRawMany<{ currency: string; premium: number | string; startDate: string | null; termDays: number; cancellationEffectiveDate: string | null; policies: number | string }>();
  const paidByDay = await manager
    .createQueryBuilder(ClaimRow, 'c')
    .select('c.currency', 'currency')
    .addSelect('SUBSTR(c.paidAt, 1, 10)', 'day')
    .addSelect('SUM(c.paidAmount)', 'paid')
    .where('c.insurerId = :insurerId', { insurerId })
    .andWhere('c.state = :paid', { paid: 'paid' })
    .andWhere('c.paidAt IS NOT NULL')
    .groupBy('c.currency')
    .addGroupBy('SUBSTR(c.paidAt, 1, 10)')
    .getRawMany<{ currency: string; day: string; paid: number | string }>();
  const dates = monthEndsUpTo(to, months);
  const currencies = [...new Set([...earning.map((group) => group.currency), ...paidByDay.map((day) => day.currency)])].sort();
  return currencies.map((currency) => ({
    currency,
    points: dates.map((date) => {
      // earnedPremium counts up to the start of its day, so the start of the next day is the end of this one.
      const premiumsEarned = earning
        .filter((group) => group.currency === currency)
        .reduce((sum, group) => sum + earnedPremium({ ...group, premium: Number(group.premium) }, addDays(date, 1)) * Number(group.policies), 0);
      const claimsPaid = paidByDay.filter((day) => day.currency === currency && day.day <= date).reduce((sum, day) => sum + Number(day.paid), 0);
      return { date, premiumsEarned, claimsPaid, lossRatioBasisPoints: basisPoints(claimsPaid, premiumsEarned) };
    }),
  }));
}

/** The last days of the `months - 1` months before `to`'s month, then `to`: oldest first. */
function monthEndsUpTo(to: string, months: number): string[] {
  const dates = [to];
  let firstOfMonth = `${to.slice(0, 7)}-01`;
  while (dates.length < months) {
    const lastOfPrevious = addDays(firstOfMonth, -1);
    dates.unshift(lastOfPrevious);
    firstOfMonth = `${lastOfPrevious.slice(0, 7)}-01`;
  }
  return dates;
}
