import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { loadConfiguration } from '../config/configuration';
import { configurationRefusal } from '../config/configuration-refusal.testing';
import { limitHeapGrowth } from './heap-growth';

/** Full (mark-compact) collections while `work` runs. */
async function fullCollectionsDuring(work: () => void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) count++;
  });
  observer.observe({ entryTypes: ['gc'] });
  work();
  // GC entries are delivered on a later turn of the event loop.
  for (let turn = 0; turn < 10; turn++) await nextTurn();
  observer.disconnect();
  return count;
}

/** A steady stream of objects that live long enough to reach the old generation, then die (as a projection's batches do), over a live set of 20 MB. */
function churn(): void {
  const live = Array.from({ length: 2_000 }, () => new Array(1_250).fill(1.5));
  const recent: number[][] = new Array(20_000);
  for (let i = 0; i < 400_000; i++) recent[i % recent.length] = new Array(125).fill(i);
  if (live.length + recent.length === 0) throw new Error('unreachable');
}

describe('the heap growth limit (HEAP_GROWTH_PERCENT)', () => {
  afterEach(() => setFlagsFromString('--heap-growing-percent=0'));

  it('is 50% by default, 0 leaves V8 its own, and a value that is not a whole number up to 400 is refused, naming the setting', () => {
    expect(loadConfiguration({ DATA_DIR: '/tmp/unused' }).heapGrowthPercent).toBe(50);
    expect(loadConfiguration({ DATA_DIR: '/tmp/unused', HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(configurationRefusal({ DATA_DIR: '/tmp/unused', HEAP_GROWTH_PERCENT: '401' })).toBe('HEAP_GROWTH_PERCENT must be at most 400, got "401"');
    expect(configurationRefusal({ DATA_DIR: '/tmp/unused', HEAP_GROWTH_PERCENT: '1.5' })).toBe('HEAP_GROWTH_PERCENT must be a whole number, got "1.5"');
  });

  it('makes V8 collect its old generation sooner than its own heuristics do, set while the process runs', async () => {
    const ownHeuristics = await fullCollectionsDuring(churn);
    limitHeapGrowth(10);
    const limited = await fullCollectionsDuring(churn);
    expect({ ownHeuristics, limited, moreThanTwice: limited > 2 * ownHeuristics }).toEqual({ ownHeuristics, limited, moreThanTwice: true });
  });
});
