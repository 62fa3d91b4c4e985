/**
 * Benchmark: memory stays flat while the platform appends and projects a long log. Issue #11 asks
 * that RSS grow less than 100 MB while 1,000,000 events are appended and projected.
 *
 * Platform side: the embedded stores as the platform opens them (a SqliteEventStore file, a read
 * database made by openReadDataSource) and a ProjectionRunner with every projection, started first
 * and following the log live, as the platform's event pipeline runs it. Gift-shaped events
 * (bench/gift-log.ts: 12 per household, from registration to a paid claim) are appended by
 * CONCURRENT_HOUSEHOLDS households at once (so appends share group commits, as concurrent requests
 * do), each household's data key stored in the read database before its events, as the write side
 * does. When every event is appended, the run waits for the projections to catch up.
 *
 * Reference, in the same run: the raw append loop, the same events inserted with better-sqlite3
 * into a table shaped like the event store's (same pragmas: WAL, synchronous = FULL), one
 * transaction per CONCURRENT_HOUSEHOLDS households, nothing projected.
 *
 * Each side runs in a child process of its own, so neither inherits the other's heap. RSS
 * (process.memoryUsage().rss) is sampled every 100 ms; printed: the baseline (after opening the
 * stores, before the first append), the peak and the final RSS (after the catch-up and a full
 * garbage collection), and their growth over the baseline, with RSS at every tenth of the log.
 *
 * Run: npm run build && node dist/bench/memory-flat.bench.js
 * MEMORY_BENCH_EVENTS: events to append, default 1,000,000 (the issue's size; 8-11 minutes on a
 * shared 2-core machine). run-all runs it with 100,000 unless MEMORY_BENCH_EVENTS is set.
 * PROJECTION_BATCH_SIZE, HEAP_GROWTH_PERCENT: as for the platform (configuration.ts), read as it reads them.
 * MEMORY_BENCH_NODE_FLAGS: extra Node.js flags for both sides' processes, e.g. to compare V8 heap
 * settings (`--max-semi-space-size=2`): the peak is mostly how far V8 lets its heap grow before
 * collecting (see bench/RESULTS.md).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@pangolin/event-store';
import { allProjections, openReadDataSource, ProjectionRunner } from '@pangolin/read-models';
import { limitHeapGrowth, loadConfiguration } from '@pangolin/runtime';
import { appendHousehold, appendProduct, EVENTS_PER_HOUSEHOLD, giftLogHouseholdKeys, householdsFor } from './gift-log';
import { printMachine } from './machine';
import { BenchRow, formatGrowth, formatRate, nowMs } from './stats';

const ISSUE_EVENTS = 1_000_000;
const CONCURRENT_HOUSEHOLDS = 64;
const SAMPLE_EVERY_MS = 100;
const MB = 2 ** 20;

interface Side {
  name: 'platform' | 'raw';
  events: number;
  seconds: number;
  baselineRss: number;
  peakRss: number;
  /** Events appended at the peak, and the JavaScript heap then (committed, in use). */
  peakAt: [number, number, number];
  finalRss: number;
  /** RSS and the JavaScript heap in use at each tenth of the log: [events appended, rss, heapUsed]. */
  timeline: [number, number, number][];
}

/** Samples RSS in the background; `mark` records it at a point of progress. */
class RssSampler {
  readonly baseline = process.memoryUsage().rss;
  peak = this.baseline;
  /** Events appended when the peak was sampled, and the JavaScript heap then (committed, in use). */
  peakAt: [number, number, number] = [0, 0, 0];
  /** Events appended so far (set by the side as it goes). */
  progress = 0;
  readonly timeline: [number, number, number][] = [];
  private readonly timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);

  sample(): number {
    const { rss, heapTotal, heapUsed } = process.memoryUsage();
    if (rss > this.peak) {
      this.peak = rss;
      this.peakAt = [this.progress, heapTotal, heapUsed];
    }
    return rss;
  }

  /** Records RSS at a point of progress, and prints it (the run takes minutes). */
  mark(side: string, events: number, note = ''): void {
    const mark: [number, number, number] = [events, this.sample(), process.memoryUsage().heapUsed];
    this.timeline.push(mark);
    console.log(`  (${side}) ${formatMark(mark)}${note}`);
  }

  /** Stops sampling; the final RSS after a full collection (the child runs with --expose-gc). */
  finish(): number {
    clearInterval(this.timer);
    this.sample();
    global.gc?.();
    return process.memoryUsage().rss;
  }
}

