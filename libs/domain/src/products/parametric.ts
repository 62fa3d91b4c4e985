import { InvalidCommand } from '../shared/errors';
import { assertMoney, money, Money } from '../shared/money';

export const PERIL_KINDS = ['flood', 'drought', 'earthquake', 'typhoon', 'landslide', 'hail', 'frost', 'wildfire'] as const;
export type PerilKind = (typeof PERIL_KINDS)[number];

/**
 * Severity of a declared disaster, as China's emergency response levels grade it: 1 is the most
 * severe (特别重大, level I) and 4 the least (一般, level IV).
 */
export const SEVERITY_LEVELS = [1, 2, 3, 4] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/**
 * What a parametric product pays each covered household once a disaster of one of its perils is
 * declared and its insurer confirms, with no loss assessment:
 * - `fixed`: the same amount for every covered household, whatever the severity;
 * - `severity-share`: a share of the policy's sum insured set by the declared severity, in basis
 *   points (1/10,000), one per level from 1 (most severe) to 4; rounded down to the minor unit.
 * Either way no payout exceeds the policy's remaining cover (the claim decider caps it).
 */
export type ParametricBenefit =
  | { perils: PerilKind[]; rule: 'fixed'; amount: Money }
  | { perils: PerilKind[]; rule: 'severity-share'; shareBasisPointsBySeverity: [number, number, number, number] };

export function assertParametricBenefit(benefit: ParametricBenefit, sumInsured: Money, field = 'terms.parametric'): void {
  const { perils } = benefit;
  if (!Array.isArray(perils) || perils.length === 0 || perils.length > PERIL_KINDS.length) throw new InvalidCommand(`${field}.perils`, `must list 1 to ${PERIL_KINDS.length} perils`);
  perils.forEach((peril, i) => {
    if (!(PERIL_KINDS as readonly string[]).includes(peril)) throw new InvalidCommand(`${field}.perils[${i}]`, `must be one of ${PERIL_KINDS.join(', ')}`);
  });
  if (new Set(perils).size !== perils.length) throw new InvalidCommand(`${field}.perils`, 'must not list a peril twice');
  if (benefit.rule === 'fixed') {
    assertMoney(benefit.amount, `${field}.amount`);
    if (benefit.amount.currency !== sumInsured.currency) throw new InvalidCommand(`${field}.amount.currency`, 'must be the currency of terms.sumInsured');
    if (benefit.amount.amount > sumInsured.amount) throw new InvalidCommand(`${field}.amount.amount`, 'must not exceed terms.sumInsured.amount');
    return;
  }
  if (benefit.rule !== 'severity-share') throw new InvalidCommand(`${field}.rule`, 'must be fixed or severity-share');
  const shares = benefit.shareBasisPointsBySeverity;
  if (!Array.isArray(shares) || shares.length !== SEVERITY_LEVELS.length) throw new InvalidCommand(`${field}.shareBasisPointsBySeverity`, 'must give 4 shares, for severity 1 to 4');
  shares.forEach((share, i) => {
    if (!Number.isInteger(share) || share < 0 || share > 10_000) throw new InvalidCommand(`${field}.shareBasisPointsBySeverity[${i}]`, 'must be a whole number of basis points from 0 to 10000');
  });
}

export function coversPeril(benefit: ParametricBenefit | undefined, peril: PerilKind): boolean {
  return benefit !== undefined && benefit.perils.includes(peril);
}

/** The benefit for one policy before the cap of its remaining cover (see ParametricBenefit). */
export function parametricPayout(benefit: ParametricBenefit, severity: SeverityLevel, sumInsured: Money): Money {
  if (benefit.rule === 'fixed') return benefit.amount;
  const share = benefit.shareBasisPointsBySeverity[severity - 1];
  return money(Number((BigInt(sumInsured.amount) * BigInt(share)) / 10_000n), sumInsured.currency);
}
