/**
 * Benchmark (not a test): our PostgreSQL event store (PostgresEventStore) side by side with Emmett's
 * (@event-driven-io/emmett-postgresql, getPostgreSQLEventStore), in the same run, on the same server,
 * each in the same freshly created database (created here, dropped at the end, also on failure). In
 * (1) to (3) a third contender is the reference: raw pg, one multi-row INSERT of the same rows into a
 * table shaped like ours, autocommit (rawPgContender). Each of (1) to (3) runs ROUNDS times per
 * contender, the order rotating each round; the median run is reported, with the ratios.
 *
 *   (1) single:     one event per append, each on a new stream (ours 'no-stream', Emmett STREAM_DOES_NOT_EXIST);
 *   (2) batched:    100 events per append, each batch on a new stream;
 *   (3) concurrent: 8 async writers sharing the store's connection pool, each appending one event at a
 *                   time to its own new streams;
 *   (4) catch-up:   a reader starting at the beginning of the log (everything (1) to (3) and the warm-ups
 *                   wrote) with a no-op handler, until it has seen every event. Ours: subscribe(0n) +
 *                   caughtUpTo(head). Emmett, two ways: (4a) its consumer with a no-op reactor (which
 *                   also stores the reactor's checkpoint after every message, in the batch's
 *                   transaction: that is how Emmett's processors work), and (4b) a bare loop over
 *                   readMessagesBatch, which is what our subscription does (read a page, hand it out).
 *                   Both read 500 events per query, our subscription's default.
 *
 * Same payloads for both: a GiftPledged-like event of about 200 bytes of JSON data, plus our metadata
 * (actor, correlation, causation, time, schema version; Emmett keeps it in message_metadata and adds
 * its own messageId). Events are built before the clock starts. Latency = from calling append (or
 * appendToStream) to its promise resolving.
 *
 * Needs PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres, or PG_BENCH_URL pointing at
 * a server's `postgres` database with the right to CREATE DATABASE.
 *
 * Run: npm run build && node dist/bench/postgres-vs-emmett.bench.js
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client, Pool } from 'pg';
import { dumbo } from '@event-driven-io/dumbo';
import { Event, STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, PostgresEventStore as EmmettEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { EventMetadata, NewEvent, PostgresEventStore } from '@pangolin/event-store';
import { printMachine } from './machine';
import { BenchRow, formatMs, formatRate, nowMs, percentile } from './stats';

const ADMIN_URL = process.env.PG_BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WARMUP = { singles: 200, batches: 5 };
const SINGLE = { appends: 1_000 };
const BATCHED = { appends: 100, batchSize: 100 };
const CONCURRENT = { writers: 8, appendsPerWriter: 250 };
/** Each append scenario runs this many times per contender, the order rotating; medians are reported. */
const ROUNDS = 3;
const CATCH_UP_BATCH_SIZE = 500;

type GiftData = {
  giftId: string;
  donorId: string;
  amount: { amount: number; currency: string };
  programmeId: string;
  regionCode: string;
  pledgedAt: string;
};
/** The same event, in the shape each store takes. */
interface Payload {
  eventId: string;
  data: GiftData;
  metadata: EventMetadata;
}
type EmmettGiftPledged = Event<'GiftPledged', GiftData, Record<string, unknown>>;

function payload(): Payload {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    data: {
      giftId: randomUUID(),
      donorId: randomUUID(),
      amount: { amount: 5000, currency: 'CNY' },
      programmeId: randomUUID(),
      regionCode: '440305',
      pledgedAt: now,
    },
    metadata: { actor: `donor:${randomUUID()}`, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: now, schemaVersion: 1 },
  };
}

const toPangolin = (p: Payload): NewEvent => ({ eventId: p.eventId, type: 'GiftPledged', data: p.data, metadata: p.metadata });
const toEmmett = (p: Payload): EmmettGiftPledged => ({ type: 'GiftPledged', data: p.data, metadata: { ...p.metadata } });

type ContenderName = 'Pangolin' | 'Emmett' | 'raw pg';

/** The two stores (and the raw driver) behind one tiny interface, so every scenario runs the same code for both. */
interface Contender {
  name: ContenderName;
  /** Appends `events` to the new stream `stream`. */
  appendNew(stream: string, events: readonly Payload[]): Promise<void>;
}

interface Measured {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** One sample per append, ms; empty for catch-up. */
  latencies: number[];
  note?: string;
}

