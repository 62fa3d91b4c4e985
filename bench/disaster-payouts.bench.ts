/**
 * Benchmark (not a test), issue #13: a flood declared over a county where DISASTER_HOUSEHOLDS
 * households (default 10,000) hold an issued, active policy of a parametric product covering floods,
 * and DISASTER_UNCOVERED more (default a tenth of them) are eligible and uncovered.
 *
 * 1. Seed (not timed), as the county benchmark seeds: the households registered and verified by the
 *    deciders and appended in batches (bench/county-scale.bench.ts's helpers); a programme gift
 *    covering the first DISASTER_HOUSEHOLDS premiums, allocated by the premium-allocation process
 *    manager with every projection running in this process (bench/allocation-pipeline.ts); the
 *    insurer issues the policies, starting today.
 * 2. Measure. The platform (`node dist/apps/api/src/main.js`, a child process, embedded stores) is
 *    started over the seeded stores. The county's government declares a flood over the county (today)
 *    and the insurer confirms it over HTTP (`POST /disasters/declarations/:id/confirm`); the
 *    disaster-payouts process manager settles every policy's claim, DISASTER_PAYOUT_BATCH_SIZE
 *    (default 200) a batch, and the projections show them. The clock runs from the confirmation's
 *    answer (which waits for its consequences up to SETTLE_TIMEOUT_MS, 5 s, then answers
 *    "not settled") until `GET /disasters/declarations/:id` shows every policy paid and the payouts
 *    complete; then every payout is counted page by page and the uncovered households too
 *    (a correctness check: the bench exits non-zero if either count is wrong).
 * 3. Reference, same run, same store: a plain loop appending the same claim events (per policy the
 *    filed, approved and paid events in one append; the batches' records, one append each) to new
 *    streams of the same event store file once the platform has stopped, with no reads, no
 *    decisions and no projections.
 *
 * DISASTER_NODE_ARGS passes options to the platform's Node.js (to profile it, e.g. '--prof').
 *
 * Run: npm run build && node dist/bench/disaster-payouts.bench.js
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActingContext, executeCommand, PAYOUT_BATCH_SIZE, SealingEventStore, SCHEMA_VERSION } from '@pangolin/application';
import { giftDecider, money, productDecider, programmeDecider, streams } from '@pangolin/domain';
import { NewEvent, SqliteEventStore } from '@pangolin/event-store';
import { openReadDataSource } from '@pangolin/read-models';
import { HouseholdKeyVault, openRecordsStore } from '@pangolin/records';
import { allocationPipeline, settled } from './allocation-pipeline';
import { COUNTY, createLogins, getJson, INSURER, issuePolicies, login, policiesOfGift, registerHouseholds, Server, startServer } from './county-scale.bench';
import { stopChild } from './gifts-over-http.bench';
import { printMachine } from './machine';
import { BenchRow, nowMs } from './stats';

const PREMIUM = money(5_000, 'CNY');
const BENEFIT = money(50_000, 'CNY');
const POLL_MS = 50;
/** How often the progress of the payouts is printed. */
const PROGRESS_MS = 5_000;
const DEADLINE_MS = 600_000;

const now = () => new Date().toISOString();
const today = () => now().slice(0, 10);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Figures {
  covered: number;
  uncovered: number;
  seedMs: number;
  confirmAnswerMs: number;
  answeredSettled: boolean;
  paidMs: number;
  payoutsListed: number;
  uncoveredListed: number;
  referenceMs: number;
  load: string;
}

