/**
 * Benchmark (not a test): a programme gift reaching many households, and folding a long stream.
 *
 * 1. Programme allocation. The embedded platform's pipeline runs in this process as `npm start` runs
 *    it (SQLite event store behind the personal-data sealing store, SQLite read database, every
 *    projection and the premium-allocation process manager on one event loop). N eligible
 *    households of one region are registered and verified and projected first (not timed). Then a
 *    donor pledges and pays a programme gift that covers every one of their premiums, and the clock
 *    runs from the payment's append until the donor view shows all N allocations, and on until the
 *    process manager and every projection have dealt with everything it caused (N policy requests
 *    too). Reference, same run: a plain loop appending the same events (per household a funding
 *    stream's 2 events and a policy request, the gift's allocations 500 per append) to a fresh
 *    SqliteEventStore with the same pragmas, with no reads, no decisions and no projections.
 *    N is PROGRAMME_HOUSEHOLDS (default 2,000, so that the run stays short; the target is set for
 *    10,000: `PROGRAMME_HOUSEHOLDS=10000 node dist/bench/programme-allocation.bench.js`).
 *
 * 2. Folding a 50,000-event stream: a programme gift's stream (pledge, payment, allocation after
 *    allocation), folded by the gift decider, in memory and as loadState (read from SQLite + fold);
 *    the premium-funding and policy deciders folded in memory too. Reference, same run: a plain
 *    loop over the same events keeping the same sums and sets (the raw fold), and the store's
 *    readStream alone. Both sides alternate, 5 rounds after a warm-up; medians.
 *
 * Run: npm run build && node dist/bench/programme-allocation.bench.js
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActingContext, executeCommand, loadState, SealingEventStore } from '@pangolin/application';
import { Decider, foldEvents, giftDecider, householdDecider, money, nationalIdWithChecksum, policyDecider, policyIdFor, premiumFundingDecider, productDecider, programmeDecider, streams } from '@pangolin/domain';
import { NewEvent, SqliteEventStore } from '@pangolin/event-store';
import { GiftAllocationRow, openReadDataSource } from '@pangolin/read-models';
import { HouseholdKeyVault, openRecordsStore } from '@pangolin/records';
import { longGiftHistory, longPolicyHistory, longPremiumFundingHistory } from '../libs/domain/src/shared/long-histories';
import { allocationPipeline, settled } from './allocation-pipeline';
import { printMachine } from './machine';
import { BenchRow, formatMs, nowMs } from './stats';

const DEFAULT_HOUSEHOLDS = 2_000;
const FOLD_EVENTS = 50_000;
const ROUNDS = 5;
const PREMIUM = money(5_000, 'CNY');
const REGION = '440305';
const POLL_MS = 20;
const DEADLINE_MS = 600_000;
const SETUP_AT_ONCE = 64;

const government: ActingContext = { actor: 'government:bench', correlationId: 'bench', causationId: 'bench' };
const now = () => new Date().toISOString();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

interface AllocationFigures {
  households: number;
  setupMs: number;
  /** Until the process manager had handled the payment: every allocation recorded on the gift. */
  allocatedMs: number;
  allocatedAndProjectedMs: number;
  settledMs: number;
  eventsCaused: number;
  referenceMs: number;
}

