export interface ProgrammeCandidate {
  householdId: string;
  householdCode: string;
  /** Global log position of the household's latest eligibility verification. */
  verifiedPosition: bigint;
  /** Minor units still needed to fund the household's current premium round. */
  remainingPremium: number;
}

export interface ProgrammeAllocationPlan {
  allocations: { householdId: string; amount: number }[];
  /** Minor units left over once every candidate is funded or the money runs out. */
  remainder: number;
}

/**
 * How a programme gift is shared among the region's eligible, uncovered households.
 *
 * Households are served in the order in which they were verified eligible, earliest first:
 * the one whose latest eligibility verification has the lowest position in the global event
 * log comes first, and households verified at the same position are ordered by their public
 * household code. Each household in turn receives what it still needs for its premium, or
 * whatever is left of the gift if that is less; households whose premium is already fully
 * funded are skipped. The order uses only recorded facts, so anyone replaying the public log
 * can check that no household was passed over.
 */
export function planProgrammeAllocation(available: number, candidates: readonly ProgrammeCandidate[]): ProgrammeAllocationPlan {
  const queue = candidates.filter((candidate) => candidate.remainingPremium > 0).sort(byVerificationOrder);
  const allocations: ProgrammeAllocationPlan['allocations'] = [];
  let left = available;
  for (const { householdId, remainingPremium } of queue) {
    if (left === 0) break;
    const amount = Math.min(remainingPremium, left);
    allocations.push({ householdId, amount });
    left -= amount;
  }
  return { allocations, remainder: left };
}

function byVerificationOrder(a: ProgrammeCandidate, b: ProgrammeCandidate): number {
  if (a.verifiedPosition !== b.verifiedPosition) return a.verifiedPosition < b.verifiedPosition ? -1 : 1;
  // Code-point order, not localeCompare, so the plan does not depend on the server's locale.
  return a.householdCode < b.householdCode ? -1 : a.householdCode > b.householdCode ? 1 : 0;
}
