import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeCommand, PremiumAllocationProcess } from '@pangolin/application';
import { giftDecider, paymentReferenceDecider, nationalIdWithChecksum, streams } from '@pangolin/domain';
import { EventStore, SqliteEventStore } from '@pangolin/event-store';
import { giftsHoldingMoneyFor, programmeCandidates, openReadDataSource } from '@pangolin/read-models';
import { DEMO } from '../apps/api/src/demo/seed-demo';
import { EVENT_STORE, loadConfiguration } from '@pangolin/runtime';
import { ADMIN, ApiClient, cny, RunningPlatform, startPlatform } from './support/platform';
import { Child, kill, killAllChildren, startChild, stop } from './support/child-process';
import { caughtUp, eventually, settled as platformSettled, until } from './support/eventually';
import { rebuildReadModels } from '../apps/api/src/cli/rebuild-read-models';
import { ensureBuilt } from './support/build';

/**
 * Concurrency and crash recovery, against the real platform over HTTP:
 * - many gifts racing for one premium never over-fund it, and every fen is accounted for;
 * - a payment reference is one payment, however often and however concurrently it is posted;
 * - a process killed with SIGKILL between appending events and projecting them (or half-way through
 *   the premium allocation) loses nothing and doubles nothing once restarted, and the views it ends
 *   with are exactly those of a rebuild of the read database from the event log.
 *
 * No assertion is about time: waits only poll for readiness.
 */

// Child processes start, die and restart: a generous limit, for readiness only.
jest.setTimeout(120_000);

const DEMO_PASSWORD = 'pangolin-demo';
/** The demo product's premium (seed-demo.ts). */
const DEMO_PREMIUM = 5_000;
const PASSWORD = 'password-for-concurrency-tests';

interface Money {
  amount: number;
  currency: string;
}

interface GiftView {
  giftId: string;
  donorId: string;
  target: { kind: 'household' | 'programme'; householdId?: string; programmeId?: string; productId: string };
  remainderChoice: 'hold' | 'refund';
  status: string;
  pledged: Money;
  received: Money;
  allocated: Money;
  premiumRefundsCredited: Money;
  refunded: Money;
  held: Money;
  escrowBalance: Money;
  paymentReference: string | null;
  allocations: { allocationId: string; policyId: string; amount: Money }[];
}

interface LedgerView {
  total: { currency: string; total: number }[];
  balances: { account: string; currency: string; balance: number }[];
}

/** A gift as the API answers it: the first page of its allocations. */
type PagedGift = Omit<GiftView, 'allocations'> & { allocations: { items: GiftView['allocations']; nextCursor: string | null } };

/** A gift with every one of its allocations, following the allocations' own pages. */
async function withAllAllocations(donor: ApiClient, gift: PagedGift): Promise<GiftView> {
  return { ...gift, allocations: gift.allocations.nextCursor === null ? gift.allocations.items : await donor.list(`/gifts/${gift.giftId}/allocations`) };
}

/** A donor's gifts, every page of them, each with all of its allocations. */
async function giftsOf(donor: ApiClient): Promise<GiftView[]> {
  return Promise.all((await donor.list<PagedGift>('/donor/gifts')).map((gift) => withAllAllocations(donor, gift)));
}

async function giftOf(donor: ApiClient, giftId: string): Promise<GiftView> {
  return withAllAllocations(donor, await donor.read<PagedGift>(`/gifts/${giftId}`));
}

