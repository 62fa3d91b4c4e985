import { randomUUID } from 'node:crypto';
import { policyIdFor } from '@pangolin/domain';
import type { EventStore } from '@pangolin/event-store';
import type { DataSource } from 'typeorm';
import { EVENT_STORE, READ_DB, RECORDS_DB } from '@pangolin/runtime';
import { householdBody, PASSWORD, productTerms, signUp } from './support/actors';
import { eventually } from './support/eventually';
import { ADMIN, ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS } from './support/platform';

/** The premium of productTerms(). */
const PREMIUM = 3000;

/** Appends an event straight to the event store, as no command would: the poison. */
async function appendPoison(platform: RunningPlatform, type: string, data: unknown): Promise<bigint> {
  const store = platform.app.get<EventStore>(EVENT_STORE);
  const streamId = `poison-${randomUUID()}`;
  const metadata = { actor: 'system:test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 };
  return (await store.append(streamId, 'no-stream', [{ eventId: randomUUID(), type, data, metadata }])).lastPosition;
}

const parkedGauge = (metrics: string, worker: string) => Number(new RegExp(`^pangolin_parked_events\\{worker="${worker}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);

/**
 * No single event stops the platform: an event a projection or the process manager cannot apply
 * is retried a few times, then parked with its reason, while every other event keeps flowing. An
 * administrator lists the parked events, replays one after a fix, or dismisses one with a note.
 */
describe.each(STORE_CONFIGURATIONS)('an event that cannot be applied, on %s', (_, storeEnvironment) => {
  const environment = { ...storeEnvironment(), DEAD_LETTER_MAX_ATTEMPTS: '3', DEAD_LETTER_BACKOFF_MS: '10' };
  let platform: RunningPlatform;
  let admin: ApiClient, government: ApiClient, insurer: ApiClient, donor: ApiClient;
  let donorToken: string;
  let householdId: string, productId: string;
  let claimPosition: bigint, shapelessPosition: bigint;

  beforeAll(async () => {
    platform = await startPlatform(environment);
    const { api } = platform;
    admin = await api.login(ADMIN.username, ADMIN.password);
    government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    donor = await signUp(api, { username: 'donor.a', role: 'donor' });
    donorToken = (await api.post('/auth/login', { username: 'donor.a', password: PASSWORD })).body.accessToken;
    ({ householdId } = await government.ok('/households', householdBody('440305001001', 1)));
    await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
    ({ productId } = await insurer.ok('/products', productTerms()));
  }, 60_000);
  afterAll(() => platform?.stop());

  it('parks each poison for the workers that cannot apply it, with its reason, while a later gift settles and shows', async () => {
    // A claim on a policy nobody has requested yet: the catalogue cannot file it (until the policy exists).
    claimPosition = await appendPoison(platform, 'ClaimFiled', {
      policyId: policyIdFor(householdId, productId, 1),
      claimId: randomUUID(),
      householdId,
      incidentDate: '2026-03-01',
      kind: 'illness',
      amountClaimed: cny(10_000),
      evidence: [],
      filedBy: { role: 'government', id: '440305' },
      filedAt: new Date().toISOString(),
    });
    // A payment without its data: the process manager and the gift views cannot read it.
    shapelessPosition = await appendPoison(platform, 'GiftPaymentConfirmed', null);

    const parked = await eventually('both poisons parked', async () => {
      const { items } = await admin.read('/admin/parked-events?limit=200');
      const workers = items.map((item: { worker: string }) => item.worker);
      return ['catalogue', 'premium-allocation', 'donor-view', 'government-dashboard', 'ledger', 'public-view'].every((worker) => workers.includes(worker)) ? items : undefined;
    });
    expect(parked.find((item: { worker: string }) => item.worker === 'catalogue')).toMatchObject({ position: claimPosition.toString(), eventType: 'ClaimFiled', attempts: 3, dismissedAt: null });
    expect(parked.find((item: { worker: string }) => item.worker === 'premium-allocation')).toMatchObject({ position: shapelessPosition.toString(), eventType: 'GiftPaymentConfirmed', attempts: 3 });
    expect(parked.find((item: { worker: string }) => item.worker === 'donor-view')).toMatchObject({ position: shapelessPosition.toString(), error: expect.stringContaining('TypeError') });
    // The Merkle log never parks: every event, the poisons included, is a leaf.
    expect(parked.map((item: { worker: string }) => item.worker)).not.toContain('merkle-log');

    // Everything else flows: a gift for the household is paid, settles, funds the premium and shows in the views.
    const { giftId } = await donor.ok('/gifts', { amount: cny(PREMIUM), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
    const payment = await fetch(`${platform.url}/gifts/${giftId}/payment`, {
      method: 'POST',
      headers: { authorization: `Bearer ${donorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ paymentReference: `POISON-${giftId}`, amount: cny(PREMIUM) }),
    });
    expect(payment.status).toBe(200);
    expect(payment.headers.get('pangolin-settled')).toBeNull();
    expect(await donor.read(`/gifts/${giftId}`)).toMatchObject({ received: cny(PREMIUM), allocations: { items: [{ policyId: policyIdFor(householdId, productId, 1) }] } });
  });

  it('stays ready while events are parked, listing them, and counts them in /metrics', async () => {
    const ready = await platform.api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.parkedEvents).toEqual(expect.arrayContaining([{ worker: 'catalogue', parked: 1 }, { worker: 'premium-allocation', parked: 1 }]));
    expect(ready.body.checks.stuck).toEqual([]);
    expect(ready.body.checks.transparencyLog).toEqual({ ok: true });
    const metrics = (await platform.api.get('/metrics')).body as string;
    expect(parkedGauge(metrics, 'catalogue')).toBe(1);
    expect(parkedGauge(metrics, 'premium-allocation')).toBe(1);
    expect(parkedGauge(metrics, 'ledger')).toBeGreaterThanOrEqual(0);
    expect(metrics).toMatch(/^pangolin_events_parked_total\{worker="catalogue"\} 1$/m);
    expect(metrics).toMatch(/^pangolin_worker_failures_total\{worker="premium-allocation"\} 3$/m);
  });

  it('lets only an administrator see and act on parked events', async () => {
    expect((await donor.get('/admin/parked-events')).status).toBe(403);
    expect((await platform.api.get('/admin/parked-events')).status).toBe(401);
    expect((await admin.get('/admin/parked-events?limit=0')).body).toMatchObject({ statusCode: 400, violations: [{ field: 'limit' }] });
    expect((await admin.post(`/admin/parked-events/merkle-log/${claimPosition}/replay`)).status).toBe(404);
    expect((await admin.post(`/admin/parked-events/catalogue/${claimPosition}/dismiss`, { note: ' ' })).status).toBe(400);
  });

  it('replays a parked event once it is fixed: it applies and its record goes; a replay that still fails keeps it and says why', async () => {
    // The gift above had the policy requested: the claim now has its policy.
    const replayed = await admin.post(`/admin/parked-events/catalogue/${claimPosition}/replay`);
    expect(replayed).toMatchObject({ status: 200, body: { replayed: true } });
    const claims = await insurer.list('/insurer/claims');
    expect(JSON.stringify(claims)).toContain(policyIdFor(householdId, productId, 1));

    const again = await admin.post(`/admin/parked-events/donor-view/${shapelessPosition}/replay`);
    expect(again.status).toBe(409);
    expect(again.body.reason).toContain('TypeError');
    const { items } = await admin.read('/admin/parked-events?limit=200');
    expect(items.find((item: { worker: string }) => item.worker === 'catalogue')).toBeUndefined();
    expect(items.find((item: { worker: string }) => item.worker === 'donor-view')).toMatchObject({ attempts: 4 });
  });

  it('dismisses a parked event with a note: it leaves the parked count and is listed among the dismissed', async () => {
    const dismissed = await admin.post(`/admin/parked-events/premium-allocation/${shapelessPosition}/dismiss`, { note: 'test poison: a payment without data' });
    expect(dismissed).toMatchObject({ status: 200, body: { worker: 'premium-allocation', dismissedBy: ADMIN.username, note: 'test poison: a payment without data' } });
    expect((await admin.post(`/admin/parked-events/premium-allocation/${shapelessPosition}/dismiss`, { note: 'twice' })).status).toBe(409);
    expect((await admin.read('/admin/parked-events?status=dismissed')).items).toMatchObject([{ worker: 'premium-allocation', position: shapelessPosition.toString() }]);
    expect(parkedGauge((await platform.api.get('/metrics')).body, 'premium-allocation')).toBe(0);
  });

  it('comes back after a restart ready, with its records as they were, and settles the next gift', async () => {
    const before = await admin.read('/admin/parked-events?limit=200');
    await platform.stop({ keepData: true });
    platform = await startPlatform(environment, platform.dataDir);
    admin = await platform.api.login(ADMIN.username, ADMIN.password);
    donor = await platform.api.login('donor.a', PASSWORD);
    expect(await admin.read('/admin/parked-events?limit=200')).toEqual(before);

    const { giftId } = await donor.ok('/gifts', { amount: cny(PREMIUM), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `AFTER-RESTART-${giftId}`, amount: cny(PREMIUM) });
    expect(await donor.read(`/gifts/${giftId}`)).toMatchObject({ received: cny(PREMIUM) });
    const ready = await eventually('ready after the restart', async () => {
      const answer = await platform.api.get('/health/ready');
      return answer.status === 200 ? answer.body : undefined;
    });
    expect(ready.checks.stuck).toEqual([]);
  }, 60_000);
});

