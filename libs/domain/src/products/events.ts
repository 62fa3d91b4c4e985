import { Money } from '../shared/money';
import { ParametricBenefit } from './parametric';

export const COVERAGE_KINDS = ['accident-illness', 'health', 'crop', 'livestock', 'property', 'life'] as const;
export type CoverageKind = (typeof COVERAGE_KINDS)[number];

/** The terms a policy is written on. A revision changes them for new policies only. */
export interface ProductTerms {
  name: string;
  coverageKind: CoverageKind;
  /** Premium for one household for one term. */
  annualPremium: Money;
  /** The most all claims of one policy can pay. Same currency as the premium. */
  sumInsured: Money;
  /** Incidents within this many days of the policy start are not covered. */
  waitingPeriodDays: number;
  /** Length of a policy in days (365 for a yearly policy). */
  termDays: number;
  /** Present on a parametric product: what it pays each covered household when a disaster is declared. */
  parametric?: ParametricBenefit;
  /**
   * Days within which a claim should be settled (paid, or rejected), counted from its filing (a
   * parametric claim: from the declaration): the target of the settlement promptness figures.
   * Absent: DEFAULT_SETTLEMENT_TARGET_DAYS.
   */
  settlementTargetDays?: number;
}

/** The settlement target of a product whose terms set none. */
export const DEFAULT_SETTLEMENT_TARGET_DAYS = 10;
export const MAX_SETTLEMENT_TARGET_DAYS = 365;

/** The settlement target of a product's terms. */
export function settlementTargetDaysOf(terms: Pick<ProductTerms, 'settlementTargetDays'>): number {
  return terms.settlementTargetDays ?? DEFAULT_SETTLEMENT_TARGET_DAYS;
}

export type ProductEvent =
  | { type: 'ProductPublished'; data: { productId: string; insurerId: string; version: 1; terms: ProductTerms; publishedAt: string } }
  | { type: 'ProductRevised'; data: { productId: string; insurerId: string; version: number; terms: ProductTerms; revisedAt: string } }
  | { type: 'ProductRetired'; data: { productId: string; insurerId: string; version: number; retiredAt: string } };
