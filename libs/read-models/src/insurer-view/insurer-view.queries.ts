import type { EntityManager } from 'typeorm';
import { addDays, dateOf, type Money } from '@pangolin/domain';
import { ProductRow } from '../catalogue/product.entity';
import { PolicyRow, PolicyStatus } from '../catalogue/policy.entity';
import { ClaimRow, ClaimState } from '../catalogue/claim.entity';
import { ClaimView, PolicyView, ProductView, claimView, policyView, productView } from '../catalogue/catalogue.queries';
import { MoneySums } from '../shared/money-sums';
import { basisPoints } from '../shared/ratio';
import { earnedPremium } from './earned-premium';

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
  products: ProductView[];
  policies: { counts: Record<PolicyStatus, number>; list: PolicyView[] };
  premiums: InsurerPremiumFigures[];
  claims: { byState: Record<ClaimState, ClaimStateSummary>; queue: ClaimView[]; paid: ClaimView[]; list: ClaimView[] };
}

/** One insurer's book as of a calendar date (YYYY-MM-DD). Lists carry ids so the API can route commands. */
export async function insurerView(manager: EntityManager, insurerId: string, asOf: string): Promise<InsurerView> {
  const products = await manager.find(ProductRow, { where: { insurerId }, order: { productId: 'ASC' } });
  const policies = await manager.find(PolicyRow, { where: { insurerId }, order: { requestedAt: 'ASC', policyId: 'ASC' } });
  const claims = await manager.find(ClaimRow, { where: { insurerId }, order: { filedAt: 'ASC', claimId: 'ASC' } });

  const policyCounts: Record<PolicyStatus, number> = { requested: 0, active: 0, expired: 0, cancelled: 0 };
  for (const policy of policies) policyCounts[policy.status] += 1;

  const figures = new Map<string, InsurerPremiumFigures>();
  const figuresOf = (currency: string): InsurerPremiumFigures => {
    if (!figures.has(currency)) {
      figures.set(currency, { currency, premiumsReceived: 0, unearnedPremiumReturned: 0, premiumsEarned: 0, claimsPaid: 0, lossRatioBasisPoints: null });
    }
    return figures.get(currency)!;
  };
  for (const policy of policies.filter((p) => p.issuedAt !== null)) {
    const currencyFigures = figuresOf(policy.currency);
    currencyFigures.premiumsReceived += policy.premium;
    currencyFigures.unearnedPremiumReturned += policy.unearnedPremiumReturned;
    currencyFigures.premiumsEarned += earnedPremium(policy, asOf);
  }
  for (const claim of claims.filter((c) => c.state === 'paid')) figuresOf(claim.currency).claimsPaid += claim.paidAmount ?? 0;
  for (const currencyFigures of figures.values()) currencyFigures.lossRatioBasisPoints = basisPoints(currencyFigures.claimsPaid, currencyFigures.premiumsEarned);

  const claimViews = claims.map(claimView);

  return {
    insurerId,
    asOf,
    products: products.map(productView),
    policies: { counts: policyCounts, list: policies.map(policyView) },
    premiums: [...figures.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    claims: {
      byState: claimsByState(claims),
      // What waits for the insurer: filed claims to decide, approved claims to pay.
      queue: claimViews.filter((claim) => claim.state === 'filed' || claim.state === 'approved'),
      paid: claimViews.filter((claim) => claim.state === 'paid'),
      list: claimViews,
    },
  };
}

/** Claims counted per state, with their amounts in that state. */
export function claimsByState(claims: ClaimRow[]): Record<ClaimState, ClaimStateSummary> {
  const claimSums: Record<ClaimState, MoneySums> = { filed: new MoneySums(), approved: new MoneySums(), rejected: new MoneySums(), paid: new MoneySums() };
  const claimCounts: Record<ClaimState, number> = { filed: 0, approved: 0, rejected: 0, paid: 0 };
  for (const claim of claims) {
    claimCounts[claim.state] += 1;
    claimSums[claim.state].add(claim.currency, amountInState(claim));
  }
  const summary = (state: ClaimState): ClaimStateSummary => ({ count: claimCounts[state], amounts: claimSums[state].toList() });
  return { filed: summary('filed'), approved: summary('approved'), rejected: summary('rejected'), paid: summary('paid') };
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
  const policies = (await manager.find(PolicyRow, { where: { insurerId } })).filter((policy) => policy.issuedAt !== null);
  const paidClaims = await manager.find(ClaimRow, { where: { insurerId, state: 'paid' } });
  const dates = monthEndsUpTo(to, months);
  const currencies = [...new Set([...policies.map((policy) => policy.currency), ...paidClaims.map((claim) => claim.currency)])].sort();
  return currencies.map((currency) => ({
    currency,
    points: dates.map((date) => {
      // earnedPremium counts up to the start of its day, so the start of the next day is the end of this one.
      const premiumsEarned = policies.filter((p) => p.currency === currency).reduce((sum, policy) => sum + earnedPremium(policy, addDays(date, 1)), 0);
      const claimsPaid = paidClaims.filter((c) => c.currency === currency && c.paidAt !== null && dateOf(c.paidAt) <= date).reduce((sum, claim) => sum + (claim.paidAmount ?? 0), 0);
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

function amountInState(claim: ClaimRow): number {
  if (claim.state === 'paid') return claim.paidAmount ?? 0;
  if (claim.state === 'approved') return claim.approvedAmount ?? 0;
  return claim.amountClaimed;
}