/** Registers and covers the households (not timed); returns the seeding time. */
async function seed(dir: string, covered: number, uncovered: number): Promise<number> {
  const started = nowMs();
  const raw = SqliteEventStore.open(join(dir, 'events.sqlite'));
  const db = await openReadDataSource({ type: 'sqlite', path: join(dir, 'read.sqlite') });
  const records = await openRecordsStore({ type: 'sqlite', path: join(dir, 'records.sqlite') });
  const store = new SealingEventStore(raw, new HouseholdKeyVault(records));
  const { projections, allocation } = allocationPipeline(store, db, records);
  const government: ActingContext = { actor: 'government:disaster-bench', correlationId: 'disaster-bench', causationId: 'disaster-bench' };
  const insurer: ActingContext = { actor: 'insurer:disaster-bench', correlationId: 'disaster-bench', causationId: 'disaster-bench' };
  try {
    await createLogins(records);
    const [productId, programmeId, giftId] = [randomUUID(), randomUUID(), randomUUID()];
    const terms = { name: 'Flood index cover', coverageKind: 'property' as const, annualPremium: PREMIUM, sumInsured: money(2_000_000, 'CNY'), waitingPeriodDays: 0, termDays: 365, parametric: { perils: ['flood' as const], rule: 'fixed' as const, amount: BENEFIT } };
    await executeCommand(store, productDecider, streams.product(productId), { type: 'PublishProduct', data: { productId, insurerId: INSURER, terms, now: now() } }, insurer);
    await executeCommand(store, programmeDecider, streams.programme(programmeId), { type: 'LaunchProgramme', data: { programmeId, name: 'Flood programme', regionCode: COUNTY, productId, launcherRegion: COUNTY, now: now() } }, government);
    // The covered first: the programme gift goes to the earliest verified.
    const householdIds = Array.from({ length: covered + uncovered }, () => randomUUID());
    const phase = (name: string) => console.log(`  ${name}: ${((nowMs() - started) / 1000).toFixed(1)} s`);
    await registerHouseholds(store, records, householdIds, () => true, government);
    phase('households registered and verified');
    await projections.start();
    await allocation.start();
    const amount = money(covered * PREMIUM.amount, 'CNY');
    const donor: ActingContext = { actor: 'donor:disaster-bench', correlationId: giftId, causationId: giftId };
    await executeCommand(store, giftDecider, streams.gift(giftId), { type: 'PledgeGift', data: { giftId, donorId: 'disaster-bench-donor', amount, target: { kind: 'programme', programmeId, regionCode: COUNTY, productId }, remainder: 'refund', now: now() } }, donor);
    await executeCommand(store, giftDecider, streams.gift(giftId), { type: 'ConfirmPayment', data: { giftId, paymentReference: `FLOOD-BENCH-${giftId}`, amount, now: now() } }, donor);
    await settled(store, allocation, projections);
    phase('programme gift allocated, projected');
    await issuePolicies(store, await policiesOfGift(db, giftId), insurer);
    await settled(store, allocation, projections);
    phase('policies issued, projected');
    return nowMs() - started;
  } finally {
    await allocation.stop();
    await projections.stop();
    await store.close();
    await db.destroy();
  }
}

async function post(server: Server, path: string, token: string, body: unknown): Promise<{ body: Record<string, unknown>; settled: boolean }> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return { body: JSON.parse(text) as Record<string, unknown>, settled: response.headers.get('pangolin-settled') !== 'false' };
}

