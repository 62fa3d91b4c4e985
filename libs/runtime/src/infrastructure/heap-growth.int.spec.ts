import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * In a fresh process (a test worker's heap is already large, and V8 would not collect during a
 * short run whatever the limit): full collections while objects that live long enough to reach the
 * old generation, then die, stream over a live set of 20 MB (as a projection's batches do), with
 * V8's own heuristics and then after limitHeapGrowth(10), from the build `npm test` makes first.
 */
const CHILD = `
const { constants, PerformanceObserver } = require('node:perf_hooks');
const { limitHeapGrowth } = require(${JSON.stringify(join(ROOT, 'dist', 'libs', 'runtime', 'src', 'infrastructure', 'heap-growth.js'))});
async function fullCollectionsDuring(work) {
  let count = 0;
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) count++; });
  observer.observe({ entryTypes: ['gc'] });
  work();
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  return count;
}
function churn() {
  const live = Array.from({ length: 2000 }, () => new Array(1250).fill(1.5));
  const recent = new Array(20000);
  for (let i = 0; i < 400000; i++) recent[i % recent.length] = new Array(125).fill(i);
  return live.length + recent.length;
}
(async () => {
  const ownHeuristics = await fullCollectionsDuring(churn);
  limitHeapGrowth(10);
  const limited = await fullCollectionsDuring(churn);
  console.log(JSON.stringify({ ownHeuristics, limited }));
})();
`;

describe('limitHeapGrowth', () => {
  beforeAll(() => (require(join(ROOT, 'scripts', 'ensure-built.js')) as { ensureBuilt(): void }).ensureBuilt());

  it('makes V8 collect its old generation sooner than its own heuristics do, set while the process runs', () => {
    const { ownHeuristics, limited } = JSON.parse(execFileSync(process.execPath, ['-e', CHILD], { encoding: 'utf8', timeout: 60_000 })) as { ownHeuristics: number; limited: number };
    expect({ ownHeuristics, limited, moreThanTwice: limited > 2 * ownHeuristics }).toEqual({ ownHeuristics, limited, moreThanTwice: true });
  });
});