/**
 * What must not be parked stops loudly instead: the Merkle log never skips an event (its leaves
 * are dense), so while it cannot append, the instance is not ready; nor is it when the log no
 * longer extends a checkpoint it signed (a fork).
 */
describe('readiness when the transparency log cannot go on, on the embedded stores', () => {
  let platform: RunningPlatform;
  let admin: ApiClient, government: ApiClient;
  let db: DataSource;

  beforeAll(async () => {
    platform = await startPlatform({ SETTLE_TIMEOUT_MS: '200', DEAD_LETTER_BACKOFF_MS: '10' });
    admin = await platform.api.login(ADMIN.username, ADMIN.password);
    government = await signUp(platform.api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    db = platform.app.get<DataSource>(READ_DB);
  }, 60_000);
  afterAll(() => platform?.stop());

  const readiness = () => platform.api.get('/health/ready');

  it('answers 503 naming the Merkle log while it keeps failing on an event, never parks it, and is ready again once it appends', async () => {
    await db.query(`CREATE TRIGGER refuse_leaves BEFORE INSERT ON merkle_subtree_hashes BEGIN SELECT RAISE(ABORT, 'test: the Merkle log cannot append'); END`);
    await government.ok('/households', householdBody('440305001001', 1));
    const stuck = await eventually('the Merkle log reported stuck', async () => {
      const answer = await readiness();
      return answer.status === 503 ? answer.body : undefined;
    });
    expect(stuck.failed).toContain('stuck.merkle-log');
    expect(stuck.checks.stuck).toEqual([expect.objectContaining({ worker: 'merkle-log', failures: expect.any(Number) })]);
    expect(await admin.read('/admin/parked-events')).toEqual({ items: [], nextCursor: null });

    await db.query('DROP TRIGGER refuse_leaves');
    const ready = await eventually('ready again', async () => {
      const answer = await readiness();
      return answer.status === 200 ? answer.body : undefined;
    });
    expect(ready.checks.stuck).toEqual([]);
  }, 30_000);

  it('answers 503 naming the transparency log once it no longer extends its last signed checkpoint', async () => {
    const { size } = await admin.ok('/transparency/checkpoints');
    // As if the tree had been rebuilt from altered events: the signed root no longer matches it.
    await platform.app.get<DataSource>(RECORDS_DB).query(`UPDATE signed_checkpoints SET "rootHash" = ? WHERE size = ?`, ['00'.repeat(32), size]);
    await government.ok('/households', householdBody('440305001001', 2));
    expect((await admin.post('/transparency/checkpoints')).status).toBeGreaterThanOrEqual(400);
    const answer = await readiness();
    expect(answer.status).toBe(503);
    expect(answer.body.failed).toEqual(['transparencyLog']);
    expect(answer.body.checks.transparencyLog).toEqual({ ok: false, forkedFrom: String(size) });
  });
});
