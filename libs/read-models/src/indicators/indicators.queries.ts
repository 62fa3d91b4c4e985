import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { applyKeyset, decodeCursor, inRegion, keysetPage, listOrder, mapPage, pageOf, type Page, type PageRequest } from '../shared/paging';
import { basisPoints } from '../shared/ratio';
import { CoverageMonthRow, IndicatorMonthRow, PromptnessClaimRow, PromptnessDeclarationRow, type PromptnessOutcome } from './indicator-tables.entity';
import { ANY_INSURER } from './indicators.projection';

/**
 * Whose figures: an insurer's (its products only), a region's (households of villages whose code
 * starts with the prefix), or an insurer's within a region.
 */
export interface IndicatorScope {
  insurerId?: string;
  regionPrefix?: string;
}

/** Money figures of one month in one currency. */
export interface MonthlyMoneyIndicators {
  currency: string;
  /** Premium earned in the month: each issued policy's premium pro rata over the days of its cover in the month (earnedPremium's day count, floored per policy). */
  earnedPremium: number;
  /** Claims incurred in the month: amounts approved in it (a paid claim is approved first, a parametric one in the same instant), so paid and approved-not-yet-paid claims count once each. */
  claimsIncurred: number;
  /** Amounts paid out in the month. */
  claimsPaid: number;
  /** Incurred claims ratio: claimsIncurred / earnedPremium, in basis points, floored; null when nothing was earned. */
  incurredClaimsRatioBasisPoints: number | null;
}

/** One month of the openIMIS-style indicators (a month is YYYY-MM, UTC). */
export interface MonthlyIndicators {
  month: string;
  money: MonthlyMoneyIndicators[];
  /** Issued policies whose end date falls in the month and that expired (not cancelled). */
  policiesExpired: number;
  /** Of those, the ones renewed: a policy of the same household and product starting at most RENEWAL_WINDOW_DAYS (30) after the end date. */
  policiesRenewed: number;
  /** Renewal ratio: policiesRenewed / policiesExpired, basis points; null when none expired. */
  renewalRatioBasisPoints: number | null;
  /** Claims settled (paid, or rejected) in the month, by the recorded time of that event. */
  claimsSettled: number;
  /** Of those, the ones settled within their product's target from filing (or from the declaration, for a parametric claim). */
  claimsSettledOnTime: number;
  /** Settlement promptness: claimsSettledOnTime / claimsSettled, basis points; null when none was settled. */
  settlementPromptnessBasisPoints: number | null;
  /** Mean days from filing (or declaration) to the decisions (approvals, rejections) recorded in the month, two decimals; null without decisions. */
  meanDaysToDecision: number | null;
  /** Mean days from filing (or declaration) to the payments recorded in the month, two decimals; null without payments. */
  meanDaysToPayment: number | null;
  /** Eligible households of the region at the month's end. */
  eligibleHouseholds: number;
  /** Of those, the ones with an issued policy in force (of the insurer's products, for an insurer). */
  coveredHouseholds: number;
  /** Coverage rate: coveredHouseholds / eligibleHouseholds at the month's end, basis points; null without eligible households. */
  coverageRateBasisPoints: number | null;
}

type Sums = Record<'earnedPremium' | 'claimsApproved' | 'claimsPaid' | 'policiesExpired' | 'policiesRenewed' | 'claimsSettled' | 'claimsSettledOnTime' | 'decisions' | 'decisionSeconds' | 'payments' | 'paymentSeconds', number | string>;
const SUMMED = ['earnedPremium', 'claimsApproved', 'claimsPaid', 'policiesExpired', 'policiesRenewed', 'claimsSettled', 'claimsSettledOnTime', 'decisions', 'decisionSeconds', 'payments', 'paymentSeconds'] as const;

function scoped<Row extends ObjectLiteral>(query: SelectQueryBuilder<Row>, alias: string, scope: IndicatorScope): SelectQueryBuilder<Row> {
  if (scope.insurerId !== undefined) query.andWhere(`${alias}.insurerId = :insurerId`, { insurerId: scope.insurerId });
  if (scope.regionPrefix) query.andWhere(...inRegion(`${alias}.villageCode`, scope.regionPrefix));
  return query;
}