async function programmeAllocation(households: number, dir: string): Promise<AllocationFigures> {
  const raw = SqliteEventStore.open(join(dir, 'events.sqlite'));
  const db = await openReadDataSource({ type: 'sqlite', path: join(dir, 'read.sqlite') });
  const records = await openRecordsStore({ type: 'sqlite', path: join(dir, 'records.sqlite') });
  const store = new SealingEventStore(raw, new HouseholdKeyVault(records));
  const { projections, allocation } = allocationPipeline(store, db, records);
  try {
    const setupStarted = nowMs();
    const [productId, programmeId] = [randomUUID(), randomUUID()];
    const terms = { name: 'Bench cover', coverageKind: 'accident-illness' as const, annualPremium: PREMIUM, sumInsured: money(2_000_000, 'CNY'), waitingPeriodDays: 0, termDays: 365 };
    await executeCommand(store, productDecider, streams.product(productId), { type: 'PublishProduct', data: { productId, insurerId: 'bench-insurer', terms, now: now() } }, government);
    await executeCommand(store, programmeDecider, streams.programme(programmeId), { type: 'LaunchProgramme', data: { programmeId, name: 'Bench programme', regionCode: REGION, productId, launcherRegion: REGION, now: now() } }, government);
    // Registered SETUP_AT_ONCE at a time (the store commits their appends together), to keep the setup short.
    const register = async (i: number) => {
      const householdId = randomUUID();
      const villageCode = `${REGION}${String(1 + (i % 9)).padStart(3, '0')}${String(1 + (Math.floor(i / 9) % 99)).padStart(3, '0')}`;
      await executeCommand(store, householdDecider, streams.household(householdId), {
        type: 'RegisterHousehold',
        data: { householdId, householdCode: `HH-BENCH-${String(i).padStart(6, '0')}`, villageCode, registrarRegion: REGION, category: 'low-income', personal: { headName: `Head ${i}`, headNationalId: nationalIdWithChecksum(`44030519800101${String(i % 1000).padStart(3, '0')}`), members: [], address: `Lane ${i}` }, nationalIdDigests: [], now: now() },
      }, government);
      await executeCommand(store, householdDecider, streams.household(householdId), { type: 'VerifyEligibility', data: { householdId, category: 'low-income', verifierRegion: REGION, now: now() } }, government);
    };
    for (let first = 0; first < households; first += SETUP_AT_ONCE) {
      await Promise.all(Array.from({ length: Math.min(SETUP_AT_ONCE, households - first) }, (_, j) => register(first + j)));
    }
    await projections.start();
    await projections.caughtUpTo(await store.headPosition());
    await allocation.start();
    // The process manager handles the households' verifications (each may spend held money) as part of
    // the setup, so that the clock below counts only what the payment causes.
    await allocation.caughtUpTo(await store.headPosition());
    const setupMs = nowMs() - setupStarted;

    const giftId = randomUUID();
    const amount = money(households * PREMIUM.amount, 'CNY');
    const donor: ActingContext = { actor: 'donor:bench', correlationId: giftId, causationId: giftId };
    await executeCommand(store, giftDecider, streams.gift(giftId), { type: 'PledgeGift', data: { giftId, donorId: 'bench-donor', amount, target: { kind: 'programme', programmeId, regionCode: REGION, productId }, remainder: 'refund', now: now() } }, donor);
    const headBefore = await store.headPosition();
    const started = nowMs();
    const payment = await executeCommand(store, giftDecider, streams.gift(giftId), { type: 'ConfirmPayment', data: { giftId, paymentReference: `BENCH-${giftId}`, amount, now: now() } }, donor);
    const handled = allocation.caughtUpTo(payment.position).then(() => nowMs() - started);
    await until(async () => (await db.manager.countBy(GiftAllocationRow, { giftId })) >= households, `${households} allocations in the donor view`);
    const allocatedAndProjectedMs = nowMs() - started;
    const allocatedMs = await handled;
    const target = await settled(store, allocation, projections, payment.position);
    const settledMs = nowMs() - started;
    const eventsCaused = Number(target - headBefore);

    const referenceMs = await referenceAppends(households, join(dir, 'reference.sqlite'));
    return { households, setupMs, allocatedMs, allocatedAndProjectedMs, settledMs, eventsCaused, referenceMs };
  } finally {
    await allocation.stop();
    await projections.stop();
    await store.close();
    await db.destroy();
  }
}

