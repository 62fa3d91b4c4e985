/**
 * Benchmark (not a test): events appended per second to the embedded SQLite event store, opened
 * exactly as the platform opens it (SqliteEventStore.open: WAL, synchronous=FULL, busy_timeout)
 * on a fresh file in the OS temp folder.
 *
 *   (a) single:     one event per append, each on a new stream ('no-stream');
 *   (b) batched:    100 events per append, each batch on a new stream;
 *   (c) concurrent: 8 async writers, each appending one event at a time to its own streams.
 *
 * The store commits in groups: the appends made in one turn of the event loop share one IMMEDIATE
 * transaction, so one commit (and one WAL fsync). In (a) and (b) each append waits for the last, so
 * each is a group of its own; in (c) the 8 writers' appends of one turn share a commit.
 * better-sqlite3 is synchronous: the commit, fsync included, runs on the event loop's thread, so
 * (c) measures grouping on one event loop, not parallel writes. Latency = from calling append()
 * to its promise resolving.
 *
 * Run: npm run build && node dist/bench/event-store-append.bench.js
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, SqliteEventStore } from '@pangolin/event-store';
import { printMachine } from './machine';
import { BenchRow, CpuMeter, formatCores, formatMs, formatRate, nowMs, percentile } from './stats';

const SINGLE = { warmup: 500, appends: 5_000 };
const BATCHED = { warmup: 20, appends: 500, batchSize: 100 };
const CONCURRENT = { writers: 8, warmupPerWriter: 50, appendsPerWriter: 625 };

interface ScenarioResult {
  scenario: string;
  appends: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  appendsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Cores used by other processes while this scenario ran (1 = one core). */
  otherCpu?: number;
}

/** An event shaped like the platform's (a GiftPledged with its metadata): about 450 bytes of JSON. */
function giftPledged(): NewEvent {
  const giftId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'GiftPledged',
    data: {
      giftId,
      donorId: randomUUID(),
      amount: { amount: 5000, currency: 'CNY' },
      target: { kind: 'programme', programmeId: randomUUID(), regionCode: '440305', productId: randomUUID() },
      remainder: 'refund',
      pledgedAt: new Date().toISOString(),
    },
    metadata: { actor: `donor:${randomUUID()}`, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

async function withStore<T>(work: (store: SqliteEventStore) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'pangolin-bench-store-'));
  const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  try {
    return await work(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(scenario: string, latencies: number[], events: number, seconds: number): ScenarioResult {
  return {
    scenario,
    appends: latencies.length,
    events,
    seconds,
    eventsPerSecond: events / seconds,
    appendsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Appends `count` batches of `batchSize` events, each to a new stream; returns each append's latency. */
async function appendSequentially(store: SqliteEventStore, count: number, batchSize: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const events = Array.from({ length: batchSize }, giftPledged);
    const started = nowMs();
    await store.append(`gift-${randomUUID()}`, 'no-stream', events);
    latencies.push(nowMs() - started);
  }
  return latencies;
}

async function single(): Promise<ScenarioResult> {
  return withStore(async (store) => {
    await appendSequentially(store, SINGLE.warmup, 1);
    const started = nowMs();
    const latencies = await appendSequentially(store, SINGLE.appends, 1);
    return summarise('(a) 1 event per append, distinct streams', latencies, SINGLE.appends, (nowMs() - started) / 1000);
  });
}

async function batched(): Promise<ScenarioResult> {
  return withStore(async (store) => {
    await appendSequentially(store, BATCHED.warmup, BATCHED.batchSize);
    const started = nowMs();
    const latencies = await appendSequentially(store, BATCHED.appends, BATCHED.batchSize);
    return summarise(`(b) ${BATCHED.batchSize} events per append`, latencies, BATCHED.appends * BATCHED.batchSize, (nowMs() - started) / 1000);
  });
}

async function concurrent(): Promise<ScenarioResult> {
  return withStore(async (store) => {
    const writers = (appendsPerWriter: number) =>
      Promise.all(Array.from({ length: CONCURRENT.writers }, () => appendSequentially(store, appendsPerWriter, 1)));
    await writers(CONCURRENT.warmupPerWriter);
    const started = nowMs();
    const latencies = (await writers(CONCURRENT.appendsPerWriter)).flat();
    const total = CONCURRENT.writers * CONCURRENT.appendsPerWriter;
    return summarise(`(c) ${CONCURRENT.writers} concurrent writers, 1 event per append`, latencies, total, (nowMs() - started) / 1000);
  });
}

export async function runEventStoreAppend(options: { printMachine?: boolean } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  console.log('## Event store append (SqliteEventStore: WAL, synchronous=FULL, temp file)');
  const results: ScenarioResult[] = [];
  for (const scenario of [single, batched, concurrent]) {
    const meter = new CpuMeter([process.pid]);
    const result = await scenario();
    result.otherCpu = meter.stop().others;
    results.push(result);
    console.log(
      `${result.scenario}: ${result.events.toLocaleString('en-US')} events in ${result.appends.toLocaleString('en-US')} appends, ${result.seconds.toFixed(2)} s → ` +
        `${formatRate(result.eventsPerSecond)} events/s (${formatRate(result.appendsPerSecond)} appends/s); append latency p50 ${formatMs(result.p50Ms)}, p99 ${formatMs(result.p99Ms)}; ` +
        `other processes' CPU meanwhile ${formatCores(result.otherCpu)}`,
    );
  }
  console.log('');
  return results.map((result) => ({
    benchmark: 'event store append',
    scenario: result.scenario,
    measured: `${result.events.toLocaleString('en-US')} events / ${result.appends.toLocaleString('en-US')} appends`,
    throughput: `${formatRate(result.eventsPerSecond)} events/s`,
    latencyOf: 'one append',
    p50: formatMs(result.p50Ms),
    p99: formatMs(result.p99Ms),
    notes: `other processes' CPU ${formatCores(result.otherCpu)}`,
  }));
}

if (require.main === module) {
  runEventStoreAppend().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