/** The `count` months up to `to` (YYYY-MM), oldest first. */
export function monthsUpTo(to: string, count: number): string[] {
  const months: string[] = [];
  let year = Number(to.slice(0, 4));
  let month = Number(to.slice(5, 7));
  while (months.length < count) {
    months.unshift(`${year}-${String(month).padStart(2, '0')}`);
    if (--month === 0) [year, month] = [year - 1, 12];
  }
  return months;
}

const meanDays = (seconds: number, count: number) => (count === 0 ? null : Math.round((seconds / count / 86_400) * 100) / 100);

/**
 * The indicators of `scope` for each of the `count` months up to `to` (YYYY-MM), read from the
 * monthly rows the indicators projection keeps: a few queries over at most villages x products x
 * months rows, whatever the number of households, policies and claims.
 */
export async function monthlyIndicators(manager: EntityManager, scope: IndicatorScope, to: string, count: number): Promise<MonthlyIndicators[]> {
  const months = monthsUpTo(to, count);
  const query = manager.createQueryBuilder(IndicatorMonthRow, 'm').select('m.month', 'month').addSelect('m.currency', 'currency');
  for (const figure of SUMMED) query.addSelect(`SUM(m.${figure})`, figure);
  query.where('m.month >= :from AND m.month <= :to', { from: months[0], to });
  const rows = await scoped(query, 'm', scope).groupBy('m.month').addGroupBy('m.currency').orderBy('m.currency').getRawMany<Sums & { month: string; currency: string }>();

  // Month-end coverage: the changes of every month up to each one, summed (eligibility from the any-insurer rows).
  const coverageChanges = async (insurerId: string) => {
    const changes = manager
      .createQueryBuilder(CoverageMonthRow, 'c')
      .select('c.month', 'month')
      .addSelect('SUM(c.eligible)', 'eligible')
      .addSelect('SUM(c.covered)', 'covered')
      .where('c.insurerId = :coverer AND c.month <= :to', { coverer: insurerId, to });
    if (scope.regionPrefix) changes.andWhere(...inRegion('c.villageCode', scope.regionPrefix));
    return changes.groupBy('c.month').orderBy('c.month').getRawMany<{ month: string; eligible: number | string; covered: number | string }>();
  };
  const eligibleChanges = await coverageChanges(ANY_INSURER);
  const coveredChanges = scope.insurerId === undefined ? eligibleChanges : await coverageChanges(scope.insurerId);
  const runningTotal = (changes: { month: string; eligible: number | string; covered: number | string }[], figure: 'eligible' | 'covered', month: string) =>
    changes.filter((change) => change.month <= month).reduce((sum, change) => sum + Number(change[figure]), 0);

  return months.map((month) => {
    const ofMonth = rows.filter((row) => row.month === month);
    const total = (figure: (typeof SUMMED)[number]) => ofMonth.reduce((sum, row) => sum + Number(row[figure]), 0);
    const eligibleHouseholds = runningTotal(eligibleChanges, 'eligible', month);
    const coveredHouseholds = runningTotal(coveredChanges, 'covered', month);
    return {
      month,
      money: ofMonth
        .filter((row) => Number(row.earnedPremium) !== 0 || Number(row.claimsApproved) !== 0 || Number(row.claimsPaid) !== 0)
        .map((row) => ({
        currency: row.currency,
        earnedPremium: Number(row.earnedPremium),
        claimsIncurred: Number(row.claimsApproved),
        claimsPaid: Number(row.claimsPaid),
        incurredClaimsRatioBasisPoints: basisPoints(Number(row.claimsApproved), Number(row.earnedPremium)),
      })),
      policiesExpired: total('policiesExpired'),
      policiesRenewed: total('policiesRenewed'),
      renewalRatioBasisPoints: basisPoints(total('policiesRenewed'), total('policiesExpired')),
      claimsSettled: total('claimsSettled'),
      claimsSettledOnTime: total('claimsSettledOnTime'),
      settlementPromptnessBasisPoints: basisPoints(total('claimsSettledOnTime'), total('claimsSettled')),
      meanDaysToDecision: meanDays(total('decisionSeconds'), total('decisions')),
      meanDaysToPayment: meanDays(total('paymentSeconds'), total('payments')),
      eligibleHouseholds,
      coveredHouseholds,
      coverageRateBasisPoints: basisPoints(coveredHouseholds, eligibleHouseholds),
    };
  });
}

