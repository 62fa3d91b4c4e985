import { giftDecider } from '../gifts/gift.decider';
import { policyDecider } from '../policies/policy.decider';
import { premiumFundingDecider } from '../policies/premium-funding.decider';
import { Decider, foldEvents } from './decider';
import { longGiftHistory, longPolicyHistory, longPremiumFundingHistory } from './long-histories';

/**
 * Folding n events must cost O(n). Time is not measured here (see bench/programme-allocation.bench.ts);
 * what is counted is the entries written into Maps and Sets during the fold. Copying a collection
 * (`new Map(old)`, `new Set(old)`) writes every entry again, so a fold that copies per event writes
 * O(n²) entries; one that grows its collections in place writes O(1) per event.
 */
const WRITES_PER_EVENT_BUDGET = 4;

class BudgetExceeded extends Error {}

/** Entries written into Maps and Sets while `fold` runs; throws once more than `budget` are written (a quadratic fold would take minutes). */
function collectionWrites(budget: number, fold: () => unknown): number {
  const { set } = Map.prototype;
  const { add } = Set.prototype;
  let writes = 0;
  const count = () => {
    if (++writes > budget) throw new BudgetExceeded(`more than ${budget} entries written into Maps and Sets`);
  };
  Map.prototype.set = function (this: Map<unknown, unknown>, key, value) {
    count();
    return set.call(this, key, value);
  };
  Set.prototype.add = function (this: Set<unknown>, value) {
    count();
    return add.call(this, value);
  };
  try {
    fold();
    return writes;
  } finally {
    Map.prototype.set = set;
    Set.prototype.add = add;
  }
}

const deciders: [string, Pick<Decider<unknown, unknown, unknown>, 'evolve' | 'initialState'>, (length: number) => unknown[]][] = [
  ['gift (a programme gift allocated to one household after another)', giftDecider as never, longGiftHistory],
  ['premium funding (round after round of many small contributions)', premiumFundingDecider as never, longPremiumFundingHistory],
  ['policy (claim after claim)', policyDecider as never, longPolicyHistory],
];

describe('folds are linear in the number of events', () => {
  it.each(deciders)('%s: 50,000 events cost about 5 times what 10,000 do, and a few collection writes per event', (_name, decider, history) => {
    const [small, large] = [10_000, 50_000].map((length) => {
      const events = history(length);
      expect(events).toHaveLength(length);
      return collectionWrites(WRITES_PER_EVENT_BUDGET * length, () => foldEvents(decider, events));
    });
    expect(small).toBeGreaterThan(0);
    // Linear: 5x. A fold copying its collections per event would be about 25x (and exceed the budget first).
    expect(large / small).toBeLessThan(6);
  });

  it('a fold owns its state: folding the same events twice gives equal states that share nothing', () => {
    const events = longGiftHistory(100);
    const [first, second] = [foldEvents(giftDecider, events), foldEvents(giftDecider, events)];
    expect(first).toEqual(second);
    expect(first).not.toBe(second);
    if (!first.pledged || !second.pledged) throw new Error('the gift was pledged');
    expect(first.allocationIds).not.toBe(second.allocationIds);
    expect(first.allocationIds.size).toBe(90);
  });
});
