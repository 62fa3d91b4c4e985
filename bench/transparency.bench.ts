/**
 * Benchmark (not a test): what the transparency log (issue 5) costs and how fast its proofs are.
 *
 *   (1) Append throughput with and without the Merkle log, on the embedded stores (SqliteEventStore +
 *       SQLite read DB, both files in a fresh temp folder, opened as the platform opens them) and on
 *       PostgreSQL (PostgresEventStore + PostgreSQL read DB, fresh schemas in the `test` database,
 *       dropped afterwards). A writer appends GiftPledged events one per append while a
 *       ProjectionRunner with allProjections() follows the log; the clock runs from the first append
 *       until every projection has applied the last one (an event counts once it is appended AND
 *       projected). The other variant runs allProjections() without the merkle-log projection. The
 *       variants alternate (with, without, with, without, ...) on fresh stores; medians are reported.
 *       The event store's bare append rate (no projections) is measured in the same rounds for context.
 *   (2) Proofs at 1,000,000 events: the complete-subtree hashes of a 1,000,000-leaf tree (random leaf
 *       hashes) are computed in memory and bulk-inserted into merkle_subtree_hashes; merkleRoot from
 *       the database must equal the in-memory root. Then inclusionProofFor and consistencyProofBetween
 *       are timed for random leaves / old sizes, and a sample of the proofs is verified.
 *   (3) Receipt verification: a gift's trail of 10 platform-shaped events is planted in that tree, so
 *       each inclusion proof has 20 hashes; the receipt (checkpoint signed with signNote) is verified
 *       with verifyReceipt many times, and once per run by the CLI `node bin/pangolin-verify.js`.
 *   (4) The trail map of 100,000 gifts (a map leaf hash per gift, then the tree over them: about
 *       200,000 SHA-256 calls), against 200,000 raw SHA-256 calls of a 65-byte input in the same run,
 *       alternated; medians and their ratio.
 *
 * PostgreSQL: PANGOLIN_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); skipped
 * with a note when unreachable.
 *
 * Run: npm run build && node dist/bench/transparency.bench.js [throughput | trail-map]
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { EventStore, NewEvent, PostgresEventStore, SqliteEventStore } from '@pangolin/event-store';
import {
  allProjections,
  type HouseholdKeys,
  consistencyProofBetween,
  inclusionProofFor,
  merkleLogSize,
  merkleRoot,
  openReadDataSource,
  Projection,
  ProjectionRunner,
} from '@pangolin/read-models';
import {
  EMPTY_TRAIL_HASH,
  encodeLeaf,
  formatCheckpoint,
  formatReceipt,
  generateSignerKey,
  HASH_SIZE,
  LeafEvent,
  leafHash,
  nodeHash,
  RECEIPT_FORMAT,
  rootAt,
  signNote,
  SubtreeHashStore,
  SubtreeKey,
  subtreeKeyId,
  TrailMap,
  verifyConsistency,
  verifyInclusion,
  verifyReceipt,
} from '@pangolin/transparency';
import { printMachine } from './machine';
import { BenchRow, CpuMeter, formatCores, formatMs, formatRate, markdownTable, nowMs, percentile } from './stats';

const POSTGRES_URL = process.env.PANGOLIN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const THROUGHPUT = {
  rounds: 5,
  warmupEvents: 100,
  events: { SQLite: 2_000, PostgreSQL: 1_000 } as Record<BackendName, number>,
};
const TREE_SIZE = 1_000_000;
const ROWS_PER_INSERT = 1_000;
const ROWS_PER_TRANSACTION = 250_000;
const PROOFS = { warmup: 50, timed: 1_000, verified: 200 };
const RECEIPT_RUNS = { warmup: 200, timed: 2_000 };
const CLI_RUNS = 10;
const TRAIL_MAP = { gifts: 100_000, rounds: 7 };
const LOG_ORIGIN = 'pangolin.bench/log';
const WITH_MERKLE = 'with Merkle log';
const WITHOUT_MERKLE = 'without Merkle log';
const STORE_ONLY = 'event store alone';

type BackendName = 'SQLite' | 'PostgreSQL';

/** A fresh event store and read database; `dispose` closes and deletes both. */
interface Stores {
  eventStore: EventStore;
  readDb: DataSource;
  dispose(): Promise<void>;
}

interface Backend {
  name: BackendName;
  description: string;
  open(): Promise<Stores>;
  /** Table name as written in raw SQL. */
  table(name: string): string;
}