/** The ledger's totals and every page of its balances. */
async function ledgerOf(auditor: ApiClient): Promise<LedgerView> {
  const { total } = await auditor.read<{ total: LedgerView['total'] }>('/ledger');
  return { total, balances: await auditor.list('/ledger') };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Every fen a gift received is allocated, refunded or still in escrow (held, for gifts whose donor chose 'hold'). */
function expectGiftAccountedFor(gift: GiftView) {
  expect(gift.received.amount).toBe(gift.allocated.amount + gift.refunded.amount + gift.escrowBalance.amount - gift.premiumRefundsCredited.amount);
  expect(gift.allocated.amount).toBeLessThanOrEqual(gift.received.amount);
  expect(sum(gift.allocations.map((allocation) => allocation.amount.amount))).toBe(gift.allocated.amount);
  if (gift.remainderChoice === 'refund') {
    expect(gift.held.amount).toBe(0);
    if (gift.received.amount > 0) expect(gift.escrowBalance.amount).toBe(0);
  } else {
    expect(gift.refunded.amount).toBe(0);
    expect(gift.held.amount).toBe(gift.escrowBalance.amount);
  }
}

/** The ledger sums to zero and every requested policy's premium account holds exactly its premium (paid once, from gifts). */
function expectLedgerSound(ledger: LedgerView, policies: { policyId: string; status: string; premium: Money }[], gifts: GiftView[]) {
  expect(ledger.total.map((row) => row.total)).toEqual(ledger.total.map(() => 0));
  const balance = (account: string) => ledger.balances.find((row) => row.account === account)?.balance ?? 0;
  for (const policy of policies.filter((p) => p.status === 'requested')) {
    expect({ policy: policy.policyId, premiumAccount: balance(`premium:policy:${policy.policyId}`) }).toEqual({ policy: policy.policyId, premiumAccount: policy.premium.amount });
    const fromGifts = sum(gifts.flatMap((gift) => gift.allocations.filter((a) => a.policyId === policy.policyId).map((a) => a.amount.amount)));
    expect({ policy: policy.policyId, fromGifts }).toEqual({ policy: policy.policyId, fromGifts: policy.premium.amount });
  }
  for (const gift of gifts) expect({ gift: gift.giftId, escrow: balance(`escrow:gift:${gift.giftId}`) }).toEqual({ gift: gift.giftId, escrow: gift.escrowBalance.amount });
}

// ---------------------------------------------------------------------------------------------
// In-process platform: concurrency
// ---------------------------------------------------------------------------------------------

interface Actors {
  admin: ApiClient;
  government: ApiClient;
  insurer: ApiClient;
  auditor: ApiClient;
  donors: ApiClient[];
}

async function actors(platform: RunningPlatform, donorCount: number): Promise<Actors> {
  const tag = randomUUID().slice(0, 8);
  const admin = await platform.api.login(ADMIN.username, ADMIN.password);
  const create = async (username: string, extra: Record<string, string>) => {
    await admin.ok('/users', { username, password: PASSWORD, displayName: username, ...extra });
    return platform.api.login(username, PASSWORD);
  };
  return {
    admin,
    government: await create(`gov-${tag}`, { role: 'government', regionCode: '440305' }),
    insurer: await create(`insurer-${tag}`, { role: 'insurer', insurerId: `insurer-${tag}` }),
    auditor: await create(`auditor-${tag}`, { role: 'auditor' }),
    donors: await Promise.all(Array.from({ length: donorCount }, (_, i) => create(`donor-${i}-${tag}`, { role: 'donor' }))),
  };
}

let householdSequence = 0;
async function eligibleHousehold(government: ApiClient): Promise<string> {
  householdSequence += 1;
  const { householdId } = await government.ok('/households', {
    villageCode: '440305001001',
    category: 'low-income',
    personal: { headName: `户主${householdSequence}`, headNationalId: nationalIdWithChecksum(`44030519700101${String(householdSequence).padStart(3, '0')}`), members: [], address: `测试村 ${householdSequence} 号` },
  });
  await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
  return householdId;
}

async function product(insurer: ApiClient, premium: number): Promise<string> {
  const { productId } = await insurer.ok('/products', {
    terms: { name: 'Concurrency cover', coverageKind: 'accident-illness', annualPremium: cny(premium), sumInsured: cny(premium * 100), waitingPeriodDays: 0, termDays: 365 },
  });
  return productId;
}

describe('50 concurrent gifts to one household', () => {
  let platform: RunningPlatform;
  afterAll(() => platform?.stop());

  it('fund its premium exactly once and account for every fen', async () => {
    platform = await startPlatform();
    const { government, insurer, auditor, donors } = await actors(platform, 5);
    const householdId = await eligibleHousehold(government);
    const PREMIUM = 10_000;
    const productId = await product(insurer, PREMIUM);

    // 50 gifts of 300..1_199 fen (about 37_000 in all, close to four premiums), half of them asking for a refund of what is not needed.
    const gifts = Array.from({ length: 50 }, (_, i) => ({
      donor: donors[i % donors.length],
      amount: 300 + ((i * 389) % 900),
      remainder: i % 2 === 0 ? ('refund' as const) : ('hold' as const),
      reference: `CONCURRENT-${i}-${randomUUID()}`,
    }));
    const given = await Promise.all(
      gifts.map(async (gift) => {
        const { giftId } = await gift.donor.ok('/gifts', { amount: cny(gift.amount), target: { kind: 'household', householdId, productId }, remainder: gift.remainder });
        await gift.donor.ok(`/gifts/${giftId}/payment`, { paymentReference: gift.reference, amount: cny(gift.amount) });
        return { ...gift, giftId };
      }),
    );
    const totalGiven = sum(gifts.map((gift) => gift.amount));
    expect(totalGiven).toBeGreaterThan(3 * PREMIUM);

    await platformSettled(platform);
    const views = {
      donorGifts: (await Promise.all(donors.map((donor) => giftsOf(donor)))).flat(),
      insurer: await insurer.read('/insurer/dashboard?asOf=2026-12-31'),
      policies: await insurer.list<{ policyId: string; householdId: string; status: string; premium: Money }>('/insurer/policies'),
      ledger: await ledgerOf(auditor),
      totals: await platform.api.read('/public/totals'),
    };

    // Every gift, as its donor sees it.
    expect(views.donorGifts).toHaveLength(50);
    const byId = new Map(views.donorGifts.map((gift) => [gift.giftId, gift]));
    for (const gift of given) {
      const view = byId.get(gift.giftId)!;
      expect(view).toMatchObject({ remainderChoice: gift.remainder, received: cny(gift.amount), paymentReference: gift.reference });
      expectGiftAccountedFor(view);
    }

    // One policy, requested once, for exactly the premium, paid by gifts for exactly the premium.
    const policies = views.policies;
    expect(views.insurer.policies.counts).toEqual({ requested: 1, active: 0, expired: 0, cancelled: 0 });
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ householdId, status: 'requested', premium: cny(PREMIUM) });
    const allocated = sum(views.donorGifts.map((gift) => gift.allocated.amount));
    expect(allocated).toBe(PREMIUM);
    expect(new Set(views.donorGifts.flatMap((gift) => gift.allocations.map((a) => a.policyId)))).toEqual(new Set([policies[0].policyId]));

    // What the premium did not need went back (refund) or stays in escrow (hold), as each donor chose.
    const refunded = sum(views.donorGifts.map((gift) => gift.refunded.amount));
    const held = sum(views.donorGifts.map((gift) => gift.escrowBalance.amount));
    expect(allocated + refunded + held).toBe(totalGiven);
    expect(views.donorGifts.filter((gift) => gift.refunded.amount > 0).every((gift) => gift.remainderChoice === 'refund')).toBe(true);
    expect(views.donorGifts.filter((gift) => gift.escrowBalance.amount > 0).every((gift) => gift.remainderChoice === 'hold')).toBe(true);
    expect(refunded).toBeGreaterThan(0);
    expect(held).toBeGreaterThan(0);

    // The ledger balances, and agrees with the donors' views.
    expect(views.ledger.total).toEqual([{ currency: 'CNY', total: 0 }]);
    expectLedgerSound(views.ledger, policies, views.donorGifts);

    // The public figures reconcile with all of it.
    expect(views.totals.platform).toMatchObject({ gifts: 50, donors: donors.length, householdsCovered: 0 });
    expect(views.totals.platform.money).toEqual([
      {
        currency: 'CNY',
        pledged: totalGiven,
        received: totalGiven,
        allocated: PREMIUM,
        paidToInsurers: 0,
        awaitingPolicyIssue: PREMIUM,
        premiumRefundsCredited: 0,
        refunded,
        heldInEscrow: held,
        claimsPaid: 0,
      },
    ]);
  });
});

