/**
 * Runs every benchmark in sequence and prints a markdown-ready summary.
 *
 *   npm run bench        (= npm run build && node dist/bench/run-all.js)
 *
 * Benchmarks measure and print; they assert nothing, except that the gifts benchmark exits non-zero
 * if the ledger does not sum to 0 afterwards, and the county benchmark if a dashboard's totals differ
 * from a count of the event log (correctness checks, not timing ones).
 *
 * The county benchmark runs here with 10,000 households (COUNTY_HOUSEHOLDS), since seeding the
 * issue's 100,000 through the deciders and the process manager takes about 6 minutes on SQLite and
 * three times that on PostgreSQL on a 2-core machine: `COUNTY_HOUSEHOLDS=100000 npm run bench`.
 */
import { runCountyScale } from './county-scale.bench';
import { runDisasterPayouts } from './disaster-payouts.bench';
import { runEventStoreAppend } from './event-store-append.bench';
import { runGiftsOverHttp } from './gifts-over-http.bench';
import { describeMachine, formatMachine } from './machine';
import { runMemoryFlat } from './memory-flat.bench';
import { runPostgresVsEmmett } from './postgres-vs-emmett.bench';
import { runProjectionCatchUp } from './projection-catch-up.bench';
import { runProgrammeAllocation } from './programme-allocation.bench';
import { BenchRow, markdownTable } from './stats';
import { runTransparency } from './transparency.bench';

async function main() {
  const machine = describeMachine();
  const started = Date.now();
  console.log(`# Pangolin benchmarks, ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('Machine:');
  console.log(formatMachine(machine));
  console.log('');

  const rows: BenchRow[] = [];
  rows.push(...(await runEventStoreAppend({ printMachine: false })));
  rows.push(...(await runGiftsOverHttp({ printMachine: false })));
  rows.push(...(await runPostgresVsEmmett({ printMachine: false })));
  rows.push(...(await runTransparency({ printMachine: false })));
  rows.push(...(await runProjectionCatchUp({ printMachine: false })));
  rows.push(...(await runProgrammeAllocation({ printMachine: false })));
  // The 10,000 covered households (DISASTER_HOUSEHOLDS), about 3 minutes with the seeding.
  rows.push(...(await runDisasterPayouts({ printMachine: false })));
  // The 1,000,000 events take minutes: here a tenth of them, unless MEMORY_BENCH_EVENTS says otherwise.
  rows.push(...(await runMemoryFlat({ printMachine: false, events: process.env.MEMORY_BENCH_EVENTS ? undefined : 100_000 })));
  rows.push(...(await runCountyScale({ printMachine: false, households: Number(process.env.COUNTY_HOUSEHOLDS ?? 10_000) })));

  console.log('## Summary\n');
  console.log(markdownTable(rows));
  console.log(`\n(all benchmarks: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