/** `appends` batches of `batchSize` events each, prepared before timing. */
function prepare(appends: number, batchSize: number): Payload[][] {
  return Array.from({ length: appends }, () => Array.from({ length: batchSize }, payload));
}

async function appendAll(store: Contender, batches: readonly Payload[][], latencies: number[]): Promise<void> {
  for (const batch of batches) {
    const stream = `gift-${randomUUID()}`;
    const started = nowMs();
    await store.appendNew(stream, batch);
    latencies.push(nowMs() - started);
  }
}

async function sequential(store: Contender, appends: number, batchSize: number): Promise<Measured> {
  const batches = prepare(appends, batchSize);
  const latencies: number[] = [];
  const started = nowMs();
  await appendAll(store, batches, latencies);
  const seconds = (nowMs() - started) / 1000;
  return { events: appends * batchSize, seconds, eventsPerSecond: (appends * batchSize) / seconds, latencies };
}

async function concurrent(store: Contender): Promise<Measured> {
  const perWriter = Array.from({ length: CONCURRENT.writers }, () => prepare(CONCURRENT.appendsPerWriter, 1));
  const latencies: number[] = [];
  const started = nowMs();
  await Promise.all(perWriter.map((batches) => appendAll(store, batches, latencies)));
  const seconds = (nowMs() - started) / 1000;
  const events = CONCURRENT.writers * CONCURRENT.appendsPerWriter;
  return { events, seconds, eventsPerSecond: events / seconds, latencies };
}

/**
 * The reference: the same rows, as our events table holds them (same columns, keys and unique indexes,
 * positions from an identity column), written by one multi-row INSERT through pg, autocommit. No lock,
 * no replay check, no expected revision: what the database costs, with nothing of an event store.
 */
async function rawPgContender(pool: Pool): Promise<Contender> {
  await pool.query(`
    CREATE TABLE raw_events (
      position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id text NOT NULL UNIQUE,
      stream_id text NOT NULL,
      revision integer NOT NULL CHECK (revision >= 0),
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream_id, revision)
    )`);
  return {
    name: 'raw pg',
    appendNew: async (stream, events) => {
      await pool.query(
        `INSERT INTO raw_events (event_id, stream_id, revision, type, data, metadata)
         SELECT batch.event_id, $1, batch.ordinality::integer - 1, 'GiftPledged', batch.data::jsonb, batch.metadata::jsonb
         FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS batch(event_id, data, metadata, ordinality)`,
        [stream, events.map((p) => p.eventId), events.map((p) => JSON.stringify(p.data)), events.map((p) => JSON.stringify(p.metadata))],
      );
    },
  };
}

/** The run whose events/s is the median of `runs` (an odd number of them). */
function median(runs: readonly Measured[]): Measured {
  return [...runs].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[Math.floor(runs.length / 2)]!;
}

async function warmUp(store: Contender): Promise<number> {
  await sequential(store, WARMUP.singles, 1);
  await sequential(store, WARMUP.batches, BATCHED.batchSize);
  return WARMUP.singles + WARMUP.batches * BATCHED.batchSize;
}

/** What a catch-up reader was given: deliveries and distinct global positions. */
class Tally {
  deliveries = 0;
  readonly positions = new Set<bigint>();
  see(position: bigint): void {
    this.deliveries++;
    this.positions.add(position);
  }
}

/**
 * The rate counts distinct events over the reader's wall-clock time. Duplicates (a position delivered
 * twice) and missing events (fewer distinct positions than appended) are reported, not thrown: they are
 * findings about the reader, and the run should still print its table.
 */
function catchUpResult(expected: number, started: number, tally: Tally, how?: string): Measured {
  const seconds = (nowMs() - started) / 1000;
  const distinct = tally.positions.size;
  const duplicates = tally.deliveries - distinct;
  const missing = expected - distinct;
  const anomalies = [duplicates > 0 ? `${duplicates} delivered twice` : '', missing !== 0 ? `⚠ ${missing} of ${expected} never delivered` : '']
    .filter(Boolean)
    .join(', ');
  const note = [how, anomalies].filter(Boolean).join('; ');
  return { events: distinct, seconds, eventsPerSecond: distinct / seconds, latencies: [], note: note || undefined };
}

async function pangolinCatchUp(store: PostgresEventStore, expected: number): Promise<Measured> {
  const head = await store.headPosition();
  if (head !== BigInt(expected)) throw new Error(`our log's head is ${head}, expected ${expected}`);
  const tally = new Tally();
  const started = nowMs();
  const subscription = store.subscribe(0n, async (event) => {
    tally.see(event.position);
  });
  await subscription.caughtUpTo(head);
  const result = catchUpResult(expected, started, tally);
  await subscription.stop();
  return result;
}