const sqliteBackend: Backend = {
  name: 'SQLite',
  description: 'SqliteEventStore.open (WAL, synchronous=FULL) + SQLite read DB (openReadDataSource: WAL), files in a fresh temp folder',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'pangolin-bench-tlog-'));
    const eventStore = SqliteEventStore.open(join(dir, 'events.sqlite'));
    const readDb = await openReadDataSource({ type: 'sqlite', path: join(dir, 'read.sqlite') });
    return {
      eventStore,
      readDb,
      async dispose() {
        await eventStore.close();
        await readDb.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  table: (name) => `"${name}"`,
};

/** Every schema this process created, so they are dropped even if a run fails. */
const createdSchemas = new Set<string>();

/** `table` names the read schema of the stores opened last (runs open one set of stores at a time). */
function postgresBackend(): Backend {
  let current = '';
  return {
    name: 'PostgreSQL',
    description: `PostgresEventStore + PostgreSQL read DB (openReadDataSource, migrations), fresh schemas in ${POSTGRES_URL}`,
    async open(): Promise<Stores> {
      const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
      const eventSchema = `bench_tlog_events_${suffix}`;
      const readSchema = `bench_tlog_read_${suffix}`;
      createdSchemas.add(eventSchema).add(readSchema);
      current = readSchema;
      const eventStore = await PostgresEventStore.connect(POSTGRES_URL, { schema: eventSchema });
      const readDb = await openReadDataSource({ type: 'postgres', url: POSTGRES_URL, schema: readSchema });
      return {
        eventStore,
        readDb,
        async dispose() {
          await eventStore.close();
          await readDb.destroy();
          await dropSchemas([eventSchema, readSchema]);
        },
      };
    },
    table: (name: string) => `"${current}"."${name}"`,
  };
}

async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropSchemas(schemas: readonly string[]): Promise<void> {
  await withAdminClient(async (client) => {
    for (const schema of schemas) {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      createdSchemas.delete(schema);
    }
  });
}

async function postgresUnreachable(): Promise<string | undefined> {
  try {
    await withAdminClient((client) => client.query('SELECT 1'));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// ---------------------------------------------------------------------------------------------
// (1) Append throughput

/**
 * A GiftPledged to a programme, with its metadata, as the platform writes it. Every projection
 * accepts any number of them: donor-view, public-view and government-dashboard insert one row each
 * (keyed by the fresh gift id; a programme target needs no household lookup), the others ignore it,
 * and the Merkle log appends a leaf.
 */
function giftPledged(): NewEvent {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'GiftPledged',
    data: {
      giftId: randomUUID(),
      donorId: randomUUID(),
      amount: { amount: 5000, currency: 'CNY' },
      target: { kind: 'programme', programmeId: randomUUID(), regionCode: '440305', productId: randomUUID() },
      remainder: 'refund',
      pledgedAt: now,
    },
    metadata: { actor: `donor:${randomUUID()}`, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: now, schemaVersion: 1 },
  };
}

/** Appends each event on its own new stream, one append each; returns the last position. */
async function appendOneByOne(store: EventStore, events: readonly NewEvent[]): Promise<bigint> {
  let last = 0n;
  for (const event of events) {
    last = (await store.append(`gift-${(event.data as { giftId: string }).giftId}`, 'no-stream', [event])).lastPosition;
  }
  return last;
}

interface ThroughputRun {
  variant: string;
  eventsPerSecond: number;
  otherCpu: number | undefined;
}

/** This log's households are registered without keys the projections could use: their personal data stay sealed, as before. */
const NO_HOUSEHOLD_KEYS: HouseholdKeys = { keysOf: async () => new Map() };
const withoutMerkleLog = () => allProjections(NO_HOUSEHOLD_KEYS).filter((projection) => projection.name !== 'merkle-log');

/**
 * One run on fresh stores: warm-up (not timed), then `count` appends; with `projections`, the clock
 * stops when the runner has applied the last event, otherwise when the last append has returned.
 */
async function throughputRun(backend: Backend, variant: string, projections: Projection[] | undefined, count: number): Promise<ThroughputRun> {
  const stores = await backend.open();
  try {
    let failure: ((error: unknown) => void) | undefined;
    const failed = new Promise<never>((_, reject) => (failure = reject));
    failed.catch(() => {});
    const runner = projections && new ProjectionRunner(stores.eventStore, stores.readDb, projections, { onError: (error) => failure!(error) });
    await runner?.start();
    const caughtUp = (position: bigint) => (runner ? Promise.race([runner.caughtUpTo(position), failed]) : Promise.resolve());

    await caughtUp(await appendOneByOne(stores.eventStore, Array.from({ length: THROUGHPUT.warmupEvents }, giftPledged)));
    const events = Array.from({ length: count }, giftPledged);
    const meter = new CpuMeter([process.pid]);
    const started = nowMs();
    const last = await appendOneByOne(stores.eventStore, events);
    await caughtUp(last);
    const seconds = (nowMs() - started) / 1000;
    const otherCpu = meter.stop().others;
    await runner?.stop();

    if (projections?.some((projection) => projection.name === 'merkle-log')) {
      const leaves = await merkleLogSize(stores.readDb.manager);
      if (leaves !== last) throw new Error(`${backend.name}: the Merkle log has ${leaves} leaves but the event log ${last} events`);
    }
    return { variant, eventsPerSecond: count / seconds, otherCpu };
  } finally {
    await stores.dispose();
  }
}

const median = (values: readonly number[]) => percentile(values, 50);

/**
 * "UPDATE projection_checkpoints", "SELECT merkle_subtree_hashes", ...: statements grouped by verb and
 * table, since TypeORM's save() writes different column lists for the same kind of update.
 */
async function appendThroughput(backend: Backend): Promise<BenchRow[]> {
  const count = THROUGHPUT.events[backend.name];
  console.log(`### Append throughput, ${backend.name}: ${backend.description}`);
  console.log(`${count.toLocaleString('en-US')} GiftPledged events per run, one per append (after ${THROUGHPUT.warmupEvents} warm-up events); ${THROUGHPUT.rounds} rounds of: ${WITH_MERKLE}, ${WITHOUT_MERKLE}, ${STORE_ONLY}`);
  const runs: ThroughputRun[] = [];
  for (let round = 1; round <= THROUGHPUT.rounds; round++) {
    for (const [variant, projections] of [
      [WITH_MERKLE, () => allProjections(NO_HOUSEHOLD_KEYS)],
      [WITHOUT_MERKLE, withoutMerkleLog],
      [STORE_ONLY, undefined],
    ] as const) {
      const run = await throughputRun(backend, variant, projections?.(), count);
      runs.push(run);
      console.log(`  round ${round}, ${variant}: ${formatRate(run.eventsPerSecond)} events/s (other processes' CPU ${formatCores(run.otherCpu)})`);
    }
  }
  const rates = (variant: string) => runs.filter((run) => run.variant === variant).map((run) => run.eventsPerSecond);
  const others = runs.map((run) => run.otherCpu).filter((cores): cores is number => cores !== undefined);
  const otherCpu = others.length ? `other processes' CPU ${formatCores(Math.min(...others))}–${formatCores(Math.max(...others))}` : "other processes' CPU n/a";
  const withMerkle = median(rates(WITH_MERKLE));
  const withoutMerkle = median(rates(WITHOUT_MERKLE));
  const cost = (1 - withMerkle / withoutMerkle) * 100;
  const pairCosts = rates(WITH_MERKLE).map((rate, i) => (1 - rate / rates(WITHOUT_MERKLE)[i]!) * 100);
  console.log(
    `Medians: ${WITH_MERKLE} ${formatRate(withMerkle)} events/s, ${WITHOUT_MERKLE} ${formatRate(withoutMerkle)} events/s → the Merkle log costs ${cost.toFixed(1)}% ` +
      `(per round: ${pairCosts.map((c) => `${c.toFixed(1)}%`).join(', ')}; budget 15%); ${STORE_ONLY} ${formatRate(median(rates(STORE_ONLY)))} events/s; ${otherCpu}`,
  );

  console.log('');

  const row = (variant: string, notes: string): BenchRow => ({
    benchmark: 'transparency: append',
    scenario: `${backend.name}, ${variant}`,
    measured: `${THROUGHPUT.rounds} × ${count.toLocaleString('en-US')} events`,
    throughput: `${formatRate(median(rates(variant)))} events/s`,
    latencyOf: '',
    p50: '',
    p99: '',
    notes,
  });
  return [
    row(WITH_MERKLE, `median; appended and projected; Merkle log cost ${cost.toFixed(1)}% (budget 15%); ${otherCpu}`),
    row(WITHOUT_MERKLE, 'median; appended and projected'),
    row(STORE_ONLY, 'median; appends only, no projections'),
  ];
}

// ---------------------------------------------------------------------------------------------
// (2) Proofs at 1,000,000 events

/** The complete-subtree hashes of a tree held in memory: levels[l] holds subtree i of level l at bytes 32i..32i+31. */
class InMemoryTree implements SubtreeHashStore {
  readonly levels: Buffer[] = [];

  constructor(readonly size: number, leafHashes: Buffer) {
    this.levels.push(leafHashes);
    for (let count = Math.floor(size / 2); count >= 1; count = Math.floor(count / 2)) {
      const below = this.levels[this.levels.length - 1]!;
      const level = Buffer.allocUnsafe(count * HASH_SIZE);
      for (let i = 0; i < count; i++) {
        level.set(nodeHash(below.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE), below.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE)), i * HASH_SIZE);
      }
      this.levels.push(level);
    }
  }

  hash(level: number, index: number): Buffer {
    return this.levels[level]!.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  get rowCount(): number {
    return this.levels.reduce((sum, level) => sum + level.length / HASH_SIZE, 0);
  }

  async get(keys: readonly SubtreeKey[]): Promise<Map<string, Uint8Array>> {
    return new Map(keys.map((key) => [subtreeKeyId(key), this.hash(key.level, Number(key.index))]));
  }

  async put(): Promise<void> {
    throw new Error('the in-memory tree is read-only');
  }
}

/** Inserts every complete subtree and the head with raw multi-row INSERTs, a few big transactions. */
async function fillMerkleTables(backend: Backend, readDb: DataSource, tree: InMemoryTree): Promise<void> {
  const rows: string[] = [];
  const flush = async () => {
    await readDb.transaction(async (tx) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        await tx.query(`INSERT INTO ${backend.table('merkle_subtree_hashes')} ("level", "index", "hash") VALUES ${rows.slice(start, start + ROWS_PER_INSERT).join(',')}`);
      }
    });
    rows.length = 0;
  };
  for (const [level, hashes] of tree.levels.entries()) {
    for (let index = 0; index < hashes.length / HASH_SIZE; index++) {
      rows.push(`(${level},${index},'${tree.hash(level, index).toString('hex')}')`);
      if (rows.length === ROWS_PER_TRANSACTION) await flush();
    }
  }
  await flush();
}

