/**
 * Benchmark: projection catch-up. A log of PROJECTION_BENCH_EVENTS events (default 50,000) is
 * projected from the start by the ProjectionRunner with every projection, into a fresh read
 * database, on SQLite (embedded mode: a WAL file, as openReadDataSource makes it) and on PostgreSQL
 * (server mode: a fresh schema made by the migrations). The reference, in the same run, is a raw
 * loop on the driver: read the log in pages of 500, one upsert per event into one table, one
 * transaction per page, into a database made exactly as the projections' (on SQLite a fresh file
 * from openReadDataSource, so the same pragmas: WAL, synchronous = FULL, secure_delete; on
 * PostgreSQL a fresh schema of the same database). The two sides alternate (PROJECTION_BENCH_RUNS
 * each, default 3) and the medians are compared.
 *
 * The log (bench/gift-log.ts): per household, the 12 events of a gift's life, from registration to
 * a paid claim. Both sides read it from the same in-memory SQLite event store, so the figures are
 * the projections' cost, not the log's.
 *
 * Memory: the process's RSS is sampled every 50 ms while projecting; each run prints its peak's
 * growth over the RSS before the first catch-up (the log itself, in memory, is in that baseline).
 * Several runs in one process, or a longer log (PROJECTION_BENCH_EVENTS=200000), show the trend.
 *
 * PROJECTION_BENCH_SHARES=1: also times each projection's applyBatch (they run one after another in
 * the runner's transaction) and prints each one's share of the catch-up; the rest is the runner's
 * (the log's pages, checkpoints, commits). On SQLite it also times every statement on the read
 * database (SQLite's own work, commits included): against the raw loop's whole time, a floor no
 * JavaScript change can go under.
 *
 * Run: npm run build && node dist/bench/projection-catch-up.bench.js
 * PostgreSQL: PANGOLIN_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); skipped if unreachable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { SqliteEventStore, type EventStore, type RecordedEvent } from '@pangolin/event-store';
import { allProjections, openReadDataSource, ProjectionRunner, type Projection } from '@pangolin/read-models';
import { limitHeapGrowth, loadConfiguration } from '@pangolin/runtime';
import { buildLog, giftLogHouseholdKeys, householdsFor } from './gift-log';
import { printMachine } from './machine';
import { timeStatements } from './statement-time';
import { BenchRow, formatGrowth, formatRate, nowMs } from './stats';

const EVENTS = Number(process.env.PROJECTION_BENCH_EVENTS ?? 50_000);
const RUNS = Number(process.env.PROJECTION_BENCH_RUNS ?? 3);
const POSTGRES_URL = process.env.PANGOLIN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The runner's batch size (PROJECTION_BATCH_SIZE, as the app reads it); unset, the runner's default. */
const BATCH_SIZE = process.env.PROJECTION_BATCH_SIZE ? Number(process.env.PROJECTION_BATCH_SIZE) : undefined;
const PAGE = 500;
/** Time each projection's applyBatch and print the shares (PROJECTION_BENCH_SHARES=1). */
const SHARES = process.env.PROJECTION_BENCH_SHARES === '1';

interface Backend {
  name: string;
  /** A fresh read database holding the households' keys (as the write side would have made them). */
  openRead(households: number): Promise<{ dataSource: DataSource; close(): Promise<void> }>;
  /** The raw loop: pages of 500 from the log, one upsert per event, one transaction per page; returns ms. */
  rawLoop(store: EventStore, head: bigint, households: number): Promise<number>;
}

