/**
 * Benchmark (not a test), issue #12: a county of COUNTY_HOUSEHOLDS households (default 100,000).
 *
 * 1. Seed. Every event is decided by the domain's deciders (the commands the API would run, on the
 *    state the stream holds) and appended to the event store in batches: many appends issued in one
 *    turn of the event loop are one group commit on SQLite, a pool's worth of parallel transactions
 *    on PostgreSQL. Household personal data is sealed by the SealingEventStore as the API seals it.
 *    One county (6 digits), 15 towns (9), 20 villages per town (12): 300 villages. Half of the
 *    households are verified eligible. The read models' projections then catch up over the
 *    households (timed), and the premium-allocation process manager runs in this process while one
 *    programme gift covering 10,000 premiums and 20,000 direct gifts are paid (the direct gifts pay
 *    part of a premium, except 100 that pay a whole one and so leave policies requested and not yet
 *    issued). The insurer then issues the programme's 10,000 policies and 2,000 claims are filed
 *    (1,000 paid, 500 approved, 300 filed, 200 rejected). National-ID reservation streams are left
 *    out (they do not feed any list).
 * 2. Check. The dashboards' totals (government dashboard of the county and of each town, public
 *    totals, insurer dashboard) against counts made here from the event log; the bench exits
 *    non-zero if one differs.
 * 3. Serve. The platform (`node dist/apps/api/src/main.js`, a child process, as in production) over
 *    the seeded stores. Every list endpoint, as the role that uses it, with typical filters and a
 *    search, its first page and a deep page (cursors followed), is asked REQUESTS times, alternating
 *    with the reference (GET /health/live on the same server); p50 / p99 of each, and the ratio of
 *    the p99s. Then the insurer issues a requested policy and files, approves and pays a claim (timed).
 * 4. Web pages in Chromium (playwright-core): from navigation to the first table row or figure.
 *
 * COUNTY_KEEP=1 keeps the seeded stores (and prints how to measure them again after a change:
 * COUNTY_REUSE_SQLITE=<dir>, COUNTY_REUSE_POSTGRES=<dir>, which skip the seeding).
 *
 * COUNTY_ONLY=<regular expression> measures only the endpoints whose names it matches.
 *
 * Configurations: COUNTY_STORES=sqlite,postgres (default both; PostgreSQL at PG_URL, default
 * postgres://postgres@127.0.0.1:5432/test, in schemas of their own, dropped afterwards).
 *
 * Run: npm run build && COUNTY_HOUSEHOLDS=100000 node dist/bench/county-scale.bench.js
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { ActingContext, executeCommand, loadState, newPersonalDataKey, SealingEventStore, SCHEMA_VERSION } from '@pangolin/application';
import { claimsDecider, Decider, giftDecider, householdDecider, money, nationalIdWithChecksum, paymentReferenceDecider, policyDecider, policyNumberDecider, productDecider, programmeDecider, streams } from '@pangolin/domain';
import { EventStore, NewEvent, PostgresEventStore, SqliteEventStore } from '@pangolin/event-store';
import { GiftAllocationRow, openReadDataSource, ReadStoreConfig } from '@pangolin/read-models';
import { HouseholdDataKeyRow, HouseholdKeyVault, openRecordsStore, UserAccount } from '@pangolin/records';
import { loadConfiguration } from '@pangolin/runtime';
import type { DataSource } from 'typeorm';
import { generateSigningKeyFile } from '../apps/api/src/cli/generate-signing-key';
import { hashPassword } from '../apps/api/src/auth/passwords';
import { allocationPipeline, settled } from './allocation-pipeline';
import { stopChild, waitForUrl } from './gifts-over-http.bench';
import { printMachine } from './machine';
import { BenchRow, formatMs, nowMs, percentile } from './stats';

const MAIN_JS = join(__dirname, '..', 'apps', 'api', 'src', 'main.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const COUNTY = '440305';
const TOWNS = 15;
const VILLAGES_PER_TOWN = 20;
const PREMIUM = money(5_000, 'CNY');
const DIRECT_GIFT = money(1_000, 'CNY');
export const INSURER = 'county-insurer';
const PASSWORD = 'county-bench-password';
/** Appends issued together: one group commit on SQLite. */
const BATCH = 1_000;
const REQUESTS = Number(process.env.COUNTY_REQUESTS ?? 200);
/** Pages followed to reach the deep page of a list. */
const DEEP_PAGES = Number(process.env.COUNTY_DEEP_PAGES ?? 20);

type StoreKind = 'sqlite' | 'postgres';

interface Sizes {
  households: number;
  programmeCovers: number;
  directGifts: number;
  /** Direct gifts paying a whole premium: their policies stay requested, for the issue check. */
  wholePremiumGifts: number;
  claims: number;
}

function sizesFor(households: number): Sizes {
  const scale = households / 100_000;
  return {
    households,
    programmeCovers: Math.round(10_000 * scale),
    directGifts: Math.round(20_000 * scale),
    wholePremiumGifts: Math.max(1, Math.round(100 * scale)),
    claims: Math.round(2_000 * scale),
  };
}

export const villageCodes = Array.from({ length: TOWNS * VILLAGES_PER_TOWN }, (_, i) => `${COUNTY}${String(1 + Math.floor(i / VILLAGES_PER_TOWN)).padStart(3, '0')}${String(1 + (i % VILLAGES_PER_TOWN)).padStart(3, '0')}`);
const townOf = (village: string) => village.slice(0, 9);
const now = () => new Date().toISOString();
const today = () => now().slice(0, 10);