/** The events the allocation writes, appended by a plain loop with no reads, decisions or projections. */
async function referenceAppends(households: number, path: string): Promise<number> {
  const store = SqliteEventStore.open(path);
  const event = (type: string, data: unknown): NewEvent => ({
    eventId: randomUUID(), type, data, metadata: { actor: 'system:premium-allocation', correlationId: 'c', causationId: 'c', occurredAt: now(), schemaVersion: 1 },
  });
  try {
    const [giftId, productId] = [randomUUID(), randomUUID()];
    const at = now();
    const started = nowMs();
    const allocations: NewEvent[] = [];
    await store.append(streams.gift(giftId), 'any', [event('ProgrammeAllocationPlanned', { giftId, allocations: Array.from({ length: households }, (_, i) => ({ householdId: `hh-${i}`, amount: PREMIUM.amount })) })]);
    for (let i = 0; i < households; i++) {
      const householdId = randomUUID();
      const policyId = policyIdFor(householdId, productId, 1);
      const contributions = [{ giftId, amount: PREMIUM.amount }];
      await store.append(streams.premiumFunding(householdId, productId), 'no-stream', [
        event('PremiumContributionAccepted', { householdId, productId, round: 1, policyId, contributionId: randomUUID(), giftId, amount: PREMIUM, fundedTotal: PREMIUM, premium: PREMIUM, productVersion: 1, acceptedAt: at }),
        event('PremiumFullyFunded', { householdId, productId, productVersion: 1, round: 1, policyId, premium: PREMIUM, contributions, fundedAt: at }),
      ]);
      allocations.push(event('GiftAllocated', { giftId, allocationId: randomUUID(), householdId, productId, policyId, amount: PREMIUM, allocatedAt: at }));
      if (allocations.length === 500 || i === households - 1) await store.append(streams.gift(giftId), 'any', allocations.splice(0));
    }
    for (let i = 0; i < households; i++) {
      await store.append(streams.policy(randomUUID()), 'no-stream', [event('PolicyRequested', { policyId: randomUUID(), householdId: randomUUID(), productId, premium: PREMIUM, contributions: [{ giftId, amount: PREMIUM.amount }], requestedAt: at })]);
    }
    return nowMs() - started;
  } finally {
    await store.close();
  }
}

interface FoldFigures {
  name: string;
  foldMs: number;
  rawMs: number;
}

/** The raw fold: the same sums and sets a gift keeps, by a plain loop over the same events. */
function rawGiftFold(events: readonly { type: string; data: unknown }[]): number {
  const allocationIds = new Set<string>();
  const allocatedByPolicy = new Map<string, number>();
  let total = 0;
  for (const { type, data } of events) {
    if (type !== 'GiftAllocated') continue;
    const { allocationId, policyId, amount } = data as { allocationId: string; policyId: string; amount: { amount: number } };
    allocationIds.add(allocationId);
    allocatedByPolicy.set(policyId, (allocatedByPolicy.get(policyId) ?? 0) + amount.amount);
    total += amount.amount;
  }
  return total + allocationIds.size;
}

/** The same for any stream: one Map entry per event's first id-like field, as the deciders keep one per contribution or claim. */
function rawFold(events: readonly { type: string; data: unknown }[]): number {
  const seen = new Map<string, string>();
  for (const { type, data } of events) {
    const record = data as Record<string, unknown>;
    seen.set(String(record.contributionId ?? record.claimId ?? record.allocationId ?? type), type);
  }
  return seen.size;
}

/** Median times of `a` and `b`, run alternately ROUNDS times after one warm-up of each. */
async function alternate(a: () => unknown, b: () => unknown): Promise<[number, number]> {
  a();
  b();
  const [as, bs]: number[][] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [run, samples] of [[a, as], [b, bs]] as const) {
      const started = nowMs();
      await run();
      samples.push(nowMs() - started);
    }
  }
  return [median(as), median(bs)];
}

async function folds(dir: string): Promise<{ inMemory: FoldFigures[]; load: FoldFigures }> {
  const inMemory: FoldFigures[] = [];
  const cases: [string, Decider<never, unknown, never>, { type: string; data: unknown }[], (events: readonly { type: string; data: unknown }[]) => number][] = [
    ['gift (a programme gift, one allocation per household)', giftDecider as never, longGiftHistory(FOLD_EVENTS), rawGiftFold],
    ['premium funding (rounds of 100 small contributions)', premiumFundingDecider as never, longPremiumFundingHistory(FOLD_EVENTS), rawFold],
    ['policy (claim after claim)', policyDecider as never, longPolicyHistory(FOLD_EVENTS), rawFold],
  ];
  for (const [name, decider, events, raw] of cases) {
    const [foldMs, rawMs] = await alternate(() => foldEvents(decider, events as never[]), () => raw(events));
    inMemory.push({ name, foldMs, rawMs });
  }
  const store = SqliteEventStore.open(join(dir, 'fold.sqlite'));
  try {
    const streamId = streams.gift('gift-long');
    const history = longGiftHistory(FOLD_EVENTS).map((event): NewEvent => ({
      eventId: randomUUID(), type: event.type, data: event.data, metadata: { actor: 'bench', correlationId: 'c', causationId: 'c', occurredAt: now(), schemaVersion: 1 },
    }));
    for (let i = 0; i < history.length; i += 1_000) await store.append(streamId, 'any', history.slice(i, i + 1_000));
    const [foldMs, rawMs] = await alternate(
      () => loadState(store, giftDecider, streamId),
      () => store.readStream(streamId),
    );
    return { inMemory, load: { name: 'gift stream loadState (SQLite read + fold)', foldMs, rawMs } };
  } finally {
    await store.close();
  }
}

