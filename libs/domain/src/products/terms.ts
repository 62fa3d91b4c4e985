import { InvalidCommand } from '../shared/errors';
import { assertMoney } from '../shared/money';
import { COVERAGE_KINDS, MAX_SETTLEMENT_TARGET_DAYS, ProductTerms } from './events';
import { assertParametricBenefit } from './parametric';

const MAX_NAME_LENGTH = 200;
const MAX_WAITING_PERIOD_DAYS = 365;
const MAX_TERM_DAYS = 3660;

/** Throws InvalidCommand naming the first field of `terms` that breaks a rule. */
export function assertProductTerms(terms: ProductTerms): void {
  const { name, coverageKind, annualPremium, sumInsured, waitingPeriodDays, termDays } = terms;
  if (name.trim() === '' || name.length > MAX_NAME_LENGTH) throw new InvalidCommand('terms.name', `must be 1 to ${MAX_NAME_LENGTH} characters`);
  if (!(COVERAGE_KINDS as readonly string[]).includes(coverageKind)) throw new InvalidCommand('terms.coverageKind', `must be one of ${COVERAGE_KINDS.join(', ')}`);
  assertMoney(annualPremium, 'terms.annualPremium');
  assertMoney(sumInsured, 'terms.sumInsured');
  if (sumInsured.currency !== annualPremium.currency) throw new InvalidCommand('terms.sumInsured.currency', 'must be the currency of terms.annualPremium');
  if (sumInsured.amount < annualPremium.amount) throw new InvalidCommand('terms.sumInsured.amount', 'must be at least terms.annualPremium.amount');
  assertWholeDays(waitingPeriodDays, 'terms.waitingPeriodDays', 0, MAX_WAITING_PERIOD_DAYS);
  assertWholeDays(termDays, 'terms.termDays', 1, MAX_TERM_DAYS);
  if (terms.settlementTargetDays !== undefined) assertWholeDays(terms.settlementTargetDays, 'terms.settlementTargetDays', 1, MAX_SETTLEMENT_TARGET_DAYS);
  if (terms.parametric !== undefined) assertParametricBenefit(terms.parametric, sumInsured);
}

function assertWholeDays(value: number, field: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidCommand(field, `must be a whole number of days from ${min} to ${max}`);
}
