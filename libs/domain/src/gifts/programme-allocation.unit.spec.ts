import { planProgrammeAllocation, ProgrammeCandidate } from './programme-allocation';

const candidate = (householdId: string, householdCode: string, verifiedPosition: bigint, remainingPremium: number): ProgrammeCandidate => ({
  householdId,
  householdCode,
  verifiedPosition,
  remainingPremium,
});

describe('planProgrammeAllocation', () => {
  it('funds households in the order they were verified eligible, earliest first', () => {
    const plan = planProgrammeAllocation(10_000, [candidate('late', 'HH-C', 30n, 4_000), candidate('early', 'HH-Z', 10n, 4_000), candidate('middle', 'HH-A', 20n, 4_000)]);
    expect(plan).toEqual({
      allocations: [
        { householdId: 'early', amount: 4_000 },
        { householdId: 'middle', amount: 4_000 },
        { householdId: 'late', amount: 2_000 },
      ],
      remainder: 0,
    });
  });

  it('breaks ties on the verification position by household code', () => {
    const plan = planProgrammeAllocation(5_000, [candidate('b', 'HH-B', 7n, 5_000), candidate('a', 'HH-A', 7n, 5_000)]);
    expect(plan.allocations).toEqual([{ householdId: 'a', amount: 5_000 }]);
  });

  it('skips households already fully funded and returns what nobody needs', () => {
    const plan = planProgrammeAllocation(10_000, [candidate('covered', 'HH-A', 1n, 0), candidate('partial', 'HH-B', 2n, 1_500)]);
    expect(plan).toEqual({ allocations: [{ householdId: 'partial', amount: 1_500 }], remainder: 8_500 });
  });

  it('plans nothing when there is no money or no candidate', () => {
    expect(planProgrammeAllocation(0, [candidate('a', 'HH-A', 1n, 100)])).toEqual({ allocations: [], remainder: 0 });
    expect(planProgrammeAllocation(300, [])).toEqual({ allocations: [], remainder: 300 });
  });

  it('compares positions beyond 2^53 exactly and does not depend on the input order', () => {
    const big = 2n ** 60n;
    const candidates = [candidate('second', 'HH-A', big + 1n, 100), candidate('first', 'HH-B', big, 100)];
    const plan = planProgrammeAllocation(150, candidates);
    expect(plan.allocations).toEqual([
      { householdId: 'first', amount: 100 },
      { householdId: 'second', amount: 50 },
    ]);
    expect(planProgrammeAllocation(150, [...candidates].reverse())).toEqual(plan);
  });
});