async function timedSamples(count: number, work: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = nowMs();
    await work();
    samples.push(nowMs() - started);
  }
  return samples;
}

const randomBelow = (bound: number) => Math.floor(Math.random() * bound);

/** Fills the backend's tables with `tree`, checks the root and times the proofs; `beforeClosing` may use the filled read DB. */
async function proofTimes(backend: Backend, tree: InMemoryTree, root: Uint8Array, beforeClosing: (readDb: DataSource) => Promise<void>): Promise<BenchRow[]> {
  console.log(`### Proofs at ${TREE_SIZE.toLocaleString('en-US')} events, ${backend.name}`);
  const stores = await backend.open();
  try {
    const { readDb } = stores;
    const meter = new CpuMeter([process.pid]);
    let started = nowMs();
    await fillMerkleTables(backend, readDb, tree);
    if (backend.name === 'PostgreSQL') await readDb.query(`ANALYZE ${backend.table('merkle_subtree_hashes')}`);
    console.log(`Filled merkle_subtree_hashes with ${tree.rowCount.toLocaleString('en-US')} rows in ${((nowMs() - started) / 1000).toFixed(1)} s (not part of the figures)`);

    started = nowMs();
    const dbRoot = await merkleRoot(readDb.manager);
    const rootMs = nowMs() - started;
    if (Buffer.compare(Buffer.from(dbRoot), Buffer.from(root)) !== 0) throw new Error(`${backend.name}: merkleRoot from the database differs from the in-memory root`);
    console.log(`merkleRoot from the database equals the in-memory root ✓ (${formatMs(rootMs)}, first call)`);

    const size = BigInt(TREE_SIZE);
    const inclusionCheck = async (index: number) => {
      const proof = await inclusionProofFor(readDb.manager, BigInt(index), size);
      return { index, proof };
    };
    await timedSamples(PROOFS.warmup, async () => void (await inclusionCheck(randomBelow(TREE_SIZE))));
    const inclusionIndices = Array.from({ length: PROOFS.timed }, () => randomBelow(TREE_SIZE));
    const inclusionProofs: { index: number; proof: Uint8Array[] }[] = [];
    let next = 0;
    const inclusionMs = await timedSamples(PROOFS.timed, async () => void inclusionProofs.push(await inclusionCheck(inclusionIndices[next++]!)));
    for (const { index, proof } of inclusionProofs.slice(0, PROOFS.verified)) {
      const verdict = verifyInclusion(tree.hash(0, index), BigInt(index), size, proof, root);
      if (!verdict.ok) throw new Error(`${backend.name}: inclusion proof for leaf ${index} does not verify: ${verdict.reason}`);
    }
    const hashesPerProof = median(inclusionProofs.map(({ proof }) => proof.length));
    console.log(
      `inclusionProofFor(random leaf, ${TREE_SIZE.toLocaleString('en-US')}) × ${PROOFS.timed}: p50 ${formatMs(percentile(inclusionMs, 50))}, p99 ${formatMs(percentile(inclusionMs, 99))}, ` +
        `max ${formatMs(Math.max(...inclusionMs))}; median ${hashesPerProof} hashes per proof; ${PROOFS.verified} verified with verifyInclusion against the in-memory root ✓`,
    );

    await timedSamples(PROOFS.warmup, async () => void (await consistencyProofBetween(readDb.manager, BigInt(1 + randomBelow(TREE_SIZE - 1)), size)));
    const oldSizes = Array.from({ length: PROOFS.timed }, () => 1 + randomBelow(TREE_SIZE - 1));
    const consistencyProofs: { oldSize: number; proof: Uint8Array[] }[] = [];
    next = 0;
    const consistencyMs = await timedSamples(PROOFS.timed, async () => {
      const oldSize = oldSizes[next++]!;
      consistencyProofs.push({ oldSize, proof: await consistencyProofBetween(readDb.manager, BigInt(oldSize), size) });
    });
    for (const { oldSize, proof } of consistencyProofs.slice(0, PROOFS.verified)) {
      const verdict = verifyConsistency(BigInt(oldSize), size, proof, await rootAt(tree, BigInt(oldSize)), root);
      if (!verdict.ok) throw new Error(`${backend.name}: consistency proof from size ${oldSize} does not verify: ${verdict.reason}`);
    }
    const otherCpu = meter.stop().others;
    console.log(
      `consistencyProofBetween(random size, ${TREE_SIZE.toLocaleString('en-US')}) × ${PROOFS.timed}: p50 ${formatMs(percentile(consistencyMs, 50))}, p99 ${formatMs(percentile(consistencyMs, 99))}, ` +
        `max ${formatMs(Math.max(...consistencyMs))}; ${PROOFS.verified} verified with verifyConsistency ✓; other processes' CPU ${formatCores(otherCpu)}`,
    );
    await beforeClosing(readDb);
    console.log('');
    const row = (scenario: string, samples: number[], notes: string): BenchRow => ({
      benchmark: 'transparency: proofs',
      scenario: `${backend.name}, ${scenario}`,
      measured: `${PROOFS.timed.toLocaleString('en-US')} proofs`,
      throughput: `${formatRate(1000 / median(samples))} proofs/s`,
      latencyOf: 'one proof (2 SELECTs: size + hashes)',
      p50: formatMs(percentile(samples, 50)),
      p99: formatMs(percentile(samples, 99)),
      notes,
    });
    return [
      row(`inclusion at ${TREE_SIZE.toLocaleString('en-US')} leaves`, inclusionMs, `random leaves, ${hashesPerProof} hashes; ${PROOFS.verified} verified; other processes' CPU ${formatCores(otherCpu)}`),
      row(`consistency with ${TREE_SIZE.toLocaleString('en-US')} leaves`, consistencyMs, `random old sizes; ${PROOFS.verified} verified; other processes' CPU ${formatCores(otherCpu)}`),
    ];
  } finally {
    await stores.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// (3) Receipts

const CNY = (amount: number) => ({ amount, currency: 'CNY' });

/**
 * One gift's money trail, shaped like the platform's events: the donor pledges 500.00 CNY to a
 * household, pays, the gift funds the whole 300.00 CNY premium, 200.00 CNY is refunded, the
 * policy is requested and issued, and it pays two claims. Ten events, in log order.
 */
function giftTrail(): LeafEvent[] {
  const [giftId, donorId, householdId, productId, policyId, claim1, claim2] = Array.from({ length: 7 }, randomUUID);
  const funding = `funding-${householdId}.${productId}`;
  const contributions = [{ giftId, amount: 30000 }];
  const correlationId = randomUUID();
  const event = (streamId: string, revision: number, type: string, actor: string, occurredAt: string, data: object): LeafEvent => ({
    eventId: randomUUID(),
    streamId,
    revision,
    type,
    data,
    metadata: { actor, correlationId, causationId: randomUUID(), occurredAt, schemaVersion: 1 },
  });
  const donor = `donor:${donorId}`;
  const system = 'system:premium-allocation';
  const insurer = 'insurer:anxin-mutual';
  return [
    event(`gift-${giftId}`, 0, 'GiftPledged', donor, '2026-01-05T08:00:00.000Z', {
      giftId, donorId, amount: CNY(50000), target: { kind: 'household', householdId, productId }, remainder: 'refund', pledgedAt: '2026-01-05T08:00:00.000Z',
    }),
    event(`gift-${giftId}`, 1, 'GiftPaymentConfirmed', donor, '2026-01-05T08:05:00.000Z', {
      giftId, donorId, paymentReference: 'PAY-2026-000123', amount: CNY(50000), confirmedAt: '2026-01-05T08:05:00.000Z',
    }),
    event(funding, 0, 'PremiumContributionAccepted', system, '2026-01-05T08:05:01.000Z', {
      householdId, productId, round: 0, policyId, contributionId: randomUUID(), giftId, amount: CNY(30000), fundedTotal: CNY(30000), premium: CNY(30000), productVersion: 1,
      acceptedAt: '2026-01-05T08:05:01.000Z',
    }),
    event(funding, 1, 'PremiumFullyFunded', system, '2026-01-05T08:05:01.000Z', {
      householdId, productId, productVersion: 1, round: 0, policyId, premium: CNY(30000), contributions, fundedAt: '2026-01-05T08:05:01.000Z',
    }),
    event(`gift-${giftId}`, 2, 'GiftAllocated', system, '2026-01-05T08:05:02.000Z', {
      giftId, allocationId: randomUUID(), householdId, productId, policyId, amount: CNY(30000), allocatedAt: '2026-01-05T08:05:02.000Z',
    }),
    event(`gift-${giftId}`, 3, 'GiftRemainderRefunded', system, '2026-01-05T08:05:03.000Z', {
      giftId, donorId, amount: CNY(20000), reason: 'more than the premium still needed', refundedAt: '2026-01-05T08:05:03.000Z',
    }),
    event(`policy-${policyId}`, 0, 'PolicyRequested', system, '2026-01-05T08:05:04.000Z', {
      policyId, householdId, productId, productVersion: 1, insurerId: 'anxin-mutual', premium: CNY(30000), sumInsured: CNY(2000000), waitingPeriodDays: 0, termDays: 365,
      contributions, requestedAt: '2026-01-05T08:05:04.000Z',
    }),
    event(`policy-${policyId}`, 1, 'PolicyIssued', insurer, '2026-01-06T10:00:00.000Z', {
      policyId, householdId, insurerId: 'anxin-mutual', policyNumber: 'ANX-2026-0002', startDate: '2026-01-01', endDate: '2026-12-31', premium: CNY(30000), contributions,
      issuedAt: '2026-01-06T10:00:00.000Z',
    }),
    event(`policy-${policyId}`, 4, 'ClaimPaid', insurer, '2026-03-21T10:00:00.000Z', {
      policyId, claimId: claim1, householdId, insurerId: 'anxin-mutual', amount: CNY(300000), payoutReference: 'BANK-TRF-0001', fundedBy: contributions, paidAt: '2026-03-21T10:00:00.000Z',
    }),
    event(`policy-${policyId}`, 7, 'ClaimPaid', insurer, '2026-09-02T10:00:00.000Z', {
      policyId, claimId: claim2, householdId, insurerId: 'anxin-mutual', amount: CNY(120000), payoutReference: 'BANK-TRF-0002', fundedBy: contributions, paidAt: '2026-09-02T10:00:00.000Z',
    }),
  ];
}

/** Where the trail sits in the 1,000,000-leaf log: in its left 2^19 leaves, so every proof has 20 hashes. */
const TRAIL_FIRST_LEAF = 412_345;
const TRAIL_OFFSETS = [0, 3, 4, 5, 7, 8, 9, 2_400, 57_800, 96_300];

async function receiptVerification(receiptText: string, verifierKey: string, eventCount: number, proofHashes: number): Promise<BenchRow[]> {
  console.log(`### Receipt verification: ${eventCount} events, ${proofHashes} hashes per inclusion proof, checkpoint of ${TREE_SIZE.toLocaleString('en-US')} leaves (${Buffer.byteLength(receiptText).toLocaleString('en-US')} bytes)`);
  const check = () => {
    const verdict = verifyReceipt(receiptText, verifierKey);
    if (!verdict.ok) throw new Error(`the benchmark receipt does not verify: ${verdict.failure}`);
  };
  for (let i = 0; i < RECEIPT_RUNS.warmup; i++) check();
  const meter = new CpuMeter([process.pid]);
  const samples = await timedSamples(RECEIPT_RUNS.timed, async () => check());
  const otherCpu = meter.stop().others;
  console.log(
    `verifyReceipt × ${RECEIPT_RUNS.timed.toLocaleString('en-US')} (after ${RECEIPT_RUNS.warmup} warm-up): p50 ${formatMs(percentile(samples, 50))}, p99 ${formatMs(percentile(samples, 99))}; ` +
      `every run ok; other processes' CPU ${formatCores(otherCpu)}`,
  );
  const rows: BenchRow[] = [
    {
      benchmark: 'transparency: receipt',
      scenario: `verifyReceipt, ${eventCount} events`,
      measured: `${RECEIPT_RUNS.timed.toLocaleString('en-US')} verifications`,
      throughput: `${formatRate(1000 / percentile(samples, 50))} receipts/s`,
      latencyOf: 'one verification (in process)',
      p50: formatMs(percentile(samples, 50)),
      p99: formatMs(percentile(samples, 99)),
      notes: `${proofHashes} hashes per proof; signature + ${eventCount} inclusion proofs + trail; other processes' CPU ${formatCores(otherCpu)}`,
    },
  ];

  const repository = join(__dirname, '..', '..');
  const cli = join(repository, 'bin', 'pangolin-verify.js');
  if (!existsSync(cli) || !existsSync(join(repository, 'dist', 'apps', 'verifier', 'src', 'main.js'))) {
    console.log('The CLI bin/pangolin-verify.js (or its build) is not there: CLI timing skipped.\n');
    return rows;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pangolin-bench-receipt-'));
  try {
    const receiptFile = join(dir, 'receipt.json');
    writeFileSync(receiptFile, receiptText);
    const time = (args: string[]) =>
      timedSamples(CLI_RUNS, async () => {
        execFileSync(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }); // throws on a non-zero exit
      });
    const cliMs = await time([cli, receiptFile, '--key', verifierKey]);
    const bareNodeMs = await time(['-e', '']);
    console.log(
      `node bin/pangolin-verify.js receipt.json --key … × ${CLI_RUNS} (process start included, exit 0 each time): p50 ${formatMs(percentile(cliMs, 50))}, max ${formatMs(Math.max(...cliMs))}; ` +
        `for comparison \`node -e ''\`: p50 ${formatMs(percentile(bareNodeMs, 50))}\n`,
    );
    rows.push({
      benchmark: 'transparency: receipt',
      scenario: 'CLI pangolin-verify receipt.json',
      measured: `${CLI_RUNS} runs`,
      throughput: '',
      latencyOf: 'whole process',
      p50: formatMs(percentile(cliMs, 50)),
      p99: formatMs(Math.max(...cliMs)),
      notes: `p99 column = max of ${CLI_RUNS}; bare \`node -e ''\` p50 ${formatMs(percentile(bareNodeMs, 50))}`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** (4): building the trail map of TRAIL_MAP.gifts gifts, against the raw SHA-256 calls it needs, alternated. */
function trailMapBuild(): BenchRow[] {
  const gifts = TRAIL_MAP.gifts;
  console.log(`### Trail map of ${gifts.toLocaleString('en-US')} gifts against ${(2 * gifts).toLocaleString('en-US')} raw SHA-256 calls, ${TRAIL_MAP.rounds} rounds alternated`);
  const states = Array.from({ length: gifts }, (_, i) => ({ giftId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`, length: 5n, hash: EMPTY_TRAIL_HASH }));
  const input = Buffer.alloc(65);
  const timed = (work: () => void) => {
    const started = nowMs();
    work();
    return nowMs() - started;
  };
  const raw: number[] = [];
  const build: number[] = [];
  let size = 0n;
  const meter = new CpuMeter([process.pid]);
  for (let round = 0; round < TRAIL_MAP.rounds; round++) {
    raw.push(timed(() => {
      for (let i = 0; i < 2 * gifts; i++) createHash('sha256').update(input).digest();
    }));
    build.push(timed(() => (size = new TrailMap(states).size)));
  }
  const otherCpu = meter.stop().others;
  if (size !== BigInt(gifts)) throw new Error(`the trail map has ${size} leaves, not ${gifts}`);
  const [buildMs, rawMs] = [percentile(build, 50), percentile(raw, 50)];
  console.log(`new TrailMap: median ${formatMs(buildMs)}; raw SHA-256 × ${(2 * gifts).toLocaleString('en-US')}: median ${formatMs(rawMs)}; ratio ${(buildMs / rawMs).toFixed(2)}; other processes' CPU ${formatCores(otherCpu)}\n`);
  return [
    {
      benchmark: 'transparency: trail map',
      scenario: `new TrailMap, ${gifts.toLocaleString('en-US')} gifts`,
      measured: `${TRAIL_MAP.rounds} builds`,
      throughput: `${formatRate((gifts * 1000) / buildMs)} gifts/s`,
      latencyOf: 'one build',
      p50: formatMs(buildMs),
      p99: formatMs(Math.max(...build)),
      notes: `p99 column = max of ${TRAIL_MAP.rounds}; reference: ${(2 * gifts).toLocaleString('en-US')} raw SHA-256 calls median ${formatMs(rawMs)}, ratio ${(buildMs / rawMs).toFixed(2)}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------

/** `parts`: which of (1) throughput, (2) proofs, (3) receipt to run; all by default (the proofs also make the receipt). */
export async function runTransparency(options: { printMachine?: boolean; parts?: 'all' | 'throughput' } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  console.log('## Transparency log (RFC 6962 Merkle log over the event log)\n');
  const unreachable = await postgresUnreachable();
  if (unreachable) console.log(`PostgreSQL at ${POSTGRES_URL} is unreachable (${unreachable}): its figures are skipped.\n`);
  const backends: Backend[] = unreachable ? [sqliteBackend] : [sqliteBackend, postgresBackend()];

  try {
    const rows: BenchRow[] = [];
    for (const backend of backends) rows.push(...(await appendThroughput(backend)));
    if (options.parts === 'throughput') return rows;

    const started = nowMs();
    const trail = giftTrail();
    const leafHashes = randomBytes(TREE_SIZE * HASH_SIZE);
    TRAIL_OFFSETS.forEach((offset, i) => leafHashes.set(leafHash(encodeLeaf(trail[i]!)), (TRAIL_FIRST_LEAF + offset) * HASH_SIZE));
    const tree = new InMemoryTree(TREE_SIZE, leafHashes);
    const root = await rootAt(tree, BigInt(TREE_SIZE));
    console.log(`(Built the ${TREE_SIZE.toLocaleString('en-US')}-leaf tree in memory, ${tree.rowCount.toLocaleString('en-US')} complete subtrees, in ${((nowMs() - started) / 1000).toFixed(1)} s.)\n`);

    // The receipt's proofs come from the SQLite read DB, as the platform would serve them.
    const keys = generateSignerKey(LOG_ORIGIN);
    let receiptText = '';
    let receiptProofHashes = 0;
    const cutReceipt = async (readDb: DataSource) => {
      const size = BigInt(TREE_SIZE);
      receiptText = formatReceipt({
        format: RECEIPT_FORMAT,
        giftId: (trail[0]!.data as { giftId: string }).giftId,
        checkpoint: signNote(formatCheckpoint({ origin: LOG_ORIGIN, size, rootHash: await merkleRoot(readDb.manager, size) }), keys.signerKey),
        events: await Promise.all(
          trail.map(async (event, i) => {
            const leafIndex = BigInt(TRAIL_FIRST_LEAF + TRAIL_OFFSETS[i]!);
            const inclusionProof = await inclusionProofFor(readDb.manager, leafIndex, size);
            receiptProofHashes = Math.max(receiptProofHashes, inclusionProof.length);
            return { leafIndex, leaf: encodeLeaf(event), inclusionProof };
          }),
        ),
      });
    };
    for (const backend of backends) rows.push(...(await proofTimes(backend, tree, root, backend === sqliteBackend ? cutReceipt : async () => {})));

    rows.push(...(await receiptVerification(receiptText, keys.verifierKey, trail.length, receiptProofHashes)));
    rows.push(...trailMapBuild());
    return rows;
  } finally {
    if (createdSchemas.size) await dropSchemas([...createdSchemas]);
  }
}

if (require.main === module) {
  // `node dist/bench/transparency.bench.js throughput` runs only (1); `… trail-map` only (4).
  const part = process.argv[2];
  (part === 'trail-map' ? Promise.resolve((printMachine(), trailMapBuild())) : runTransparency({ parts: part === 'throughput' ? 'throughput' : 'all' }))
    .then((rows) => console.log(markdownTable(rows)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
