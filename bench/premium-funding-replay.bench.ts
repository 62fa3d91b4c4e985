/**
 * Benchmark (not a test; not part of run-all): what it costs to load a household's premium-funding
 * stream (loadState: readStream + fold with premiumFundingDecider) as the stream grows.
 *
 * premiumFundingDecider.evolve used to copy the whole `outcomes` map for every PremiumContributionAccepted
 * or PremiumContributionDeclined, so folding n contributions was O(n²); it now grows the map in place
 * (the fold owns its state), so the fold is O(n) and the read dominates. The premium-allocation process
 * manager loads this stream for every contribution it makes to the household, one event at a time on
 * the platform's only event loop, so everything else waits for it. Since commit 9c02afd the process
 * manager no longer offers money to a premium that is already fully funded, so the stream no longer
 * grows by one decline per gift to a covered household; it still grows with every accepted
 * contribution (round after round) and with declines for other reasons. This measures streams of one
 * funded round followed by N declined contributions, in a real SqliteEventStore on a temp file:
 * median of 5 loads after one warm-up load.
 *
 * Run: npm run build && node dist/bench/premium-funding-replay.bench.js
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadState } from '@pangolin/application';
import { premiumFundingDecider, streams } from '@pangolin/domain';
import { NewEvent, SqliteEventStore } from '@pangolin/event-store';
import { printMachine } from './machine';
import { BenchRow, formatMs, nowMs } from './stats';

const SIZES = [250, 500, 1000, 2000, 4000];
const LOADS = 5;

const householdId = randomUUID();
const productId = randomUUID();
const premium = { amount: 5000, currency: 'CNY' };

function recorded(type: string, data: unknown): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { actor: 'system:premium-allocation', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

/** One funded round, then `declined` contributions refused because the household is covered. */
function fundingHistory(declined: number): NewEvent[] {
  const policyId = randomUUID();
  const giftId = randomUUID();
  const now = new Date().toISOString();
  return [
    recorded('PremiumContributionAccepted', { householdId, productId, round: 1, policyId, contributionId: randomUUID(), giftId, amount: premium, fundedTotal: premium, premium, productVersion: 1, acceptedAt: now }),
    recorded('PremiumFullyFunded', { householdId, productId, productVersion: 1, round: 1, policyId, premium, contributions: [{ giftId, amount: premium.amount }], fundedAt: now }),
    ...Array.from({ length: declined }, () =>
      recorded('PremiumContributionDeclined', {
        householdId, productId, contributionId: randomUUID(), giftId: randomUUID(), offered: { amount: 1000, currency: 'CNY' },
        reason: 'the premium of round 1 is already fully funded: the household is covered until its policy ends', declinedAt: now,
      }),
    ),
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function runPremiumFundingReplay(options: { printMachine?: boolean } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  console.log('## Premium-funding stream load (loadState = readStream + fold), by number of declined contributions in the stream');
  const dir = mkdtempSync(join(tmpdir(), 'pangolin-bench-replay-'));
  const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  const rows: BenchRow[] = [];
  try {
    for (const size of SIZES) {
      const streamId = streams.premiumFunding(randomUUID(), productId);
      const history = fundingHistory(size);
      for (let i = 0; i < history.length; i += 500) await store.append(streamId, i === 0 ? 'no-stream' : 'any', history.slice(i, i + 500));
      await loadState(store, premiumFundingDecider, streamId);
      const timings: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const started = nowMs();
        const { state } = await loadState(store, premiumFundingDecider, streamId);
        timings.push(nowMs() - started);
        if (state.outcomes.size !== size + 1) throw new Error(`expected ${size + 1} outcomes, folded ${state.outcomes.size}`);
      }
      // The read alone, to separate SQLite + JSON.parse from the fold.
      const reads: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const started = nowMs();
        await store.readStream(streamId);
        reads.push(nowMs() - started);
      }
      const foldMs = median(timings) - median(reads);
      console.log(
        `${String(size).padStart(5)} declined contributions (${history.length} events): load p50 ${formatMs(median(timings))} (read ${formatMs(median(reads))}, fold ≈ ${formatMs(foldMs)}), max ${formatMs(Math.max(...timings))}`,
      );
      rows.push({
        benchmark: 'premium-funding stream load',
        scenario: `${size.toLocaleString('en-US')} declined contributions in the stream`,
        measured: `${LOADS} loads`,
        throughput: `${(1000 / median(timings)).toFixed(median(timings) > 100 ? 1 : 0)} loads/s`,
        latencyOf: 'loadState (read + fold)',
        p50: formatMs(median(timings)),
        p99: `n/a (max ${formatMs(Math.max(...timings))})`,
        notes: `read ${formatMs(median(reads))}, fold ≈ ${formatMs(foldMs)}`,
      });
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  return rows;
}

if (require.main === module) {
  runPremiumFundingReplay().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