/** One insurer's settlement promptness up to now. */
export interface InsurerPromptness {
  insurerId: string;
  /** Claims paid or rejected. */
  claimsSettled: number;
  claimsSettledOnTime: number;
  /** Claims neither paid nor rejected, and older than their target at the time of the query. */
  claimsOverdue: number;
  /** Share on time: claimsSettledOnTime / (claimsSettled + claimsOverdue), basis points; null when there is neither. */
  shareOnTimeBasisPoints: number | null;
}

/** Insurers by id. */
export const PROMPTNESS_INSURERS = listOrder('promptness-insurers', [['m.insurerId', 'text']]);

/**
 * Each insurer's share of claims settled on time in `scope`, a page of insurers at a time: the
 * settled claims summed from the monthly rows, the overdue ones counted among the open claims
 * (an index range of those past their due time at `now`).
 */
export async function promptnessByInsurer(manager: EntityManager, scope: IndicatorScope, now: string, page: PageRequest): Promise<Page<InsurerPromptness>> {
  const query = scoped(manager.createQueryBuilder(IndicatorMonthRow, 'm').select('m.insurerId', 'insurerId').addSelect('SUM(m.claimsSettled)', 'settled').addSelect('SUM(m.claimsSettledOnTime)', 'onTime').where('1 = 1'), 'm', scope).groupBy('m.insurerId');
  applyKeyset(query, PROMPTNESS_INSURERS, page.cursor === undefined ? undefined : decodeCursor(PROMPTNESS_INSURERS, page.cursor));
  const rows = await query.limit(page.limit + 1).getRawMany<{ insurerId: string; settled: number | string; onTime: number | string }>();
  const insurers = pageOf(rows, PROMPTNESS_INSURERS, page.limit, (row) => [row.insurerId]);
  const insurerIds = insurers.items.map((row) => row.insurerId);
  const overdue = insurerIds.length
    ? await scoped(
        manager
          .createQueryBuilder(PromptnessClaimRow, 'c')
          .select('c.insurerId', 'insurerId')
          .addSelect('COUNT(*)', 'overdue')
          .where('c.insurerId IN (:...insurerIds)', { insurerIds })
          .andWhere("c.outcome = 'open' AND c.dueAt < :now", { now }),
        'c',
        { regionPrefix: scope.regionPrefix },
      )
        .groupBy('c.insurerId')
        .getRawMany<{ insurerId: string; overdue: number | string }>()
    : [];
  return mapPage(insurers, (row) => {
    const claimsOverdue = Number(overdue.find((counted) => counted.insurerId === row.insurerId)?.overdue ?? 0);
    const claimsSettled = Number(row.settled);
    const claimsSettledOnTime = Number(row.onTime);
    return { insurerId: row.insurerId, claimsSettled, claimsSettledOnTime, claimsOverdue, shareOnTimeBasisPoints: basisPoints(claimsSettledOnTime, claimsSettled + claimsOverdue) };
  });
}

/** One insurer's figures (zeros when it has none). */
export async function insurerPromptness(manager: EntityManager, insurerId: string, now: string): Promise<InsurerPromptness> {
  const { items } = await promptnessByInsurer(manager, { insurerId }, now, { limit: 1 });
  return items[0] ?? { insurerId, claimsSettled: 0, claimsSettledOnTime: 0, claimsOverdue: 0, shareOnTimeBasisPoints: null };
}

const DAY_MS = 86_400_000;
const daysFrom = (from: string, to: string | null) => (to === null ? null : Math.round(((Date.parse(to) - Date.parse(from)) / DAY_MS) * 100) / 100);

