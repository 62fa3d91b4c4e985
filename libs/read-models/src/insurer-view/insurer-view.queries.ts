import type { EntityManager } from 'typeorm';
import type { Money } from '@pangolin/domain';
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

  const claimSums: Record<ClaimState, MoneySums> = { filed: new MoneySums(), approved: new MoneySums(), rejected: new MoneySums(), paid: new MoneySums() };
  const claimCounts: Record<ClaimState, number> = { filed: 0, approved: 0, rejected: 0, paid: 0 };
  for (const claim of claims) {
    claimCounts[claim.state] += 1;
    claimSums[claim.state].add(claim.currency, amountInState(claim));
  }
  const summary = (state: ClaimState): ClaimStateSummary => ({ count: claimCounts[state], amounts: claimSums[state].toList() });
  const claimViews = claims.map(claimView);

  return {
    insurerId,
    asOf,
    products: products.map(productView),
    policies: { counts: policyCounts, list: policies.map(policyView) },
    premiums: [...figures.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    claims: {
      byState: { filed: summary('filed'), approved: summary('approved'), rejected: summary('rejected'), paid: summary('paid') },
      // What waits for the insurer: filed claims to decide, approved claims to pay.
      queue: claimViews.filter((claim) => claim.state === 'filed' || claim.state === 'approved'),
      paid: claimViews.filter((claim) => claim.state === 'paid'),
      list: claimViews,
    },
  };
}

function amountInState(claim: ClaimRow): number {
  if (claim.state === 'paid') return claim.paidAmount ?? 0;
  if (claim.state === 'approved') return claim.approvedAmount ?? 0;
  return claim.amountClaimed;
}