/** Emmett's consumer with one no-op reactor, stopping once a read returns less than a full batch. */
async function emmettConsumerCatchUp(store: EmmettEventStore, expected: number): Promise<Measured> {
  const tally = new Tally();
  // pullingFrequencyInMs 0: by default the puller sleeps 50 ms between full batches, which would measure the sleep.
  const consumer = store.consumer({ stopWhen: { noMessagesLeft: true }, pulling: { batchSize: CATCH_UP_BATCH_SIZE, pullingFrequencyInMs: 0 } });
  consumer.reactor({
    processorId: `bench-noop-${randomUUID()}`,
    startFrom: 'BEGINNING',
    eachMessage: async (message) => {
      tally.see(message.metadata.globalPosition);
    },
  });
  const started = nowMs();
  // Resolves when the puller has stopped (no messages left) and the processors are closed.
  // Not consumer.close(): it would close the pool the consumer shares with the store.
  await consumer.start();
  return catchUpResult(expected, started, tally, 'consumer + no-op reactor, checkpoint stored per message');
}

/** The same reads as Emmett's puller, without the processor: read a page, count it, read the next. */
async function emmettReadLoopCatchUp(connectionString: string, expected: number): Promise<Measured> {
  const pool = dumbo({ connectionString });
  try {
    const tally = new Tally();
    let after = 0n;
    const started = nowMs();
    for (;;) {
      const batch = await readMessagesBatch(pool.execute, { after, batchSize: CATCH_UP_BATCH_SIZE });
      for (const message of batch.messages) tally.see(message.metadata.globalPosition);
      after = batch.currentGlobalPosition;
      if (!batch.areMessagesLeft) break;
    }
    return catchUpResult(expected, started, tally, 'loop over readMessagesBatch, nothing stored');
  } finally {
    await pool.close();
  }
}

/** How often, in Emmett's read order, the next message has a lower global_position than the one before. */
async function emmettBackwardSteps(connectionString: string): Promise<number> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ steps: string }>(
      `SELECT count(*) AS steps FROM (
         SELECT global_position, lag(global_position) OVER (ORDER BY transaction_id, global_position) AS previous FROM emt_messages
       ) AS ordered WHERE global_position < previous`,
    );
    return Number(rows[0]!.steps);
  } finally {
    await client.end();
  }
}