describe('a payment reference', () => {
  let platform: RunningPlatform;
  let world: Actors;
  let householdId: string;
  let productId: string;
  beforeAll(async () => {
    platform = await startPlatform();
    world = await actors(platform, 2);
    householdId = await eligibleHousehold(world.government);
    productId = await product(world.insurer, 10_000);
  });
  afterAll(() => platform?.stop());

  const pledge = (donor: ApiClient, amount: number) =>
    donor.ok<{ giftId: string }>('/gifts', { amount: cny(amount), target: { kind: 'household', householdId, productId }, remainder: 'hold' }).then((body) => body.giftId);

  /** The payment events stored on the gift's stream, straight from the event log. */
  const paymentEvents = async (giftId: string) =>
    (await platform.app.get<EventStore>(EVENT_STORE).readStream(streams.gift(giftId))).filter((event) => event.type === 'GiftPaymentConfirmed');

  /** Ledger entries that took money from the donor into the gift: one per payment. */
  const receipts = async (giftId: string) =>
    (await world.auditor.list<{ account: string; amount: number }>(`/ledger/gifts/${giftId}`)).filter((entry) => entry.account.startsWith('donor:') && entry.amount < 0);

  it('posted twice, then ten times at once, on one gift is one payment', async () => {
    const [donor] = world.donors;
    const giftId = await pledge(donor, 2_500);
    const reference = `REPLAY-${randomUUID()}`;
    const pay = () => donor.post(`/gifts/${giftId}/payment`, { paymentReference: reference, amount: cny(2_500) });

    expect((await pay()).status).toBe(200);
    expect((await pay()).status).toBe(200);
    const concurrent = await Promise.all(Array.from({ length: 10 }, pay));
    expect(concurrent.map((response) => response.status)).toEqual(Array(10).fill(200));

    expect(await paymentEvents(giftId)).toHaveLength(1);
    await platformSettled(platform);
    const trace = await giftOf(donor, giftId);
    expect(trace).toMatchObject({ received: cny(2_500), paymentReference: reference });
    expect(trace.allocated.amount + trace.escrowBalance.amount).toBe(2_500);
    expect(await receipts(giftId)).toEqual([expect.objectContaining({ amount: -2_500 })]);
  });

  it('used on another gift is refused with 409, naming the reference', async () => {
    const [first, second] = world.donors;
    const paid = await pledge(first, 1_000);
    const reference = `TAKEN-${randomUUID()}`;
    await first.ok(`/gifts/${paid}/payment`, { paymentReference: reference, amount: cny(1_000) });

    const other = await pledge(second, 1_000);
    const refused = await second.post(`/gifts/${other}/payment`, { paymentReference: reference, amount: cny(1_000) });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(reference);
    expect(await paymentEvents(other)).toHaveLength(0);
    expect(await receipts(other)).toEqual([]);
    expect(await giftOf(second, other)).toMatchObject({ status: 'pledged', received: cny(0), paymentReference: null });

    // The refused gift can still be paid with a reference of its own.
    await second.ok(`/gifts/${other}/payment`, { paymentReference: `${reference}-OWN`, amount: cny(1_000) });
    expect(await paymentEvents(other)).toHaveLength(1);
  });

  it('raced on two gifts at once pays exactly one of them', async () => {
    const [first, second] = world.donors;
    const gifts = [await pledge(first, 700), await pledge(second, 700)];
    const reference = `RACE-${randomUUID()}`;
    const responses = await Promise.all([
      first.post(`/gifts/${gifts[0]}/payment`, { paymentReference: reference, amount: cny(700) }),
      second.post(`/gifts/${gifts[1]}/payment`, { paymentReference: reference, amount: cny(700) }),
    ]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    expect(responses.find((response) => response.status === 409)!.body.message).toContain(reference);
    const counts = await Promise.all(gifts.map(async (giftId) => (await paymentEvents(giftId)).length));
    expect(counts.sort()).toEqual([0, 1]);

    const ledger = await ledgerOf(world.auditor);
    expect(ledger.total).toEqual([{ currency: 'CNY', total: 0 }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Child processes: crash and recovery
// ---------------------------------------------------------------------------------------------

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pangolin-crash-'));
  dataDirs.push(dir);
  return dir;
}

const dataDirs: string[] = [];

/** Runs the built server (`node dist/apps/api/src/main.js`) on `dataDir` and a free port, with the demo seed. */
function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Child> {
  return startChild('dist/apps/api/src/main.js', { DATA_DIR: dataDir, SEED_DEMO: 'true', ...env }, /Pangolin is serving/);
}

interface DemoLogins {
  admin: ApiClient;
  li: ApiClient;
  wang: ApiClient;
  brightfuture: ApiClient;
  insurer: ApiClient;
  nanshan: ApiClient;
  baoan: ApiClient;
  auditor: ApiClient;
}

async function demoLogins(api: ApiClient): Promise<DemoLogins> {
  const login = (username: string) => api.login(username, DEMO_PASSWORD);
  return {
    admin: await login('admin'),
    li: await login('donor.li'),
    wang: await login('donor.wang'),
    brightfuture: await login('donor.brightfuture'),
    insurer: await login('insurer.anxin'),
    nanshan: await login('gov.nanshan'),
    baoan: await login('gov.baoan'),
    auditor: await login('auditor'),
  };
}

/**
 * Waits until the restarted platform has caught up with its log, by its own readiness report (every
 * projection and process manager at the head of the log, the head unmoved), then reads every view.
 */
async function settled(logins: DemoLogins): Promise<Snapshot> {
  await caughtUp(logins.admin);
  return snapshot(logins);
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** Every view, over HTTP. */
async function snapshot(logins: DemoLogins) {
  const [li, wang, brightfuture] = await Promise.all([logins.li, logins.wang, logins.brightfuture].map((donor) => giftsOf(donor)));
  return {
    publicTotals: await logins.li.read('/public/totals'),
    donorGifts: { li, wang, brightfuture },
    insurer: await logins.insurer.read('/insurer/dashboard?asOf=2026-12-31'),
    policies: await logins.insurer.list<{ policyId: string; householdId: string; status: string; premium: Money }>('/insurer/policies'),
    nanshan: await logins.nanshan.read('/government/dashboard?region=440305'),
    baoan: await logins.baoan.read('/government/dashboard?region=440306'),
    nanshanUncovered: await logins.nanshan.list('/government/households?eligible=true&covered=false'),
    uncovered: await logins.li.list(`/households/uncovered?region=44&productId=${DEMO.productId}`),
    programmes: await logins.li.list('/programmes'),
    products: await logins.li.list('/products'),
    ledger: await ledgerOf(logins.auditor),
  };
}

function allGifts(views: Snapshot): GiftView[] {
  return [...views.donorGifts.li, ...views.donorGifts.wang, ...views.donorGifts.brightfuture];
}

/** The invariants that must hold whatever happened: each gift accounted for, each premium paid exactly once, the ledger at zero. */
function expectConsistent(views: Snapshot) {
  const gifts = allGifts(views);
  for (const gift of gifts) expectGiftAccountedFor(gift);
  const policies = views.policies;
  expect(new Set(policies.map((policy) => policy.policyId)).size).toBe(policies.length);
  // One policy per household and product in a round: none requested twice.
  expect(new Set(policies.map((policy) => policy.householdId)).size).toBe(policies.length);
  expect(views.ledger.total).toEqual([{ currency: 'CNY', total: 0 }]);
  expectLedgerSound(views.ledger, policies, gifts);
  const [money] = views.publicTotals.platform.money;
  expect(money.received).toBe(sum(gifts.map((gift) => gift.received.amount)));
  expect(money.allocated).toBe(sum(gifts.map((gift) => gift.allocated.amount)));
  // Premium gathered and not yet paid to an insurer sits in the policies' premium accounts, none holding more than a premium.
  const premiumAccounts = views.ledger.balances.filter((row) => row.account.startsWith('premium:policy:'));
  expect(money.awaitingPolicyIssue).toBe(sum(premiumAccounts.map((row) => row.balance)));
  for (const account of premiumAccounts) expect(account.balance).toBeLessThanOrEqual(DEMO_PREMIUM);
}

describe('a crash between append and projection', () => {
  beforeAll(() => {
    ensureBuilt();
  });

  afterAll(() => {
    killAllChildren();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('after SIGKILL and restart, ends with every acknowledged gift and the same views as a rebuild of the read database', async () => {
    const dataDir = newDataDir();

    // 1. A server that answers right after the append (SETTLE_TIMEOUT_MS=0), under a burst of gifts.
    let server = await startServer(dataDir, { SETTLE_TIMEOUT_MS: '0' });
    let logins = await demoLogins(server.api);
    const donorIds = Object.fromEntries(await Promise.all((['li', 'wang', 'brightfuture'] as const).map(async (name) => [name, (await logins[name].read('/auth/me')).userId])));

    const household = (n: number) => ({ kind: 'household', householdId: DEMO.household(n), productId: DEMO.productId });
    const programme = { kind: 'programme', programmeId: DEMO.programmeId };
    type Donor = 'li' | 'wang' | 'brightfuture';
    const burst: { donor: Donor; amount: number; target: object; remainder: 'hold' | 'refund'; pay: boolean }[] = [
      { donor: 'li', amount: 3_000, target: household(2), remainder: 'refund', pay: true },
      { donor: 'wang', amount: 4_000, target: household(2), remainder: 'hold', pay: true },
      { donor: 'li', amount: 7_000, target: household(3), remainder: 'hold', pay: true },
      { donor: 'wang', amount: 6_000, target: household(8), remainder: 'refund', pay: true },
      { donor: 'wang', amount: 2_000, target: household(5), remainder: 'refund', pay: false },
      { donor: 'brightfuture', amount: 12_000, target: programme, remainder: 'hold', pay: true },
      { donor: 'li', amount: 1_500, target: household(4), remainder: 'hold', pay: true },
      { donor: 'brightfuture', amount: 9_000, target: programme, remainder: 'refund', pay: true },
      // Many small ones, to keep the server busy while it dies.
      ...Array.from({ length: 32 }, (_, i) => ({
        donor: (['li', 'wang', 'brightfuture'] as const)[i % 3],
        amount: 100 + i,
        target: i % 3 === 2 ? programme : i % 2 ? household(8) : household(6),
        remainder: i % 2 ? ('refund' as const) : ('hold' as const),
        pay: i % 5 !== 0,
      })),
    ];
    const requestCount = burst.length + burst.filter((gift) => gift.pay).length;

    // The kill comes mid-burst, once half the requests are answered and the log is ahead of the
    // projections or the process manager (watched through readers of the two databases): events are
    // appended and acknowledged but not yet projected or allocated. (Killing after the last answer
    // would find everything projected: the server finishes that work before its answer goes out.)
    const eventLog = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
    const readModels = new Database(join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
    const records = new Database(join(dataDir, 'records.sqlite'), { readonly: true, fileMustExist: true });
    const head = eventLog.prepare<[], number | bigint>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    const projected = readModels.prepare<[], number | bigint>('SELECT MIN(position) FROM projection_checkpoints').pluck();
    const allocated = records.prepare<[], string>("SELECT position FROM process_checkpoints WHERE name = 'premium-allocation'").pluck();
    const lagging = () => {
      const logHead = BigInt(head.get() ?? 0);
      return BigInt(projected.get() ?? 0) < logHead || BigInt(allocated.get() ?? '0') < logHead;
    };

    let answered = 0;
    const statuses: number[] = [];
    /** One gift's requests; a request the dying server never answered is not acknowledged. */
    const give = async (gift: (typeof burst)[number], i: number) => {
      const outcome = { ...gift, giftId: null as string | null, paymentReference: gift.pay ? `CRASH-${i}-${randomUUID()}` : null, paymentAcknowledged: false };
      try {
        const pledged = await logins[gift.donor].post<{ giftId: string }>('/gifts', { amount: cny(gift.amount), target: gift.target, remainder: gift.remainder });
        answered += 1;
        statuses.push(pledged.status);
        if (pledged.status !== 201) return outcome;
        outcome.giftId = pledged.body.giftId;
        if (!outcome.paymentReference) return outcome;
        const payment = await logins[gift.donor].post(`/gifts/${outcome.giftId}/payment`, { paymentReference: outcome.paymentReference, amount: cny(gift.amount) });
        answered += 1;
        statuses.push(payment.status);
        outcome.paymentAcknowledged = payment.status === 200;
      } catch {
        // The connection died with the server.
      }
      return outcome;
    };
    let everyoneAnswered = false;
    const requests = Promise.all(burst.map(give)).finally(() => (everyoneAnswered = true));
    try {
      await eventually('half the requests answered while the log is ahead of the views (or every request answered)', async () => everyoneAnswered || (answered >= requestCount / 2 && lagging()) || undefined, { deadlineMs: 60_000, intervalMs: 0 });
      await kill(server);
    } finally {
      eventLog.close();
      readModels.close();
      records.close();
    }
    const outcomes = await requests;
    // Every answer the server gave was a success: dying loses connections, never makes a request fail.
    expect(statuses.filter((status) => status >= 300)).toEqual([]);

    // 2. Restart on the same data: projections and the process manager resume from their checkpoints.
    server = await startServer(dataDir);
    logins = await demoLogins(server.api);
    const recovered = await settled(logins);

    // Nothing acknowledged was lost, and the accounts are the same people.
    for (const name of ['li', 'wang', 'brightfuture'] as const) expect((await logins[name].read('/auth/me')).userId).toBe(donorIds[name]);
    const acknowledged = outcomes.filter((gift) => gift.giftId !== null);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const gift of acknowledged) {
      const view = recovered.donorGifts[gift.donor].find((g) => g.giftId === gift.giftId);
      expect(view).toMatchObject({ pledged: cny(gift.amount), remainderChoice: gift.remainder });
      if (gift.paymentAcknowledged) expect(view).toMatchObject({ received: cny(gift.amount), paymentReference: gift.paymentReference });
      // A payment whose answer was lost may or may not have been recorded; it is never half-recorded.
      else expect([0, gift.amount]).toContain(view!.received.amount);
    }
    const gifts = allGifts(recovered);
    // Public totals count a gift once its money is received; unpaid pledges apart.
    const paid = gifts.filter((g) => g.received.amount > 0);
    expect(recovered.publicTotals.platform.gifts).toBe(paid.length);
    expect(recovered.publicTotals.platform.unpaidPledges.count).toBe(gifts.length - paid.length);
    // The process manager finished the work the crash interrupted: every paid gift was allocated and settled.
    for (const gift of gifts.filter((g) => g.received.amount > 0)) {
      expect(gift.status).not.toBe('paid');
      if (gift.remainderChoice === 'refund') expect(gift.escrowBalance.amount).toBe(0);
    }
    expectConsistent(recovered);

    // 3. Rebuild: every view and its checkpoint is cleared and replayed from the event log. (The
    // read database also keeps records that are not views, the household data keys among them, so
    // it is rebuilt, not deleted.)
    await stop(server);
    await rebuildReadModels(loadConfiguration({ DATA_DIR: dataDir, SEED_DEMO: 'false' }));
    server = await startServer(dataDir);
    logins = await demoLogins(server.api);
    const rebuilt = await settled(logins);

    for (const name of ['li', 'wang', 'brightfuture'] as const) expect((await logins[name].read('/auth/me')).userId).toBe(donorIds[name]);
    expect(rebuilt).toEqual(recovered);
    await stop(server);
  });

  it('killed while the process manager is allocating a programme gift, does not allocate twice', async () => {
    const dataDir = newDataDir();
    // 36 more eligible Nanshan households, so that sharing a programme gift takes the process manager
    // dozens of appends, and a kill can land in the middle of them.
    const EXTRA_HOUSEHOLDS = 36;
    let server = await startServer(dataDir, { SETTLE_TIMEOUT_MS: '0' });
    const { nanshan } = await demoLogins(server.api);
    await Promise.all(
      Array.from({ length: EXTRA_HOUSEHOLDS }, async (_, i) => {
        const { householdId } = await nanshan.ok('/households', {
          villageCode: '440305002001',
          category: 'low-income',
          personal: { headName: `户主${i}`, headNationalId: nationalIdWithChecksum(`44030519800101${String(i).padStart(3, '0')}`), members: [], address: `西丽 ${i} 号` },
        });
        await nanshan.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
      }),
    );
    // Households 2-6 of the demo and the extra ones need a premium each: 205_000 in all; the gifts bring 225_500.
    const uncovered = (5 + EXTRA_HOUSEHOLDS) * DEMO_PREMIUM;
    const rounds = [
      { amount: 70_000, remainder: 'hold' as const },
      { amount: 65_500, remainder: 'refund' as const },
      { amount: 90_000, remainder: 'hold' as const },
    ];
    const paid: { giftId: string; amount: number }[] = [];
    const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
    const contributions = events.prepare<[string], number>("SELECT COUNT(*) FROM events WHERE type = 'PremiumContributionAccepted' AND json_extract(data, '$.giftId') = ?").pluck();
    try {
      for (const [round, { amount, remainder }] of rounds.entries()) {
        if (round > 0) server = await startServer(dataDir, { SETTLE_TIMEOUT_MS: '0' });
        const { brightfuture } = await demoLogins(server.api);
        const { giftId } = await brightfuture.ok<{ giftId: string }>('/gifts', { amount: cny(amount), target: { kind: 'programme', programmeId: DEMO.programmeId }, remainder });
        const payment = brightfuture.post(`/gifts/${giftId}/payment`, { paymentReference: `MIDWAY-${round}-${randomUUID()}`, amount: cny(amount) }).catch((error: unknown) => error);
        if (round === 0) {
          // Killed the moment the payment is acknowledged: the process manager has done its appends by
          // then (the handler barely yields), but its checkpoint may not be saved: it handles the payment again.
          expect(await payment).toMatchObject({ status: 200 });
        } else {
          // Killed as soon as the first household's share of the gift is committed (watched through a
          // reader of the event log), while the process manager goes on sharing the gift.
          await eventually('a first household’s share of the gift committed', async () => contributions.get(giftId)! > 0 || undefined, { deadlineMs: 60_000, intervalMs: 0 });
        }
        await kill(server);
        await payment;
        paid.push({ giftId, amount });
      }
    } finally {
      events.close();
    }

    server = await startServer(dataDir);
    const logins = await demoLogins(server.api);
    const views = await settled(logins);
    for (const { giftId, amount } of paid) {
      const gift = views.donorGifts.brightfuture.find((g) => g.giftId === giftId)!;
      expect(gift.received).toEqual(cny(amount));
      expect(gift.allocated.amount).toBeLessThanOrEqual(amount);
    }
    // Every uncovered household funded once: exactly what they needed was allocated, and each has one policy request.
    expect(sum(views.donorGifts.brightfuture.map((gift) => gift.allocated.amount))).toBe(uncovered);
    expect(views.insurer.policies.counts.requested).toBe(1 + 5 + EXTRA_HOUSEHOLDS);
    expect(views.nanshanUncovered).toEqual([]);
    expectConsistent(views);
    await stop(server);
  });

  it('resumed after dying half-way through sharing a programme gift, finishes the same sharing without paying any premium twice', async () => {
    const dataDir = newDataDir();
    let server = await startServer(dataDir);
    let logins = await demoLogins(server.api);
    const AMOUNT = 12_000;
    const { giftId } = await logins.brightfuture.ok<{ giftId: string }>('/gifts', { amount: cny(AMOUNT), target: { kind: 'programme', programmeId: DEMO.programmeId }, remainder: 'refund' });
    const donorId = (await logins.brightfuture.read('/auth/me')).userId;
    await stop(server);

    // With the server down, the payment is recorded exactly as the API records it, and the process
    // manager starts on it and dies right after the first household accepted its share of the gift,
    // before the gift records that allocation: the point a SIGKILL could also hit.
    const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    const readDb = await openReadDataSource({ type: 'sqlite', path: join(dataDir, 'read.sqlite') });
    class Killed extends Error {}
    try {
      const reference = `HALFWAY-${randomUUID()}`;
      const acting = { actor: `donor:${donorId}`, correlationId: 'halfway', causationId: 'halfway' };
      const now = new Date().toISOString();
      await executeCommand(store, paymentReferenceDecider, streams.paymentReference(reference), { type: 'ReservePaymentReference', data: { paymentReference: reference, giftId, now } }, acting);
      const payment = await executeCommand(store, giftDecider, streams.gift(giftId), { type: 'ConfirmPayment', data: { giftId, paymentReference: reference, amount: cny(AMOUNT), now } }, acting);
      const [paymentEvent] = await store.readAll({ after: payment.position - 1n, limit: 1 });
      expect(paymentEvent.type).toBe('GiftPaymentConfirmed');
      const dying = new Proxy(store, {
        get(target, property) {
          if (property === 'append') {
            return async (...args: Parameters<EventStore['append']>) => {
              const result = await target.append(...args);
              if (args[2].some((event) => event.type === 'PremiumContributionAccepted')) throw new Killed('killed after the first contribution');
              return result;
            };
          }
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const allocation = new PremiumAllocationProcess(dying, {
        uncoveredEligible: (region, productId, page) => programmeCandidates(readDb.manager, region, productId, page),
        giftsHoldingMoneyFor: (target) => giftsHoldingMoneyFor(readDb.manager, target),
      });
      await expect(allocation.handle(paymentEvent)).rejects.toBeInstanceOf(Killed);
    } finally {
      await store.close();
      await readDb.destroy();
    }

    // The restarted server's process manager resumes from its checkpoint, before the payment.
    server = await startServer(dataDir);
    logins = await demoLogins(server.api);
    const views = await settled(logins);
    const gift = views.donorGifts.brightfuture.find((g) => g.giftId === giftId)!;
    // Households 2, 3 get 5_000 each and household 4 the last 2_000, as if nothing had happened.
    // (Recorded in one append, the allocations share a time, so their order is not the plan's.)
    expect(gift.allocations.map((a) => a.amount.amount).sort((a, b) => b - a)).toEqual([5_000, 5_000, 2_000]);
    expect(gift).toMatchObject({ received: cny(AMOUNT), allocated: cny(AMOUNT), refunded: cny(0), escrowBalance: cny(0) });
    expectConsistent(views);
    await stop(server);
  });
});

describe('a crash in the middle of a group commit', () => {
  beforeAll(() => {
    ensureBuilt();
  });

  afterAll(() => {
    killAllChildren();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * 24 clients give gifts without pause to a server that answers right after the append
   * (SETTLE_TIMEOUT_MS=0), so every turn of its event loop commits a group of appends. The kill comes
   * once 60 requests are answered, at a moment the server holds the event log's write lock (a probe
   * from this process cannot take it): a group's transaction is open. After the restart every
   * acknowledged command is there, every stream is whole (no append half-written), and the views
   * equal a rebuild from the log.
   */
  it('under concurrent load, keeps every acknowledged command, half-applies none, and ends with the views of a rebuild', async () => {
    const dataDir = newDataDir();
    let server = await startServer(dataDir, { SETTLE_TIMEOUT_MS: '0' });
    let logins = await demoLogins(server.api);

    const donors = ['li', 'wang', 'brightfuture'] as const;
    const targets = [
      { kind: 'household', householdId: DEMO.household(6), productId: DEMO.productId },
      { kind: 'household', householdId: DEMO.household(8), productId: DEMO.productId },
      { kind: 'programme', programmeId: DEMO.programmeId },
    ];
    type Outcome = { donor: (typeof donors)[number]; amount: number; giftId: string | null; paymentReference: string; paymentAcknowledged: boolean };
    const outcomes: Outcome[] = [];
    const statuses: number[] = [];
    let serverDead = false;
    let gifts = 0;
    const client = async (clientNumber: number) => {
      while (!serverDead) {
        const n = gifts++;
        const outcome: Outcome = { donor: donors[n % 3], amount: 100 + (n % 50), giftId: null, paymentReference: `GROUP-${n}-${randomUUID()}`, paymentAcknowledged: false };
        outcomes.push(outcome);
        try {
          const donor = logins[outcome.donor];
          const pledged = await donor.post<{ giftId: string }>('/gifts', { amount: cny(outcome.amount), target: targets[(n + clientNumber) % 3], remainder: n % 2 ? 'refund' : 'hold' });
          statuses.push(pledged.status);
          if (pledged.status !== 201) continue;
          outcome.giftId = pledged.body.giftId;
          const payment = await donor.post(`/gifts/${outcome.giftId}/payment`, { paymentReference: outcome.paymentReference, amount: cny(outcome.amount) });
          statuses.push(payment.status);
          outcome.paymentAcknowledged = payment.status === 200;
        } catch {
          // The connection died with the server: not acknowledged.
        }
      }
    };
    const load = Promise.all(Array.from({ length: 24 }, (_, i) => client(i)));

    const probe = new Database(join(dataDir, 'events.sqlite'), { fileMustExist: true, timeout: 0 });
    const writeLockHeldByServer = () => {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        return false;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw error;
      }
    };
    try {
      await until(
        'the server busy: 60 answers, and the write lock held',
        async () => ({ answers: statuses.length, writeLockHeld: statuses.length >= 60 && writeLockHeldByServer() }),
        ({ writeLockHeld }) => writeLockHeld,
        { deadlineMs: 60_000, intervalMs: 0 },
      );
      await kill(server);
    } finally {
      serverDead = true;
      probe.close();
    }
    await load;
    // Dying loses connections, never makes an answered request fail.
    expect(statuses.filter((status) => status >= 300)).toEqual([]);

    // No append half-written: every stream's revisions run from 0 without a gap, and so do the log's positions.
    const log = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const broken = log.prepare('SELECT stream_id FROM events GROUP BY stream_id HAVING COUNT(*) <> MAX(revision) + 1 OR MIN(revision) <> 0').all();
      expect(broken).toEqual([]);
      expect(log.prepare('SELECT COUNT(*) = MAX(position) FROM events').pluck().get()).toBe(1);
    } finally {
      log.close();
    }

    server = await startServer(dataDir);
    logins = await demoLogins(server.api);
    const recovered = await settled(logins);
    const acknowledged = outcomes.filter((outcome) => outcome.giftId !== null);
    expect(acknowledged.length).toBeGreaterThan(20);
    for (const outcome of acknowledged) {
      const view = recovered.donorGifts[outcome.donor].find((gift) => gift.giftId === outcome.giftId);
      expect(view).toMatchObject({ pledged: cny(outcome.amount) });
      if (outcome.paymentAcknowledged) expect(view).toMatchObject({ received: cny(outcome.amount), paymentReference: outcome.paymentReference });
      else expect([0, outcome.amount]).toContain(view!.received.amount);
    }
    expectConsistent(recovered);

    await stop(server);
    await rebuildReadModels(loadConfiguration({ DATA_DIR: dataDir, SEED_DEMO: 'false' }));
    server = await startServer(dataDir);
    logins = await demoLogins(server.api);
    expect(await settled(logins)).toEqual(recovered);
    await stop(server);
  });
});