export async function runProgrammeAllocation(options: { printMachine?: boolean; households?: number } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  const households = options.households ?? Number(process.env.PROGRAMME_HOUSEHOLDS ?? DEFAULT_HOUSEHOLDS);
  const dir = mkdtempSync(join(tmpdir(), 'pangolin-bench-programme-'));
  const rows: BenchRow[] = [];
  try {
    console.log(`## Folding a ${FOLD_EVENTS.toLocaleString('en-US')}-event stream (medians of ${ROUNDS}, alternating with the reference)`);
    const { inMemory, load } = await folds(dir);
    for (const { name, foldMs, rawMs } of inMemory) {
      console.log(`${name}: foldEvents ${formatMs(foldMs)}; raw loop ${formatMs(rawMs)}; ratio ${(foldMs / rawMs).toFixed(1)}x`);
      rows.push({ benchmark: 'fold a 50,000-event stream', scenario: name, measured: `${ROUNDS} folds`, throughput: `${Math.round(FOLD_EVENTS / (foldMs / 1000)).toLocaleString('en-US')} events/s`, latencyOf: 'foldEvents (in memory)', p50: formatMs(foldMs), p99: 'n/a', notes: `raw loop ${formatMs(rawMs)} (${(foldMs / rawMs).toFixed(1)}x)` });
    }
    console.log(`${load.name}: ${formatMs(load.foldMs)}; readStream alone ${formatMs(load.rawMs)}; fold ≈ ${formatMs(load.foldMs - load.rawMs)}`);
    rows.push({ benchmark: 'fold a 50,000-event stream', scenario: load.name, measured: `${ROUNDS} loads`, throughput: `${Math.round(FOLD_EVENTS / (load.foldMs / 1000)).toLocaleString('en-US')} events/s`, latencyOf: 'loadState', p50: formatMs(load.foldMs), p99: 'n/a', notes: `readStream alone ${formatMs(load.rawMs)} (${(load.foldMs / load.rawMs).toFixed(2)}x)` });
    console.log('');

    console.log(`## A programme gift reaching ${households.toLocaleString('en-US')} eligible households (embedded store, pipeline in this process)`);
    const figures = await programmeAllocation(households, dir);
    console.log(`setup (register, verify and project the households; not timed below): ${(figures.setupMs / 1000).toFixed(1)} s`);
    console.log(`payment appended -> process manager done with it (plan, ${households.toLocaleString('en-US')} contributions, allocations recorded): ${(figures.allocatedMs / 1000).toFixed(2)} s`);
    console.log(`payment appended -> all ${households.toLocaleString('en-US')} allocations in the donor view: ${(figures.allocatedAndProjectedMs / 1000).toFixed(2)} s`);
    console.log(`payment appended -> everything it caused handled and projected (${figures.eventsCaused.toLocaleString('en-US')} events, policy requests included): ${(figures.settledMs / 1000).toFixed(2)} s`);
    console.log(`reference: the same writes by a plain append loop, no reads/decisions/projections: ${(figures.referenceMs / 1000).toFixed(2)} s; ratio ${(figures.settledMs / figures.referenceMs).toFixed(1)}x`);
    rows.push({
      benchmark: 'programme gift allocation',
      scenario: `${households.toLocaleString('en-US')} eligible households, embedded`,
      measured: `1 gift, ${figures.eventsCaused.toLocaleString('en-US')} events caused`,
      throughput: `${Math.round(figures.eventsCaused / (figures.settledMs / 1000)).toLocaleString('en-US')} events/s`,
      latencyOf: 'payment -> all allocations projected',
      p50: `${(figures.allocatedAndProjectedMs / 1000).toFixed(2)} s`,
      p99: 'n/a (one run)',
      notes: `allocations recorded ${(figures.allocatedMs / 1000).toFixed(2)} s; all settled ${(figures.settledMs / 1000).toFixed(2)} s; raw append loop ${(figures.referenceMs / 1000).toFixed(2)} s (${(figures.settledMs / figures.referenceMs).toFixed(1)}x)`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  return rows;
}

if (require.main === module) {
  runProgrammeAllocation().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