/** Where the pipeline is, from the platform's metrics: events appended to policies (3 per claim settled) and the slowest projection. */
async function progress(server: Server): Promise<string> {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const claimEvents = Number(/^pangolin_events_appended_total\{stream_category="policy"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
  const lags = [...metrics.matchAll(/^pangolin_projection_lag_events\{projection="([^"]+)"\} (\d+)/gm)].map(([, name, lag]) => [name!, Number(lag)] as const);
  const [slowest, behind] = lags.reduce((worst, lag) => (lag[1] > worst[1] ? lag : worst), ['none', 0] as readonly [string, number]);
  return `policy events appended ${claimEvents.toLocaleString('en-US')}, slowest projection ${slowest} ${behind.toLocaleString('en-US')} events behind`;
}

/** How many items a list has, its pages (of 500) followed. */
async function countPages(server: Server, path: string, token: string): Promise<number> {
  let count = 0;
  let cursor: string | null | undefined;
  do {
    const { status, body } = await getJson(server.url, `${path}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${JSON.stringify(body)}`);
    const page = body as { items: unknown[]; nextCursor?: string | null };
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

async function measure(dir: string, covered: number): Promise<Omit<Figures, 'seedMs' | 'referenceMs' | 'uncovered'>> {
  // DISASTER_NODE_ARGS: options for the platform's Node.js, e.g. '--prof' (--cpu-prof writes nothing: the platform ends on its SIGTERM).
  const server = await startServer(dir, {}, (process.env.DISASTER_NODE_ARGS ?? '').split(' ').filter(Boolean));
  try {
    const [government, insurer] = [await login(server.url, 'county.gov'), await login(server.url, 'county.insurer')];
    const { body } = await post(server, '/disasters/declarations', government, { peril: 'flood', regionCodes: [COUNTY], incidentFrom: today(), incidentTo: today(), severity: 2, authorityReference: 'BENCH-FLOOD-1' });
    const declarationId = body.declarationId as string;
    const load = loadavg().map((l) => l.toFixed(2)).join(' / ');
    const sent = nowMs();
    const confirmation = await post(server, `/disasters/declarations/${declarationId}/confirm`, insurer, { paymentFileReference: 'BENCH-PAYFILE' });
    const answered = nowMs();
    const deadline = Date.now() + DEADLINE_MS;
    let reported = answered;
    for (;;) {
      const declaration = (await getJson(server.url, `/disasters/declarations/${declarationId}`, government)).body as { status: string; policiesPaid: number };
      if (declaration.status === 'paid' && declaration.policiesPaid >= covered) break;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${covered} payouts: ${JSON.stringify(declaration)}`);
      if (nowMs() - reported >= PROGRESS_MS) {
        reported = nowMs();
        console.log(`  ${seconds(reported - answered)}: ${await progress(server)}; payouts projected ${declaration.policiesPaid.toLocaleString('en-US')}`);
      }
      await sleep(POLL_MS);
    }
    const paid = nowMs();
    const payoutsListed = await countPages(server, `/disasters/declarations/${declarationId}/payouts`, government);
    const uncoveredListed = await countPages(server, `/disasters/declarations/${declarationId}/uncovered`, government);
    return { covered, confirmAnswerMs: answered - sent, answeredSettled: confirmation.settled, paidMs: paid - answered, payoutsListed, uncoveredListed, load };
  } finally {
    await stopChild(server.child);
  }
}

/** The same claim events appended by a plain loop into the same store file, to new streams: no reads, decisions or projections. */
async function referenceAppends(path: string, policies: number, batchSize: number): Promise<{ ms: number; events: number }> {
  const store = SqliteEventStore.open(path);
  const event = (type: string, data: unknown): NewEvent => ({
    eventId: randomUUID(), type, data, metadata: { actor: 'system:disaster-payouts', correlationId: 'c', causationId: 'c', occurredAt: now(), schemaVersion: SCHEMA_VERSION },
  });
  try {
    const [declarationId, insurerId] = [randomUUID(), INSURER];
    const at = now();
    let events = 0;
    const started = nowMs();
    let batch: { policyId: string; householdId: string; claimId: string; amount: typeof BENEFIT; payoutReference: string }[] = [];
    for (let i = 0; i < policies; i++) {
      const [policyId, householdId, claimId] = [randomUUID(), randomUUID(), randomUUID()];
      const payoutReference = `REF-PAYFILE-${1 + Math.floor(i / batchSize)}`;
      const fundedBy = [{ giftId: 'g', amount: PREMIUM }];
      await store.append(streams.policy(policyId), 'any', [
        event('ClaimFiled', { policyId, claimId, householdId, incidentDate: at.slice(0, 10), kind: 'natural-disaster', amountClaimed: BENEFIT, evidence: [`disaster declaration ${declarationId}`], filedBy: { role: 'government', id: 'g' }, filedAt: at, declarationId }),
        event('ClaimApproved', { policyId, claimId, approvedAmount: BENEFIT, inFull: true, approvedBy: insurerId, approvedAt: at }),
        event('ClaimPaid', { policyId, claimId, householdId, insurerId, amount: BENEFIT, payoutReference, fundedBy, paidAt: at }),
      ]);
      events += 3;
      batch.push({ policyId, householdId, claimId, amount: BENEFIT, payoutReference });
      if (batch.length === batchSize || i === policies - 1) {
        await store.append(streams.disasterDeclaration(declarationId), 'any', [event('DisasterPayoutBatchRecorded', { declarationId, insurerId, batchNumber: Math.ceil((i + 1) / batchSize), payouts: batch, recordedAt: at })]);
        events += 1;
        batch = [];
      }
    }
    return { ms: nowMs() - started, events };
  } finally {
    await store.close();
  }
}

export async function runDisasterPayouts(options: { printMachine?: boolean; households?: number } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  const covered = options.households ?? Number(process.env.DISASTER_HOUSEHOLDS ?? 10_000);
  const uncovered = Number(process.env.DISASTER_UNCOVERED ?? Math.round(covered / 10));
  const batchSize = Number(process.env.DISASTER_PAYOUT_BATCH_SIZE ?? PAYOUT_BATCH_SIZE);
  const dir = mkdtempSync(join(tmpdir(), 'pangolin-bench-disaster-'));
  console.log(`## A flood over a county: ${covered.toLocaleString('en-US')} households covered by a parametric product, ${uncovered.toLocaleString('en-US')} uncovered (embedded store, platform in a child process)`);
  try {
    const seedMs = await seed(dir, covered, uncovered);
    console.log(`setup (register, verify, cover by a programme gift, issue the policies; not timed below): ${(seedMs / 1000).toFixed(1)} s`);
    const measured = await measure(dir, covered);
    const reference = await referenceAppends(join(dir, 'events.sqlite'), covered, batchSize);
    const figures: Figures = { ...measured, uncovered, seedMs, referenceMs: reference.ms };
    console.log(`load average when the insurer confirmed (1/5/15 min): ${figures.load}`);
    console.log(`confirmation sent -> answered: ${seconds(figures.confirmAnswerMs)} (${figures.answeredSettled ? 'settled' : 'not settled: answered at SETTLE_TIMEOUT_MS, the payouts going on'})`);
    console.log(`confirmation answered -> all ${covered.toLocaleString('en-US')} payouts projected (declaration report: every policy paid, payouts complete): ${seconds(figures.paidMs)}; from sending it: ${seconds(figures.confirmAnswerMs + figures.paidMs)}`);
    console.log(`checked: ${figures.payoutsListed.toLocaleString('en-US')} payouts listed, ${figures.uncoveredListed.toLocaleString('en-US')} uncovered households listed`);
    console.log(`reference: the same claim events (${reference.events.toLocaleString('en-US')}) by a plain append loop into the same store, no reads/decisions/projections: ${seconds(figures.referenceMs)}; ratio ${((figures.confirmAnswerMs + figures.paidMs) / figures.referenceMs).toFixed(1)}x`);
    if (figures.payoutsListed !== covered || figures.uncoveredListed !== uncovered) {
      console.error(`expected ${covered} payouts and ${uncovered} uncovered households listed`);
      process.exitCode = 1;
    }
    return [{
      benchmark: 'disaster payouts',
      scenario: `${covered.toLocaleString('en-US')} covered households (+${uncovered.toLocaleString('en-US')} uncovered), embedded`,
      measured: `1 declaration, batches of ${batchSize}`,
      throughput: `${Math.round(covered / ((figures.confirmAnswerMs + figures.paidMs) / 1000)).toLocaleString('en-US')} payouts/s`,
      latencyOf: 'confirm answered -> all payouts projected',
      p50: seconds(figures.paidMs),
      p99: 'n/a (one run)',
      notes: `confirm answered in ${seconds(figures.confirmAnswerMs)}; raw append loop ${seconds(figures.referenceMs)} (${((figures.confirmAnswerMs + figures.paidMs) / figures.referenceMs).toFixed(1)}x); load ${figures.load}`,
    }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    console.log('');
  }
}

if (require.main === module) {
  runDisasterPayouts().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
