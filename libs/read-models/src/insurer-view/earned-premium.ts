import { daysBetween } from '@pangolin/domain';
import type { PolicyRow } from '../catalogue/policy.entity';

/**
 * The part of an issued policy's premium earned by `asOf`: pro rata over its period, in whole days,
 * floor(premium * elapsedDays / termDays). A cancelled policy stops earning on its effective date.
 * A policy never issued earns nothing.
 */
export function earnedPremium(policy: Pick<PolicyRow, 'premium' | 'startDate' | 'endDate' | 'cancellationEffectiveDate'>, asOf: string): number {
  if (!policy.startDate || !policy.endDate) return 0;
  const termDays = daysBetween(policy.startDate, policy.endDate);
  if (termDays <= 0) return policy.premium;
  const stopsEarning = [asOf, policy.endDate, policy.cancellationEffectiveDate].filter((date): date is string => date !== null).sort()[0];
  const elapsedDays = Math.min(Math.max(daysBetween(policy.startDate, stopsEarning), 0), termDays);
  return Number((BigInt(policy.premium) * BigInt(elapsedDays)) / BigInt(termDays));
}