const sqlite: Backend = {
  name: 'SQLite',
  async openRead(households) {
    const directory = mkdtempSync(join(tmpdir(), 'pangolin-catch-up-'));
    const dataSource = await openReadDataSource({ type: 'sqlite', path: join(directory, 'read.db') });
    return { dataSource, close: async () => { await dataSource.destroy(); rmSync(directory, { recursive: true, force: true }); } };
  },
  async rawLoop(store, head, households) {
    // The database the projections get, made the same way (openReadDataSource: a WAL file,
    // synchronous = FULL, secure_delete), written through its own driver connection.
    const read = await sqlite.openRead(households);
    try {
      const db = (read.dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
      db.exec('CREATE TABLE seen (event_id TEXT PRIMARY KEY, stream_id TEXT NOT NULL, type TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL)');
      const upsert = db.prepare('INSERT INTO seen VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET position = excluded.position, data = excluded.data');
      const started = nowMs();
      for (let after = 0n; after < head; ) {
        const page = await store.readAll({ after, limit: PAGE });
        db.transaction(() => {
          for (const event of page) upsert.run(event.eventId, event.streamId, event.type, event.position, JSON.stringify(event.data));
        })();
        after = page[page.length - 1].position;
      }
      return nowMs() - started;
    } finally {
      await read.close();
    }
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  async openRead(households) {
    const schema = `catch_up_${randomBytes(6).toString('hex')}`;
    const dataSource = await openReadDataSource({ type: 'postgres', url: POSTGRES_URL, schema });
    return { dataSource, close: async () => { await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`); await dataSource.destroy(); } };
  },
  async rawLoop(store, head) {
    const schema = `catch_up_raw_${randomBytes(6).toString('hex')}`;
    const client = new Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.seen (event_id text PRIMARY KEY, stream_id text NOT NULL, type text NOT NULL, position bigint NOT NULL, data text NOT NULL)`);
      const upsert = { name: 'upsert-seen', text: `INSERT INTO ${schema}.seen VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO UPDATE SET position = excluded.position, data = excluded.data` };
      const started = nowMs();
      for (let after = 0n; after < head; ) {
        const page = await store.readAll({ after, limit: PAGE });
        await client.query('BEGIN');
        for (const event of page) await client.query({ ...upsert, values: [event.eventId, event.streamId, event.type, event.position.toString(), JSON.stringify(event.data)] });
        await client.query('COMMIT');
        after = page[page.length - 1].position;
      }
      return nowMs() - started;
    } finally {
      await client.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await client.end();
    }
  },
};

/**
 * One catch-up of every projection into a fresh read database; returns ms and the highest RSS seen
 * while projecting (sampled every 50 ms), so runs after the first show whether memory keeps growing.
 */
async function projectOnce(backend: Backend, store: EventStore, head: bigint, households: number): Promise<{ ms: number; peakRss: number }> {
  const read = await backend.openRead(households);
  try {
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    let failure: unknown;
    const spent = new Map<string, number>();
    const projections = SHARES ? allProjections(giftLogHouseholdKeys).map((projection) => timed(projection, spent)) : allProjections(giftLogHouseholdKeys);
    const statements = SHARES ? timeReadStatements(read.dataSource) : undefined;
    const runner = new ProjectionRunner(store, read.dataSource, projections, { batchSize: BATCH_SIZE, onError: (error) => (failure ??= error) });
    const started = nowMs();
    await runner.start();
    await runner.caughtUpTo(head);
    const ms = nowMs() - started;
    await runner.stop();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (failure !== undefined) throw new Error(`a projection failed during the catch-up: ${String(failure)}`);
    if (SHARES) printShares(backend.name, spent, ms, statements?.());
    return { ms, peakRss };
  } finally {
    await read.close();
  }
}

/** `projection` with its applyBatch timed into `spent` (by name). */
function timed(projection: Projection, spent: Map<string, number>): Projection {
  const applyBatch = projection.applyBatch?.bind(projection);
  if (!applyBatch) return projection;
  return Object.assign(Object.create(projection) as Projection, {
    async applyBatch(events: readonly RecordedEvent[], tx: EntityManager) {
      const started = nowMs();
      try {
        await applyBatch(events, tx);
      } finally {
        spent.set(projection.name, (spent.get(projection.name) ?? 0) + nowMs() - started);
      }
    },
  });
}

function printShares(backend: string, spent: ReadonlyMap<string, number>, totalMs: number, statementsMs: number | undefined): void {
  const rows = [...spent].sort((a, b) => b[1] - a[1]);
  const projected = rows.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`${backend}, time per projection (applyBatch), of ${(totalMs / 1000).toFixed(2)} s:`);
  for (const [name, ms] of rows) console.log(`  ${name.padEnd(22)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %`);
  console.log(`  ${'(runner: pages, checkpoints, commits)'.padEnd(22)} ${((totalMs - projected) / 1000).toFixed(2).padStart(7)} s  ${((100 * (totalMs - projected)) / totalMs).toFixed(1).padStart(5)} %`);
  if (statementsMs !== undefined) {
    console.log(`  of which SQLite runs the read database's statements (commits included): ${(statementsMs / 1000).toFixed(2)} s, ${((100 * statementsMs) / totalMs).toFixed(1)} %`);
  }
}

/** On SQLite, SQLite's own time in the read database's statements (statement-time.ts); undefined elsewhere (PostgreSQL runs them in its own processes). */
function timeReadStatements(dataSource: DataSource): (() => number) | undefined {
  if (dataSource.options.type !== 'better-sqlite3') return undefined;
  return timeStatements((dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function postgresReachable(): Promise<string | undefined> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function runProjectionCatchUp(options: { printMachine?: boolean } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  console.log(`## Projection catch-up: every projection vs a raw read-and-upsert loop, ${EVENTS.toLocaleString('en-US')} events\n`);
  // The heap growth the platform's processes run with (HEAP_GROWTH_PERCENT, as they read it); the raw loop, in this process too, runs with it as well.
  limitHeapGrowth(loadConfiguration({ DATA_DIR: tmpdir(), SEED_DEMO: 'false', HEAP_GROWTH_PERCENT: process.env.HEAP_GROWTH_PERCENT }).heapGrowthPercent);
  const store = SqliteEventStore.open(':memory:');
  const rows: BenchRow[] = [];
  try {
    const households = householdsFor(EVENTS);
    await buildLog(store, households);
    const head = await store.headPosition();
    const events = Number(head);
    const unreachable = await postgresReachable();
    if (unreachable) console.log(`PostgreSQL at ${POSTGRES_URL} is unreachable (${unreachable}): its figures are skipped.\n`);
    const baselineRss = process.memoryUsage().rss;
    const growthBytes = (peakRss: number) => peakRss - baselineRss;
    for (const backend of unreachable ? [sqlite] : [sqlite, postgres]) {
      const projected: number[] = [];
      const raw: number[] = [];
      const growth: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const once = await projectOnce(backend, store, head, households);
        projected.push(once.ms);
        growth.push(growthBytes(once.peakRss));
        raw.push(await backend.rawLoop(store, head, households));
        console.log(`${backend.name} run ${run + 1}: projections ${formatRate((events / once.ms) * 1000)} events/s (RSS peak ${formatGrowth(growthBytes(once.peakRss))} over the baseline), raw loop ${formatRate((events / raw[run]) * 1000)} events/s`);
      }
      const ours = (events / median(projected)) * 1000;
      const reference = (events / median(raw)) * 1000;
      console.log(`${backend.name}: projections ${formatRate(ours)} events/s, raw loop ${formatRate(reference)} events/s (medians of ${RUNS}), ratio ${(ours / reference).toFixed(2)}; RSS peak over the baseline (${(baselineRss / 2 ** 20).toFixed(0)} MB, log built), highest of the runs: ${formatGrowth(Math.max(...growth))}\n`);
      rows.push({
        benchmark: 'projection catch-up',
        scenario: `${backend.name}, all projections vs raw loop (pages of ${PAGE}, one upsert per event)`,
        measured: `${events.toLocaleString('en-US')} events`,
        throughput: `${formatRate(ours)} events/s vs ${formatRate(reference)} (ratio ${(ours / reference).toFixed(2)})`,
        latencyOf: 'catch-up',
        p50: `${(median(projected) / 1000).toFixed(1)} s`,
        p99: 'n/a',
        notes: `RSS peak ${formatGrowth(Math.max(...growth))} over the process's RSS before the first catch-up`,
      });
    }
  } finally {
    await store.close();
  }
  return rows;
}

if (require.main === module) {
  runProjectionCatchUp().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