function event(type: string, data: unknown, context: ActingContext): NewEvent {
  return { eventId: randomUUID(), type, data, metadata: { actor: context.actor, correlationId: context.correlationId, causationId: context.causationId, occurredAt: now(), schemaVersion: SCHEMA_VERSION } };
}

/** The events `decider` decides for `commands` in turn, from `state` (a new stream's initial state by default). */
export function decideAll<C, S, E extends { type: string; data: unknown }>(decider: Decider<C, S, E, unknown>, commands: C[], context: ActingContext, state: S = decider.initialState()): NewEvent[] {
  const events: NewEvent[] = [];
  for (const command of commands) {
    const decided = decider.decide(command, state);
    for (const decidedEvent of decided) state = decider.evolve(state, decidedEvent);
    events.push(...decided.map((decidedEvent) => event(decidedEvent.type, decidedEvent.data, context)));
  }
  return events;
}

/** Runs `work` over `items` BATCH at a time, each batch's appends issued together. */
export async function inBatches<T>(items: T[], work: (item: T, index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH) {
    await Promise.all(items.slice(start, start + BATCH).map((item, offset) => work(item, start + offset)));
  }
}

interface Seeded {
  productId: string;
  programmeId: string;
  programmeGiftId: string;
  donorIds: string[];
  users: Record<'countyGov' | 'townGov' | 'insurer' | 'donor' | 'auditor' | 'admin', string>;
  aHouseholdId: string;
  phases: [string, number][];
  events: bigint;
}

interface Stores {
  kind: StoreKind;
  raw: EventStore;
  db: DataSource;
  /** The records store (logins, household keys), where the server will find them. */
  records: DataSource;
  serverEnv: NodeJS.ProcessEnv;
  cleanUp(): Promise<void>;
}