async function withBenchDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `pangolin_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const drop = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  // Emmett's processors listen for SIGINT/SIGTERM (and so stop the default exit): drop the database and leave.
  const onSignal = () => {
    drop().finally(() => process.exit(130));
  };
  await admin(`CREATE DATABASE ${name}`);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await drop();
    console.log(`(database ${name} dropped)`);
  }
}

interface Row {
  scenario: string;
  pangolin: Measured;
  emmett: Measured;
  /** Absent for catch-up. */
  rawPg?: Measured;
}

function describe(name: string, m: Measured): string {
  const latency = m.latencies.length > 0 ? `; append latency p50 ${formatMs(percentile(m.latencies, 50))}, p99 ${formatMs(percentile(m.latencies, 99))}` : '';
  return `  ${name}: ${m.events.toLocaleString('en-US')} events in ${m.seconds.toFixed(2)} s → ${formatRate(m.eventsPerSecond)} events/s${latency}${m.note ? ` (${m.note})` : ''}`;
}

function latencyCell(m: Measured): string {
  return m.latencies.length > 0 ? `${formatMs(percentile(m.latencies, 50))} / ${formatMs(percentile(m.latencies, 99))}` : 'n/a';
}

/** The installed Emmett PostgreSQL version (its package.json is not in the package's exports). */
function emmettVersion(): string {
  try {
    const main = require.resolve('@event-driven-io/emmett-postgresql');
    return JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')).version as string;
  } catch {
    return 'version unknown';
  }
}

export function comparisonTable(rows: readonly Row[]): string {
  const header = [
    'Scenario',
    'Pangolin events/s',
    'Emmett events/s',
    'raw pg events/s',
    'Pangolin / Emmett',
    'Pangolin / raw pg',
    'Pangolin append p50 / p99',
    'Emmett append p50 / p99',
  ];
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (row) =>
        `| ${[
          row.scenario,
          formatRate(row.pangolin.eventsPerSecond),
          formatRate(row.emmett.eventsPerSecond),
          row.rawPg ? formatRate(row.rawPg.eventsPerSecond) : 'n/a',
          `${(row.pangolin.eventsPerSecond / row.emmett.eventsPerSecond).toFixed(2)}×`,
          row.rawPg ? `${(row.pangolin.eventsPerSecond / row.rawPg.eventsPerSecond).toFixed(2)}×` : 'n/a',
          latencyCell(row.pangolin),
          latencyCell(row.emmett),
        ].join(' | ')} |`,
    ),
  ].join('\n');
}

export async function runPostgresVsEmmett(options: { printMachine?: boolean } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  console.log(`## PostgreSQL event stores: Pangolin (PostgresEventStore) vs Emmett (@event-driven-io/emmett-postgresql ${emmettVersion()})`);
  const benchStarted = nowMs();
  const rows = await withBenchDatabase(async (url) => {
    const ours = await PostgresEventStore.connect(url, { schema: 'pangolin_bench' });
    const theirs = getPostgreSQLEventStore(url);
    const rawPool = new Pool({ connectionString: url });
    try {
      await theirs.schema.migrate();
      const pangolin: Contender = {
        name: 'Pangolin',
        appendNew: async (stream, events) => {
          await ours.append(stream, 'no-stream', events.map(toPangolin));
        },
      };
      const emmett: Contender = {
        name: 'Emmett',
        appendNew: async (stream, events) => {
          await theirs.appendToStream<EmmettGiftPledged>(stream, events.map(toEmmett), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
        },
      };
      const rawPg = await rawPgContender(rawPool);
      const contenders = [pangolin, emmett, rawPg];

      let written = 0;
      for (const store of contenders) {
        const warmed = await warmUp(store);
        if (store === pangolin) written = warmed;
      }

      const result: Row[] = [];
      const scenarios: { scenario: string; run: (store: Contender) => Promise<Measured> }[] = [
        { scenario: `(1) 1 event per append, ${SINGLE.appends.toLocaleString('en-US')} new streams`, run: (store) => sequential(store, SINGLE.appends, 1) },
        {
          scenario: `(2) ${BATCHED.batchSize} events per append, ${(BATCHED.appends * BATCHED.batchSize).toLocaleString('en-US')} events`,
          run: (store) => sequential(store, BATCHED.appends, BATCHED.batchSize),
        },
        { scenario: `(3) ${CONCURRENT.writers} concurrent writers × ${CONCURRENT.appendsPerWriter}, 1 event per append`, run: concurrent },
      ];
      for (const { scenario, run } of scenarios) {
        console.log(`${scenario}; median of ${ROUNDS} rounds`);
        const runs = new Map<ContenderName, Measured[]>(contenders.map((store) => [store.name, []]));
        for (let round = 0; round < ROUNDS; round++) {
          // The order rotates each round, so no contender always runs first (or after the same one).
          const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]);
          for (const store of order) {
            const m = await run(store);
            runs.get(store.name)!.push(m);
            if (store === pangolin) written += m.events;
          }
        }
        const [p, e, r] = contenders.map((store) => median(runs.get(store.name)!));
        for (const store of contenders) {
          console.log(describe(store.name, median(runs.get(store.name)!)));
          console.log(`    rounds: ${runs.get(store.name)!.map((m) => formatRate(m.eventsPerSecond)).join(', ')} events/s`);
        }
        result.push({ scenario, pangolin: p, emmett: e, rawPg: r });
      }

      const backwards = await emmettBackwardSteps(url);
      console.log(
        `Emmett's read order, (transaction_id, global_position), steps back in global_position ${backwards} time(s) over the log ` +
          '(appends that took their sequence value in one order and their transaction id in the other, i.e. concurrent ones)',
      );
      const catchUpScenario = `(4) catch-up from the start, ${written.toLocaleString('en-US')} events, no-op handler`;
      console.log(catchUpScenario);
      const ourCatchUp = await pangolinCatchUp(ours, written);
      console.log(describe('Pangolin', ourCatchUp));
      const consumerCatchUp = await emmettConsumerCatchUp(theirs, written);
      console.log(describe('Emmett (4a)', consumerCatchUp));
      const readLoopCatchUp = await emmettReadLoopCatchUp(url, written);
      console.log(describe('Emmett (4b)', readLoopCatchUp));
      result.push({ scenario: `${catchUpScenario}; Emmett: consumer + no-op reactor`, pangolin: ourCatchUp, emmett: consumerCatchUp });
      result.push({ scenario: `${catchUpScenario}; Emmett: readMessagesBatch loop`, pangolin: ourCatchUp, emmett: readLoopCatchUp });
      return result;
    } finally {
      await ours.close();
      await theirs.close();
      await rawPool.end();
    }
  });

  console.log('');
  console.log(comparisonTable(rows));
  console.log(`\n(${((nowMs() - benchStarted) / 1000).toFixed(0)} s)`);
  console.log(`
What the figures measure:
- events/s: events written (1-3) or delivered to the handler (4) divided by the wall-clock time of the whole scenario;
  in (3) the 8 writers run at once, so it is the aggregate. (1)-(3): the median of ${ROUNDS} rounds per contender,
  the order rotating each round. Ratio > 1: Pangolin is faster.
- append p50 / p99: one append call, from the call to its promise resolving (n/a for catch-up).
- (4) Pangolin: subscribe(0n, no-op) until caughtUpTo(head); 500 events per query, the handler awaited per event,
  no checkpoint stored (subscribers keep their own). Emmett (4a): store.consumer() with a no-op reactor,
  500 per query, pullingFrequencyInMs 0 (default 50 ms sleep between full batches), which stores the
  reactor's checkpoint after each message in the batch's transaction; (4b): readMessagesBatch in a loop,
  500 per query, nothing stored.

Why they differ:
- Pangolin's append is one statement, autocommit: a call of the plpgsql function append_events, which takes a
  per-schema advisory lock (pg_advisory_xact_lock), looks for an idempotent replay (event ids), checks the
  expected revision against the stream head, inserts at MAX(position)+1.., and NOTIFYs. Appends to the schema are
  serialised behind the lock, but appends a process makes while its previous call is in flight go together in
  the next call: one statement, one transaction and one commit for the group (each append checked on its own).
  In exchange for the lock, positions are gap-free and commit in position order, so a reader following
  position > checkpoint can never skip an event, and one bigint is the whole checkpoint.
- raw pg: the same rows into a table with the same keys and indexes, one INSERT ... SELECT FROM unnest(...),
  autocommit; positions from an identity column; no lock, replay check, expected revision or notification.
- Emmett's append is one call of the plpgsql function emt_append_to_stream (BEGIN, SELECT, COMMIT: 3 round
  trips) that inserts/updates the stream row (the optimistic check) and inserts the messages with
  global_position from a sequence (nextval, not serialised) and transaction_id = pg_current_xact_id().
  Concurrent appends run in parallel. Readers take only rows with transaction_id < pg_snapshot_xmin(
  pg_current_snapshot()) (transactions no longer in progress) ordered by (transaction_id, global_position),
  so a lower sequence value committed late is not left behind by rows of younger transactions. But the reader
  resumes from a single global_position (the page's last row; next page: global_position > it), although pages
  are in (transaction_id, global_position) order: when a page ends on a row whose global_position is above that
  of a row later in that order (concurrent appends), the next page skips that row and re-reads the rows between.
  That is what "delivered twice" / "never delivered" in (4) count. emt_messages has no index on global_position
  or transaction_id (only its primary key: stream_id, stream_position, partition, is_archived), so each page is
  a scan and sort of the partition: catch-up cost grows with the log's size. Emmett stores no unique event id
  (messageId is only in the metadata), so it has no idempotent-replay check either.`);

  return rows.map((row) => ({
    benchmark: 'postgres: Pangolin vs Emmett',
    scenario: row.scenario,
    measured: `${row.pangolin.events.toLocaleString('en-US')} events each`,
    throughput: `${formatRate(row.pangolin.eventsPerSecond)} vs ${formatRate(row.emmett.eventsPerSecond)} events/s`,
    latencyOf: row.pangolin.latencies.length > 0 ? 'one append (Pangolin)' : 'n/a',
    p50: row.pangolin.latencies.length > 0 ? formatMs(percentile(row.pangolin.latencies, 50)) : 'n/a',
    p99: row.pangolin.latencies.length > 0 ? formatMs(percentile(row.pangolin.latencies, 99)) : 'n/a',
    notes:
      `ratio ${(row.pangolin.eventsPerSecond / row.emmett.eventsPerSecond).toFixed(2)}× Emmett` +
      (row.rawPg ? `, ${(row.pangolin.eventsPerSecond / row.rawPg.eventsPerSecond).toFixed(2)}× raw pg (${formatRate(row.rawPg.eventsPerSecond)} events/s)` : '') +
      `; Emmett p50/p99 ${latencyCell(row.emmett)}`,
  }));
}

if (require.main === module) {
  runPostgresVsEmmett().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