/** The platform: event store and projections, both embedded, the runner following live. */
async function platformSide(events: number): Promise<Side> {
  const directory = mkdtempSync(join(tmpdir(), 'pangolin-memory-'));
  const store = SqliteEventStore.open(join(directory, 'events.db'));
  const read = await openReadDataSource({ type: 'sqlite', path: join(directory, 'read.db') });
  let failure: unknown;
  // PROJECTION_BATCH_SIZE and HEAP_GROWTH_PERCENT as the platform reads them (configuration.ts), and its heap growth set as its entry points set it.
  const config = loadConfiguration({ DATA_DIR: directory, SEED_DEMO: 'false', PROJECTION_BATCH_SIZE: process.env.PROJECTION_BATCH_SIZE, HEAP_GROWTH_PERCENT: process.env.HEAP_GROWTH_PERCENT });
  limitHeapGrowth(config.heapGrowthPercent);
  const batchSize = config.projectionBatchSize;
  const runner = new ProjectionRunner(store, read, allProjections(giftLogHouseholdKeys), { onError: (error) => (failure ??= error), batchSize });
  try {
    await runner.start();
    const households = householdsFor(events);
    const sampler = new RssSampler();
    const started = nowMs();
    await appendProduct(store);
    const tenth = Math.max(1, Math.floor(households / 10));
    for (let from = 0; from < households; from += CONCURRENT_HOUSEHOLDS) {
      const to = Math.min(households, from + CONCURRENT_HOUSEHOLDS);
      sampler.progress = to * EVENTS_PER_HOUSEHOLD + 1;
      const appends: Promise<void>[] = [];
      for (let index = from; index < to; index++) appends.push(appendHousehold(store, index));
      await Promise.all(appends);
      if (Math.floor(to / tenth) > Math.floor(from / tenth)) {
        const behind = (await runner.lag()).reduce((most, { behind }) => (behind > most ? behind : most), 0n);
        sampler.mark('platform', to * EVENTS_PER_HOUSEHOLD + 1, `, projections ${behind.toLocaleString('en-US')} events behind`);
      }
    }
    const head = await store.headPosition();
    await runner.caughtUpTo(head);
    const seconds = (nowMs() - started) / 1000;
    if (failure !== undefined) throw new Error(`a projection failed: ${String(failure)}`);
    const finalRss = sampler.finish();
    return { name: 'platform', events: Number(head), seconds, baselineRss: sampler.baseline, peakRss: sampler.peak, peakAt: sampler.peakAt, finalRss, timeline: sampler.timeline };
  } finally {
    await runner.stop();
    await store.close();
    await read.destroy();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The raw append loop: the same events into an events table, with the driver alone. */
async function rawSide(events: number): Promise<Side> {
  const directory = mkdtempSync(join(tmpdir(), 'pangolin-memory-raw-'));
  const db = new Database(join(directory, 'events.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,
      revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream_id, revision))`);
    const insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    // The same events the platform side appends, captured from a store-shaped sink instead of a store.
    const sink = {
      pending: [] as [string, string, number, string, string, string][],
      revisions: new Map<string, number>(),
      async append(streamId: string, _expected: unknown, newEvents: readonly { eventId: string; type: string; data: unknown; metadata: unknown }[]) {
        let revision = sink.revisions.get(streamId) ?? -1;
        for (const event of newEvents) sink.pending.push([event.eventId, streamId, ++revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)]);
        sink.revisions.set(streamId, revision);
        return { nextRevision: revision, lastPosition: 0n, alreadyStored: false };
      },
    };
    const writePending = db.transaction(() => {
      for (const row of sink.pending) insert.run(...row);
    });
    const flush = () => {
      writePending();
      sink.pending = [];
      // A household's streams are written within one flush and never appended to again: forget them.
      sink.revisions.clear();
    };
    const households = householdsFor(events);
    const sampler = new RssSampler();
    const started = nowMs();
    // The sink has the store's append; the gift log needs no more of a store.
    const store = sink as unknown as Parameters<typeof appendHousehold>[0];
    await appendProduct(store);
    flush();
    const tenth = Math.max(1, Math.floor(households / 10));
    for (let from = 0; from < households; from += CONCURRENT_HOUSEHOLDS) {
      const to = Math.min(households, from + CONCURRENT_HOUSEHOLDS);
      sampler.progress = to * EVENTS_PER_HOUSEHOLD + 1;
      for (let index = from; index < to; index++) await appendHousehold(store, index);
      flush();
      if (Math.floor(to / tenth) > Math.floor(from / tenth)) sampler.mark('raw', to * EVENTS_PER_HOUSEHOLD + 1);
    }
    const seconds = (nowMs() - started) / 1000;
    const written = Number(db.prepare('SELECT count(*) FROM events').pluck().get());
    const finalRss = sampler.finish();
    return { name: 'raw', events: written, seconds, baselineRss: sampler.baseline, peakRss: sampler.peak, peakAt: sampler.peakAt, finalRss, timeline: sampler.timeline };
  } finally {
    db.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Runs one side in a child process (with --expose-gc) and returns what it measured. */
function inChild(side: Side['name'], events: number): Promise<Side> {
  return new Promise((resolve, reject) => {
    const flags = (process.env.MEMORY_BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    const child = fork(__filename, ['--side', side, String(events)], { execArgv: ['--expose-gc', ...flags] });
    let result: Side | undefined;
    child.on('message', (message) => (result = message as Side));
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`the ${side} side exited with ${code}`))));
  });
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const formatMark = ([events, rss, heap]: [number, number, number]) => `${Math.round(events / 1000)}k ${mb(rss)} (${mb(heap)})`;

function describe(side: Side): string {
  const label = side.name === 'platform' ? 'Platform (event store + every projection, live)' : 'Raw append loop (reference)';
  return [
    `${label}: ${side.events.toLocaleString('en-US')} events in ${side.seconds.toFixed(1)} s (${formatRate(side.events / side.seconds)} events/s)`,
    `  RSS baseline ${mb(side.baselineRss)}, peak ${mb(side.peakRss)} (${formatGrowth(side.peakRss - side.baselineRss)}; at ${Math.round(side.peakAt[0] / 1000)}k events, JavaScript heap ${mb(side.peakAt[1])} committed, ${mb(side.peakAt[2])} in use), final after GC ${mb(side.finalRss)} (${formatGrowth(side.finalRss - side.baselineRss)})`,
    `  RSS (JavaScript heap in use) over the log: ${side.timeline.map(formatMark).join(', ')}`,
  ].join('\n');
}

export async function runMemoryFlat(options: { printMachine?: boolean; events?: number } = {}): Promise<BenchRow[]> {
  const events = options.events ?? Number(process.env.MEMORY_BENCH_EVENTS ?? ISSUE_EVENTS);
  if (options.printMachine !== false) printMachine();
  console.log(`## Memory: RSS while appending and projecting ${events.toLocaleString('en-US')} events (issue #11: grows < 100 MB at 1,000,000)\n`);
  const raw = await inChild('raw', events);
  console.log(describe(raw));
  const platform = await inChild('platform', events);
  console.log(describe(platform));
  const peakGrowth = platform.peakRss - platform.baselineRss;
  console.log(`\nPlatform RSS peak growth ${formatGrowth(peakGrowth)} (raw loop ${formatGrowth(raw.peakRss - raw.baselineRss)}): ${peakGrowth < 100 * MB ? 'under' : 'OVER'} the 100 MB bound\n`);
  return [
    {
      benchmark: 'memory',
      scenario: 'append + project every event, embedded (vs raw append loop)',
      measured: `${platform.events.toLocaleString('en-US')} events`,
      throughput: `${formatRate(platform.events / platform.seconds)} events/s vs ${formatRate(raw.events / raw.seconds)}`,
      latencyOf: 'n/a',
      p50: 'n/a',
      p99: 'n/a',
      notes: `RSS peak ${formatGrowth(peakGrowth)}, final ${formatGrowth(platform.finalRss - platform.baselineRss)} over the baseline (raw loop: peak ${formatGrowth(raw.peakRss - raw.baselineRss)})`,
    },
  ];
}

if (require.main === module) {
  const at = process.argv.indexOf('--side');
  const main = at >= 0
    ? (process.argv[at + 1] === 'raw' ? rawSide : platformSide)(Number(process.argv[at + 2])).then((side) => new Promise<void>((resolve) => process.send!(side, () => resolve())))
    : runMemoryFlat();
  main.catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
