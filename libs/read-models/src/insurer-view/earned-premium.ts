import { daysBetween } from '@pangolin/domain';
import type { PolicyRow } from '../catalogue/policy.entity';

/**
 * The part of an issued policy's premium earned by the start of day `asOf`: pro rata over its
 * term in whole days, floor(premium * elapsedDays / termDays), the same day count the policy
 * decider uses to refund unearned premium. A cancelled policy stops earning on its effective date
 * (the first day without cover). A policy never issued earns nothing.
 */
export function earnedPremium(policy: Pick<PolicyRow, 'premium' | 'startDate' | 'termDays' | 'cancellationEffectiveDate'>, asOf: string): number {
  if (!policy.startDate) return 0;
  const stopsEarning = [asOf, policy.cancellationEffectiveDate].filter((date): date is string => date !== null).sort()[0];
  const elapsedDays = Math.min(Math.max(daysBetween(policy.startDate, stopsEarning), 0), policy.termDays);
  return Number((BigInt(policy.premium) * BigInt(elapsedDays)) / BigInt(policy.termDays));
}