async function openStores(kind: StoreKind, dir: string): Promise<Stores> {
  if (kind === 'sqlite') {
    const raw = SqliteEventStore.open(join(dir, 'events.sqlite'));
    const db = await openReadDataSource({ type: 'sqlite', path: join(dir, 'read.sqlite') });
    const records = await openRecordsStore({ type: 'sqlite', path: join(dir, 'records.sqlite') });
    return { kind, raw, db, records, serverEnv: {}, cleanUp: async () => undefined };
  }
  const suffix = `${process.pid}_${Date.now()}`;
  const [eventSchema, readSchema] = [`county_events_${suffix}`, `county_read_${suffix}`];
  const raw = await PostgresEventStore.connect(PG_URL, { schema: eventSchema });
  const readConfig: ReadStoreConfig = { type: 'postgres', url: PG_URL, schema: readSchema };
  const db = await openReadDataSource(readConfig);
  // The schema the server derives from READ_DB_SCHEMA for its records store.
  const recordsSchema = `${readSchema}_records`;
  const records = await openRecordsStore({ ...readConfig, schema: recordsSchema });
  const keyFile = join(dir, 'signing.key');
  generateSigningKeyFile(keyFile);
  return {
    kind,
    raw,
    db,
    records,
    serverEnv: { EVENT_STORE: 'postgres', EVENT_STORE_URL: PG_URL, EVENT_STORE_SCHEMA: eventSchema, READ_DB: 'postgres', READ_DB_URL: PG_URL, READ_DB_SCHEMA: readSchema, TRANSPARENCY_SIGNING_KEY_FILE: keyFile },
    async cleanUp() {
      const client = new Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${eventSchema} CASCADE; DROP SCHEMA IF EXISTS ${readSchema} CASCADE; DROP SCHEMA IF EXISTS ${recordsSchema} CASCADE`);
      await client.end();
    },
  };
}

/**
 * Gives PostgreSQL's planner the statistics of the freshly loaded tables, as autovacuum does on a
 * server where it is on (on this machine's it is off; without statistics the planner takes a
 * county for a hundred rows and, e.g., reads and sorts all of its households for one page).
 */
async function analyze(schemas: string[]): Promise<void> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ schemaname: string; tablename: string }>('SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY($1)', [schemas]);
    for (const { schemaname, tablename } of rows) await client.query(`ANALYZE "${schemaname}"."${tablename}"`);
  } finally {
    await client.end();
  }
}

export async function createLogins(db: DataSource): Promise<Seeded['users'] & { donorIds: string[] }> {
  const accounts = [
    { username: 'county.gov', role: 'government', regionCode: COUNTY },
    { username: 'town.gov', role: 'government', regionCode: `${COUNTY}001` },
    { username: 'county.insurer', role: 'insurer', insurerId: INSURER },
    { username: 'county.donor', role: 'donor' },
    { username: 'county.auditor', role: 'auditor' },
    { username: 'county.admin', role: 'admin' },
  ];
  const ids: string[] = [];
  const passwordHash = await hashPassword(PASSWORD, loadConfiguration({ DATA_DIR: tmpdir() }).passwordHashCost);
  for (const account of accounts) {
    const userId = randomUUID();
    ids.push(userId);
    await db.getRepository(UserAccount).insert({ userId, username: account.username, displayName: account.username, role: account.role as never, insurerId: account.insurerId ?? null, regionCode: account.regionCode ?? null, passwordHash, creationFingerprint: null });
  }
  // The signed-in donor's gifts are the programme gift and 1 in 20 of the direct gifts; 19 other donors give the rest.
  return { countyGov: 'county.gov', townGov: 'town.gov', insurer: 'county.insurer', donor: 'county.donor', auditor: 'county.auditor', admin: 'county.admin', donorIds: [ids[3]!, ...Array.from({ length: 19 }, () => randomUUID())] };
}

async function seed(stores: Stores, sizes: Sizes): Promise<Seeded> {
  const { raw, db, records } = stores;
  const store = new SealingEventStore(raw, new HouseholdKeyVault(records));
  const { projections, allocation } = allocationPipeline(store, db, records);
  const phases: [string, number][] = [];
  let phaseStarted = nowMs();
  const phase = (name: string) => {
    phases.push([name, nowMs() - phaseStarted]);
    console.log(`  ${name}: ${((nowMs() - phaseStarted) / 1000).toFixed(1)} s`);
    phaseStarted = nowMs();
  };
  const government: ActingContext = { actor: 'government:county-bench', correlationId: 'county-bench', causationId: 'county-bench' };
  const insurer: ActingContext = { actor: 'insurer:county-bench', correlationId: 'county-bench', causationId: 'county-bench' };
  try {
    const logins = await createLogins(records);
    const { donorIds, ...users } = logins;
    const [productId, programmeId] = [randomUUID(), randomUUID()];
    const terms = { name: 'County cover', coverageKind: 'accident-illness' as const, annualPremium: PREMIUM, sumInsured: money(2_000_000, 'CNY'), waitingPeriodDays: 0, termDays: 365 };
    await executeCommand(store, productDecider, streams.product(productId), { type: 'PublishProduct', data: { productId, insurerId: INSURER, terms, now: now() } }, government);
    await executeCommand(store, programmeDecider, streams.programme(programmeId), { type: 'LaunchProgramme', data: { programmeId, name: 'County programme', regionCode: COUNTY, productId, launcherRegion: COUNTY, now: now() } }, government);

    // Households: registered in their village by the county, every other one verified eligible.
    const householdIds = Array.from({ length: sizes.households }, () => randomUUID());
    await registerHouseholds(store, records, householdIds, (i) => i % 2 === 0, government);
    phase(`${sizes.households.toLocaleString('en-US')} households registered (${(sizes.households / 2).toLocaleString('en-US')} verified eligible), appended`);

    await projections.start();
    await projections.caughtUpTo(await store.headPosition());
    phase('projections caught up over the households');
    await allocation.start();

    // The programme gift: the process manager allocates it to the first uncovered eligible households.
    const programmeGiftId = randomUUID();
    const donorOf = (giftIndex: number) => donorIds[giftIndex % 20]!;
    const giftEvents = (giftId: string, donorId: string, amount: { amount: number; currency: string }, target: unknown) =>
      decideAll(giftDecider as never, [
        { type: 'PledgeGift', data: { giftId, donorId, amount, target, remainder: 'refund', now: now() } },
        { type: 'ConfirmPayment', data: { giftId, paymentReference: `PAY-${giftId}`, amount, now: now() } },
      ], { actor: `donor:${donorId}`, correlationId: giftId, causationId: giftId });
    const reservePayment = (giftId: string) =>
      store.append(streams.paymentReference(`PAY-${giftId}`), 'no-stream', decideAll(paymentReferenceDecider as never, [{ type: 'ReservePaymentReference', data: { paymentReference: `PAY-${giftId}`, giftId, now: now() } }], { actor: 'donor', correlationId: giftId, causationId: giftId }));
    await reservePayment(programmeGiftId);
    await store.append(streams.gift(programmeGiftId), 'no-stream', giftEvents(programmeGiftId, donorIds[0]!, money(sizes.programmeCovers * PREMIUM.amount, 'CNY'), { kind: 'programme', programmeId, regionCode: COUNTY, productId }));
    await settled(store, allocation, projections);
    phase(`programme gift allocated to ${sizes.programmeCovers.toLocaleString('en-US')} households (process manager), projected`);

    // Direct gifts, to eligible households the programme did not reach (it takes the earliest verified).
    const directTargets = Array.from({ length: sizes.directGifts }, (_, k) => householdIds[2 * (sizes.programmeCovers + k)]!);
    await inBatches(directTargets, async (householdId, k) => {
      const giftId = randomUUID();
      const amount = k < sizes.wholePremiumGifts ? PREMIUM : DIRECT_GIFT;
      await reservePayment(giftId);
      await store.append(streams.gift(giftId), 'no-stream', giftEvents(giftId, donorOf(k + 1), amount, { kind: 'household', householdId, productId }));
    });
    await settled(store, allocation, projections);
    phase(`${sizes.directGifts.toLocaleString('en-US')} direct gifts paid, allocated, projected`);

    // The insurer issues the programme's policies; claims on the first of them.
    const programmePolicies = await policiesOfGift(db, programmeGiftId);
    await issuePolicies(store, programmePolicies, insurer);
    await settled(store, allocation, projections);
    phase(`${programmePolicies.length.toLocaleString('en-US')} policies issued`);

    await inBatches(programmePolicies.slice(0, sizes.claims), async (policyId, i) => {
      const { state, revision } = await loadState(store, claimsDecider, streams.policy(policyId));
      const claimId = randomUUID();
      const base = { policyId, claimId, insurerId: INSURER, now: now() };
      const commands: unknown[] = [{ type: 'FileClaim', data: { policyId, claimId, incidentDate: today(), kind: 'illness', amountClaimed: money(100_000 + (i % 50) * 1_000, 'CNY'), evidence: [`invoice-${i}.pdf`], filedBy: { role: 'government', id: 'county-bench' }, now: now() } }];
      const share = i % 20;
      if (share < 15) commands.push({ type: 'ApproveClaim', data: base });
      if (share < 10) commands.push({ type: 'PayClaim', data: { ...base, payoutReference: `PAYOUT-${claimId}` } });
      if (share >= 18) commands.push({ type: 'RejectClaim', data: { ...base, reason: 'not covered' } });
      await store.append(streams.policy(policyId), revision, decideAll(claimsDecider as never, commands as never[], government, state as never));
    });
    await settled(store, allocation, projections);
    phase(`${sizes.claims.toLocaleString('en-US')} claims filed and decided`);

    return { productId, programmeId, programmeGiftId, donorIds, users, aHouseholdId: householdIds[0]!, phases, events: await store.headPosition() };
  } finally {
    await allocation.stop();
    await projections.stop();
  }
}

/**
 * Registers `householdIds` in the county's villages (the i-th in village i mod 300), verifying those
 * `verified(i)` picks eligible: their data keys first, a batch at a time in one transaction (the
 * vault creates one per transaction, on first use; the sealing store then finds each household's key
 * as the API's does), then each household's events decided and appended, BATCH appends at a time.
 */
export async function registerHouseholds(store: EventStore, records: DataSource, householdIds: string[], verified: (index: number) => boolean, government: ActingContext): Promise<void> {
  for (let start = 0; start < householdIds.length; start += BATCH) {
    const rows = householdIds.slice(start, start + BATCH).map((householdId) => ({ householdId, key: newPersonalDataKey().toString('base64'), createdAt: now() }));
    await records.transaction((tx) => tx.insert(HouseholdDataKeyRow, rows));
  }
  await inBatches(householdIds, (householdId, i) => {
    const villageCode = villageCodes[i % villageCodes.length]!;
    const category = (['low-income', 'disabled', 'elderly-alone', 'orphan'] as const)[i % 4]!;
    const commands = [
      { type: 'RegisterHousehold' as const, data: { householdId, householdCode: `HH-${villageCode.slice(6)}-${String(i).padStart(6, '0')}`, villageCode, registrarRegion: COUNTY, category, personal: { headName: `Head ${i}`, headNationalId: nationalIdWithChecksum(`44030519800101${String(i % 1000).padStart(3, '0')}`), members: [], address: `Lane ${i}` }, nationalIdDigests: [], now: now() } },
      ...(verified(i) ? [{ type: 'VerifyEligibility' as const, data: { householdId, category, verifierRegion: COUNTY, now: now() } }] : []),
    ];
    return store.append(streams.household(householdId), 'no-stream', decideAll(householdDecider as never, commands, government));
  });
}

/** The insurer issues each of `policyIds` (requested), starting today, with policy numbers CTY-0000000 on; BATCH at a time. */
export async function issuePolicies(store: EventStore, policyIds: string[], insurer: ActingContext): Promise<void> {
  await inBatches(policyIds, async (policyId, i) => {
    const policyNumber = `CTY-${String(i).padStart(7, '0')}`;
    const { state, revision } = await loadState(store, policyDecider, streams.policy(policyId));
    const household = (state as { householdId?: string }).householdId!;
    await store.append(streams.policyNumber(INSURER, policyNumber), 'no-stream', decideAll(policyNumberDecider as never, [{ type: 'ReservePolicyNumber', data: { insurerId: INSURER, policyNumber, policyId, householdId: household, now: now() } }], insurer));
    await store.append(streams.policy(policyId), revision, decideAll(policyDecider as never, [{ type: 'IssuePolicy', data: { policyId, insurerId: INSURER, policyNumber, startDate: today(), startWindowDays: 30, now: now() } }], insurer, state as never));
  });
}

export async function policiesOfGift(db: DataSource, giftId: string): Promise<string[]> {
  return (await db.manager.find(GiftAllocationRow, { where: { giftId }, select: { policyId: true } })).map((row) => row.policyId);
}

// ---------------------------------------------------------------- counts from the event log

interface EventCounts {
  registered: Map<string, number>;
  eligible: Map<string, number>;
  covered: Map<string, number>;
  received: number;
  allocated: number;
  claimsPaid: number;
  claimsByState: Record<string, number>;
  policiesActive: number;
}

/** Counts made from the log alone, per town (and the county as the sum), to hold the dashboards to. */
async function countFromEvents(store: EventStore): Promise<EventCounts> {
  const villageOf = new Map<string, string>();
  const eligible = new Set<string>();
  const covered = new Set<string>();
  const claimState = new Map<string, string>();
  const counts: EventCounts = { registered: new Map(), eligible: new Map(), covered: new Map(), received: 0, allocated: 0, claimsPaid: 0, claimsByState: {}, policiesActive: 0 };
  let after = 0n;
  for (;;) {
    const events = await store.readAll({ after, limit: 10_000 });
    if (events.length === 0) break;
    after = events[events.length - 1]!.position;
    for (const { type, data } of events) {
      const d = data as Record<string, never>;
      if (type === 'HouseholdRegistered') villageOf.set(d.householdId, d.villageCode);
      else if (type === 'HouseholdEligibilityVerified') eligible.add(d.householdId);
      else if (type === 'HouseholdEligibilityRevoked') eligible.delete(d.householdId);
      else if (type === 'PolicyIssued') covered.add(d.householdId);
      else if (type === 'PolicyExpired' || type === 'PolicyCancelled') covered.delete(d.householdId);
      else if (type === 'GiftPaymentConfirmed') counts.received += (d.amount as { amount: number }).amount;
      else if (type === 'GiftAllocated') counts.allocated += (d.amount as { amount: number }).amount;
      else if (type === 'ClaimPaid') counts.claimsPaid += (d.amount as { amount: number }).amount;
      if (type === 'ClaimFiled') claimState.set(d.claimId, 'filed');
      if (type === 'ClaimApproved') claimState.set(d.claimId, 'approved');
      if (type === 'ClaimRejected') claimState.set(d.claimId, 'rejected');
      if (type === 'ClaimPaid') claimState.set(d.claimId, 'paid');
    }
  }
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const [householdId, village] of villageOf) {
    bump(counts.registered, townOf(village));
    if (eligible.has(householdId)) bump(counts.eligible, townOf(village));
    if (covered.has(householdId)) bump(counts.covered, townOf(village));
  }
  for (const state of claimState.values()) counts.claimsByState[state] = (counts.claimsByState[state] ?? 0) + 1;
  counts.policiesActive = covered.size;
  return counts;
}

// ---------------------------------------------------------------- the platform over HTTP

export interface Server {
  url: string;
  child: ChildProcess;
  readyMs: number;
}

/** `nodeArgs`: options for the platform's Node.js, e.g. --cpu-prof. */
export async function startServer(dataDir: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<Server> {
  const started = nowMs();
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', SEED_DEMO: 'false', EVENT_STORE: 'sqlite', READ_DB: 'sqlite', LOGIN_MAX_FAILURES_PER_ADDRESS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Opening a large embedded read database (its backfills, its schema) may take a while.
  const url = await waitForUrl(child, /Pangolin is serving (http:\/\/127\.0\.0\.1:\d+)/, 'platform', 600_000);
  // Ready: the workers (projections, Merkle log) have caught up with the seeded log.
  while ((await fetch(`${url}/health/ready`)).status !== 200) await sleep(200);
  return { url, child, readyMs: nowMs() - started };
}

export async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (!response.ok) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken?: string; token?: string }).accessToken ?? '';
}

export async function getJson(url: string, path: string, token?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

interface Endpoint {
  name: string;
  role: string;
  path: string;
  token?: string;
}

/** The path of the page DEEP_PAGES pages in (cursors followed), or of the last page if the list is shorter. */
async function deepPath(url: string, path: string, token?: string): Promise<{ path: string; depth: number }> {
  let current = path;
  let depth = 0;
  for (; depth < DEEP_PAGES; depth++) {
    const { status, body } = await getJson(url, current, token);
    if (status !== 200) throw new Error(`GET ${current}: ${status} ${JSON.stringify(body)}`);
    const next = (body as { nextCursor?: string | null }).nextCursor;
    if (!next) break;
    current = `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(next)}`;
  }
  return { path: current, depth };
}

interface Timing {
  name: string;
  role: string;
  p50: number;
  p99: number;
  refP50: number;
  refP99: number;
  items: number | string;
}

/** REQUESTS requests of the endpoint, each followed by one of the reference route; p50 / p99 of both. */
async function measure(url: string, endpoint: Endpoint): Promise<Timing> {
  const first = await getJson(url, endpoint.path, endpoint.token);
  if (first.status !== 200) throw new Error(`GET ${endpoint.path} as ${endpoint.role}: ${first.status} ${JSON.stringify(first.body)}`);
  const items = (first.body as { items?: unknown[] }).items?.length ?? 'n/a';
  const headers = endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : undefined;
  const [samples, reference]: number[][] = [[], []];
  for (let i = 0; i < REQUESTS; i++) {
    let started = nowMs();
    const response = await fetch(`${url}${endpoint.path}`, { headers });
    await response.arrayBuffer();
    samples.push(nowMs() - started);
    started = nowMs();
    await (await fetch(`${url}/health/live`)).arrayBuffer();
    reference.push(nowMs() - started);
  }
  return { name: endpoint.name, role: endpoint.role, p50: percentile(samples, 50), p99: percentile(samples, 99), refP50: percentile(reference, 50), refP99: percentile(reference, 99), items };
}

function endpointsFor(seeded: Seeded, tokens: Record<keyof Seeded['users'], string>): Endpoint[] {
  const { productId, programmeId, programmeGiftId } = seeded;
  const town = `${COUNTY}001`;
  const village = `${COUNTY}007013`;
  return [
    { name: 'households/uncovered (county)', role: 'public', path: `/households/uncovered?region=${COUNTY}&productId=${productId}` },
    { name: 'households/uncovered (village, category)', role: 'public', path: `/households/uncovered?region=${village}&productId=${productId}&category=disabled` },
    { name: 'households/uncovered (code search)', role: 'public', path: `/households/uncovered?region=${COUNTY}&productId=${productId}&code=HH-007013-0` },
    { name: 'government/households (county)', role: 'government, county', path: `/government/households?region=${COUNTY}`, token: tokens.countyGov },
    { name: 'government/households (eligible, not covered)', role: 'government, county', path: `/government/households?region=${COUNTY}&eligible=true&covered=false`, token: tokens.countyGov },
    { name: 'government/households (code search)', role: 'government, county', path: `/government/households?code=HH-001005-00`, token: tokens.countyGov },
    { name: 'government/households (town)', role: 'government, town', path: `/government/households?region=${town}`, token: tokens.townGov },
    { name: 'government/dashboard (county)', role: 'government, county', path: `/government/dashboard?region=${COUNTY}`, token: tokens.countyGov },
    { name: 'government/dashboard (town)', role: 'government, town', path: `/government/dashboard?region=${town}`, token: tokens.townGov },
    { name: `households/:id`, role: 'government, county', path: `/households/${seeded.aHouseholdId}`, token: tokens.countyGov },
    { name: 'donor/gifts', role: 'donor', path: '/donor/gifts', token: tokens.donor },
    { name: 'donor/gifts (household gifts, settled)', role: 'donor', path: '/donor/gifts?targetKind=household&status=settled', token: tokens.donor },
    { name: 'gifts/:id/allocations (programme gift)', role: 'donor', path: `/gifts/${programmeGiftId}/allocations`, token: tokens.donor },
    { name: 'gifts/:id (programme gift)', role: 'donor', path: `/gifts/${programmeGiftId}`, token: tokens.donor },
    { name: 'insurer/policies', role: 'insurer', path: '/insurer/policies', token: tokens.insurer },
    { name: 'insurer/policies (active, town)', role: 'insurer', path: `/insurer/policies?status=active&region=${town}`, token: tokens.insurer },
    { name: 'insurer/policies (requested)', role: 'insurer', path: '/insurer/policies?status=requested', token: tokens.insurer },
    { name: 'insurer/policies (search)', role: 'insurer', path: '/insurer/policies?search=CTY-00001', token: tokens.insurer },
    { name: 'insurer/claims (queue)', role: 'insurer', path: '/insurer/claims?state=filed,approved', token: tokens.insurer },
    { name: 'insurer/claims', role: 'insurer', path: '/insurer/claims', token: tokens.insurer },
    { name: 'insurer/dashboard', role: 'insurer', path: '/insurer/dashboard', token: tokens.insurer },
    { name: 'insurer/loss-ratio', role: 'insurer', path: '/insurer/loss-ratio', token: tokens.insurer },
    { name: 'insurer/indicators', role: 'insurer', path: '/insurer/indicators', token: tokens.insurer },
    { name: 'insurer/promptness/claims (late)', role: 'insurer', path: '/insurer/promptness/claims?late=true', token: tokens.insurer },
    { name: 'government/indicators (county)', role: 'government, county', path: `/government/indicators?region=${COUNTY}`, token: tokens.countyGov },
    { name: 'government/promptness/insurers (county)', role: 'government, county', path: `/government/promptness/insurers?region=${COUNTY}`, token: tokens.countyGov },
    { name: 'government/promptness/claims (county, late)', role: 'government, county', path: `/government/promptness/claims?region=${COUNTY}&late=true`, token: tokens.countyGov },
    { name: 'products', role: 'public', path: '/products' },
    { name: 'programmes (county)', role: 'public', path: `/programmes?region=${COUNTY}&productId=${productId}` },
    { name: 'public/totals', role: 'public', path: '/public/totals' },
    { name: 'public/programmes', role: 'public', path: '/public/programmes' },
    { name: 'ledger', role: 'auditor', path: '/ledger', token: tokens.auditor },
    { name: 'ledger (escrow:gift:)', role: 'auditor', path: '/ledger?account=escrow:gift:', token: tokens.auditor },
    { name: 'ledger/gifts/:id (programme gift)', role: 'auditor', path: `/ledger/gifts/${programmeGiftId}`, token: tokens.auditor },
    { name: 'transparency/checkpoints', role: 'public', path: '/transparency/checkpoints' },
    { name: 'admin/parked-events', role: 'admin', path: '/admin/parked-events', token: tokens.admin },
    { name: `programme ${programmeId.slice(0, 8)}: gifts/:id/refunds`, role: 'auditor', path: `/gifts/${programmeGiftId}/refunds`, token: tokens.auditor },
  ];
}

const DEEP = new Set(['households/uncovered (county)', 'government/households (county)', 'government/households (eligible, not covered)', 'donor/gifts', 'gifts/:id/allocations (programme gift)', 'insurer/policies', 'insurer/policies (active, town)', 'insurer/claims', 'ledger', 'ledger/gifts/:id (programme gift)']);

// ---------------------------------------------------------------- dashboards against the log

function compareTotals(counts: EventCounts, county: Record<string, unknown>, claimsByState: Record<string, { count: number }>, publicTotals: Record<string, unknown>): string[] {
  const differences: string[] = [];
  const lines: string[] = [];
  const check = (what: string, dashboard: unknown, log: number) => {
    lines.push(`  ${what}: dashboard ${dashboard}, event log ${log}${dashboard === log ? '' : '  <-- DIFFERS'}`);
    if (dashboard !== log) differences.push(what);
  };
  const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  check('county registered', county.registered, sum(counts.registered));
  check('county eligible', county.eligible, sum(counts.eligible));
  check('county covered', county.covered, sum(counts.covered));
  for (const child of county.children as { code: string; registered: number; eligible: number; covered: number }[]) {
    check(`town ${child.code} registered / eligible / covered`, `${child.registered}/${child.eligible}/${child.covered}` as never, `${counts.registered.get(child.code) ?? 0}/${counts.eligible.get(child.code) ?? 0}/${counts.covered.get(child.code) ?? 0}` as never);
  }
  const money = (county.money as { currency: string; received: number; allocated: number; claimsPaid: number }[]).find((m) => m.currency === 'CNY');
  check('county money received (fen)', money?.received, counts.received);
  check('county money allocated (fen)', money?.allocated, counts.allocated);
  check('county claims paid (fen)', money?.claimsPaid, counts.claimsPaid);
  for (const state of ['filed', 'approved', 'rejected', 'paid']) check(`county claims ${state}`, claimsByState[state]?.count ?? 0, counts.claimsByState[state] ?? 0);
  lines.push(`  public totals: ${JSON.stringify(publicTotals).slice(0, 400)}`);
  console.log(lines.join('\n'));
  return differences;
}

// ---------------------------------------------------------------- web pages

interface PageTiming {
  page: string;
  ms: number;
}

async function webPages(url: string): Promise<PageTiming[]> {
  if (!existsSync(CHROMIUM)) {
    console.log(`(no Chromium at ${CHROMIUM}: web pages not measured)`);
    return [];
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const timings: PageTiming[] = [];
  try {
    const pages: [string, string | undefined, string, string][] = [
      ['public', undefined, '/#/', '.stat-value'],
      ['government (county)', 'county.gov', '/#/government', 'table tbody tr'],
      ['government (town)', 'town.gov', '/#/government', 'table tbody tr'],
      ['insurer', 'county.insurer', '/#/insurer', 'table tbody tr'],
      ['donor', 'county.donor', '/#/donor', 'table tbody tr, li'],
      ['ledger', 'county.auditor', '/#/ledger', 'table tbody tr'],
    ];
    for (const [name, username, path, selector] of pages) {
      const context = await browser.newContext({ baseURL: url, locale: 'en', viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      if (username) {
        await page.goto('/#/sign-in');
        await page.locator('#sign-in').getByLabel(/^Username$/).fill(username);
        await page.locator('#sign-in').getByLabel(/^Password$/).fill(PASSWORD);
        await page.locator('#sign-in').getByRole('button', { name: /^Sign in$/ }).click();
        await page.waitForURL((address) => !address.hash.includes('sign-in'));
        await page.goto('about:blank');
      }
      const samples: number[] = [];
      try {
        for (let round = 0; round < 5; round++) {
          const started = nowMs();
          await page.goto(`${url}${path}`);
          await page.locator(selector).first().waitFor({ state: 'visible', timeout: 30_000 });
          samples.push(nowMs() - started);
          await page.goto('about:blank');
        }
        timings.push({ page: name, ms: percentile(samples, 50) });
      } catch (error) {
        // A page that shows no data is a finding, not a reason to lose the other pages' figures.
        console.log(`    ${name}: showed no data (${selector}) within 30 s: ${String(error).split('\n')[0]}`);
        timings.push({ page: name, ms: Number.NaN });
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return timings;
}

// ---------------------------------------------------------------- the insurer at that size

async function insurerWorks(url: string, token: string): Promise<[string, number][]> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const started = nowMs();
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return { ms: nowMs() - started, body: JSON.parse(text) as Record<string, string> };
  };
  const requested = (await getJson(url, '/insurer/policies?status=requested&limit=1', token)).body as { items: { policyId: string }[] };
  const policyId = requested.items[0]!.policyId;
  const issued = await post(`/policies/${policyId}/issue`, { policyNumber: `CTY-CHECK-${Date.now()}`, startDate: today() });
  const filed = await post(`/policies/${policyId}/claims`, { incidentDate: today(), kind: 'accident', amountClaimed: { amount: 50_000, currency: 'CNY' }, evidence: ['check.pdf'] });
  const claimId = filed.body.claimId!;
  const approved = await post(`/policies/${policyId}/claims/${claimId}/approve`, {});
  const paid = await post(`/policies/${policyId}/claims/${claimId}/payment`, { payoutReference: `CHECK-${claimId}` });
  return [['issue a requested policy', issued.ms], ['file a claim', filed.ms], ['approve it', approved.ms], ['pay it', paid.ms]];
}

// ---------------------------------------------------------------- one configuration

/** What a kept configuration (COUNTY_KEEP=1) leaves for a later run to measure again (COUNTY_REUSE_<STORE>=<dir>). */
interface Kept {
  seeded: Seeded;
  serverEnv: NodeJS.ProcessEnv;
}

async function runConfiguration(kind: StoreKind, sizes: Sizes): Promise<{ rows: BenchRow[]; differences: string[] }> {
  const reuse = process.env[`COUNTY_REUSE_${kind.toUpperCase()}`];
  const keep = process.env.COUNTY_KEEP === '1' || reuse !== undefined;
  const dir = reuse ?? mkdtempSync(join(tmpdir(), `pangolin-bench-county-${kind}-`));
  const rows: BenchRow[] = [];
  let server: Server | undefined;
  let cleanUp = async () => undefined as unknown;
  try {
    let seeded: Seeded;
    let counts: EventCounts;
    let serverEnv: NodeJS.ProcessEnv;
    if (reuse) {
      const kept = JSON.parse(readFileSync(join(dir, 'kept.json'), 'utf8'), (key, value) => (key === 'events' ? BigInt(value) : value)) as Kept;
      ({ seeded, serverEnv } = kept);
      // Counted again: an earlier measurement issued a policy and paid a claim.
      const raw = kind === 'sqlite' ? SqliteEventStore.open(join(dir, 'events.sqlite')) : await PostgresEventStore.connect(PG_URL, { schema: serverEnv.EVENT_STORE_SCHEMA });
      counts = await countFromEvents(raw);
      await raw.close();
      console.log(`### ${kind === 'sqlite' ? 'Embedded (SQLite)' : 'PostgreSQL'}: the county kept in ${dir} (${seeded.events.toLocaleString('en-US')} events)`);
    } else {
      const stores = await openStores(kind, dir);
      cleanUp = stores.cleanUp;
      console.log(`### ${kind === 'sqlite' ? 'Embedded (SQLite)' : 'PostgreSQL'}: seeding ${sizes.households.toLocaleString('en-US')} households`);
      const seedStarted = nowMs();
      seeded = await seed(stores, sizes);
      console.log(`  seeded ${seeded.events.toLocaleString('en-US')} events in ${((nowMs() - seedStarted) / 1000).toFixed(1)} s`);
      counts = await countFromEvents(stores.raw);
      serverEnv = stores.serverEnv;
      await stores.raw.close();
      await stores.db.destroy();
      await stores.records.destroy();
      if (keep) {
        const kept: Kept = { seeded, serverEnv };
        writeFileSync(join(dir, 'kept.json'), JSON.stringify(kept, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)));
        console.log(`  kept: measure it again with COUNTY_REUSE_${kind.toUpperCase()}=${dir}`);
      }
    }

    if (kind === 'postgres') await analyze([serverEnv.EVENT_STORE_SCHEMA!, serverEnv.READ_DB_SCHEMA!]);
    server = await startServer(dir, serverEnv);
    console.log(`  platform started and ready (its Merkle log caught up with the seeded log) in ${(server.readyMs / 1000).toFixed(1)} s`);
    const tokens = Object.fromEntries(await Promise.all(Object.entries(seeded.users).map(async ([key, username]) => [key, await login(server!.url, username)]))) as Record<keyof Seeded['users'], string>;

    console.log('\n  dashboards against the event log:');
    const county = (await getJson(server.url, `/government/dashboard?region=${COUNTY}`, tokens.countyGov)).body as Record<string, unknown>;
    const claimsByState = (county.claims as { byState: Record<string, { count: number }> }).byState;
    const publicTotals = (await getJson(server.url, '/public/totals')).body as Record<string, unknown>;
    const differences = compareTotals(counts, county, claimsByState, publicTotals);

    console.log(`\n  list endpoints, ${REQUESTS} requests each alternating with GET /health/live (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
    console.log('  | endpoint | as | page | items | p50 | p99 | reference p50 / p99 | p99 ratio |');
    console.log('  | --- | --- | --- | --- | --- | --- | --- | --- |');
    let worst = 0;
    // COUNTY_ONLY=<regular expression>: only the endpoints it matches (to measure one change again).
    const only = process.env.COUNTY_ONLY ? new RegExp(process.env.COUNTY_ONLY) : undefined;
    for (const endpoint of endpointsFor(seeded, tokens).filter((e) => !only || only.test(e.name))) {
      const variants: [string, Endpoint][] = [['first', endpoint]];
      if (DEEP.has(endpoint.name)) {
        const { path, depth } = await deepPath(server.url, endpoint.path, endpoint.token);
        if (depth > 0) variants.push([`page ${depth + 1}`, { ...endpoint, path }]);
      }
      for (const [page, variant] of variants) {
        const t = await measure(server.url, variant);
        worst = Math.max(worst, t.p99);
        console.log(`  | ${t.name} | ${t.role} | ${page} | ${t.items} | ${formatMs(t.p50)} | ${formatMs(t.p99)}${t.p99 > 50 ? ' (over 50 ms)' : ''} | ${formatMs(t.refP50)} / ${formatMs(t.refP99)} | ${(t.p99 / t.refP99).toFixed(1)}x |`);
        rows.push({ benchmark: `county, ${kind}`, scenario: `${t.name}, ${page} page`, measured: `${REQUESTS} requests`, throughput: '', latencyOf: `GET as ${t.role}`, p50: formatMs(t.p50), p99: formatMs(t.p99), notes: `/health/live ${formatMs(t.refP50)} / ${formatMs(t.refP99)}` });
      }
    }
    console.log(`  slowest p99: ${formatMs(worst)}`);

    console.log('\n  the insurer at this size:');
    for (const [what, ms] of await insurerWorks(server.url, tokens.insurer)) console.log(`    ${what}: ${formatMs(ms)}`);

    console.log(`\n  web pages, from navigation to the first row or figure (median of 5; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
    for (const { page, ms } of await webPages(server.url)) {
      console.log(`    ${page}: ${formatMs(ms)}${ms > 1500 ? ' (over 1.5 s)' : ''}`);
      rows.push({ benchmark: `county, ${kind}`, scenario: `web page ${page}`, measured: '5 loads', throughput: '', latencyOf: 'navigation -> data shown', p50: formatMs(ms), p99: 'n/a', notes: '' });
    }
    return { rows, differences };
  } finally {
    if (server) await stopChild(server.child);
    if (!keep) {
      await cleanUp();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

export async function runCountyScale(options: { printMachine?: boolean; households?: number; stores?: StoreKind[] } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  const households = options.households ?? Number(process.env.COUNTY_HOUSEHOLDS ?? 100_000);
  const kinds = options.stores ?? ((process.env.COUNTY_STORES ?? 'sqlite,postgres').split(',') as StoreKind[]);
  const sizes = sizesFor(households);
  console.log(`## County scale: ${households.toLocaleString('en-US')} households, ${sizes.programmeCovers.toLocaleString('en-US')} covered by a programme gift, ${sizes.directGifts.toLocaleString('en-US')} direct gifts, ${sizes.claims.toLocaleString('en-US')} claims\n`);
  const rows: BenchRow[] = [];
  const differences: string[] = [];
  for (const kind of kinds) {
    const result = await runConfiguration(kind, sizes);
    rows.push(...result.rows);
    differences.push(...result.differences.map((d) => `${kind}: ${d}`));
    console.log('');
  }
  if (differences.length) {
    console.error(`dashboards differ from the event log: ${differences.join('; ')}`);
    process.exitCode = 1;
  }
  return rows;
}

if (require.main === module) {
  runCountyScale().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