/** Days (two decimals) from the start to the decision and to the payment, its age (to its settlement, or now while open), and whether it is late at `now`. */
function judged(row: Pick<PromptnessClaimRow, 'decidedAt' | 'paidAt' | 'settledAt' | 'dueAt' | 'outcome'>, startedAt: string, now: string) {
  return {
    daysToDecision: daysFrom(startedAt, row.decidedAt),
    daysToPayment: daysFrom(startedAt, row.paidAt),
    ageDays: daysFrom(startedAt, row.settledAt ?? now)!,
    late: row.outcome === 'late' || (row.outcome === 'open' && row.dueAt < now),
  };
}

/** A claim's settlement promptness. */
/** How a claim or a declaration is judged: its times, and the days between them. */
export interface JudgedTimes {
  targetDays: number;
  dueAt: string;
  decidedAt: string | null;
  paidAt: string | null;
  settledAt: string | null;
  /** Days (two decimals) from the start (filing or declaration) to the decision, to the payment; null until then. */
  daysToDecision: number | null;
  daysToPayment: number | null;
  /** Days from the start to the settlement, or to `now` while open. */
  ageDays: number;
  outcome: PromptnessOutcome;
  /** Settled after its due time, or open past it at `now`. */
  late: boolean;
}

export interface ClaimPromptnessView extends JudgedTimes {
  claimId: string;
  policyId: string;
  productId: string;
  insurerId: string;
  villageCode: string;
  /** A parametric claim's declaration: its clock starts at the declaration. */
  declarationId: string | null;
  state: string;
  startedAt: string;
}

/** Soonest due first. */
export const PROMPTNESS_CLAIMS = listOrder('promptness-claims', [['c.dueAt', 'text'], ['c.claimId', 'text']]);

/** One page of the claims of `scope` with their promptness; `late` only those settled late or open past their due time at `now`. */
export async function claimPromptness(manager: EntityManager, scope: IndicatorScope, filter: { late?: boolean }, now: string, page: PageRequest): Promise<Page<ClaimPromptnessView>> {
  const query = scoped(manager.createQueryBuilder(PromptnessClaimRow, 'c').where('1 = 1'), 'c', scope);
  // A claim settled late was due before it was settled, so before now: both kinds are due before now.
  if (filter.late) query.andWhere("c.outcome IN ('late', 'open') AND c.dueAt < :now", { now });
  const claims = await keysetPage(query, PROMPTNESS_CLAIMS, page, (row) => [row.dueAt, row.claimId]);
  return mapPage(claims, (row) => ({
    claimId: row.claimId,
    policyId: row.policyId,
    productId: row.productId,
    insurerId: row.insurerId,
    villageCode: row.villageCode,
    declarationId: row.declarationId,
    state: row.state,
    startedAt: row.startedAt,
    targetDays: row.targetDays,
    dueAt: row.dueAt,
    decidedAt: row.decidedAt,
    paidAt: row.paidAt,
    settledAt: row.settledAt,
    outcome: row.outcome,
    ...judged(row, row.startedAt, now),
  }));
}

/** A declaration's promptness: from the declaration to the first answer and to the first insurer's completed payouts. */
export interface DeclarationPromptnessView extends JudgedTimes {
  declarationId: string;
  declaredBy: string;
  declaredAt: string;
  confirmedAt: string | null;
}

export const PROMPTNESS_DECLARATIONS = listOrder('promptness-declarations', [['d.dueAt', 'text'], ['d.declarationId', 'text']]);

/** One page of the declarations made by governments within `regionPrefix`, with their promptness; `late` as for claims. */
export async function declarationPromptness(manager: EntityManager, regionPrefix: string, filter: { late?: boolean }, now: string, page: PageRequest): Promise<Page<DeclarationPromptnessView>> {
  const query = manager.createQueryBuilder(PromptnessDeclarationRow, 'd').where(...inRegion('d.declaredBy', regionPrefix));
  if (filter.late) query.andWhere("d.outcome IN ('late', 'open') AND d.dueAt < :now", { now });
  const declarations = await keysetPage(query, PROMPTNESS_DECLARATIONS, page, (row) => [row.dueAt, row.declarationId]);
  return mapPage(declarations, (row) => ({ ...row, ...judged(row, row.declaredAt, now) }));
}
