/**
 * Accounts and retries over real HTTP: demo logins only where demo data is seeded, failed logins
 * limited per account and per address (429 with Retry-After), one username created once under
 * concurrency (409, on SQLite and PostgreSQL), and Idempotency-Key on every command that creates
 * something (same key and body: the first answer and nothing written; another body: 422; while
 * the first is in flight: 409).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore } from '@pangolin/event-store';
import { DataSource } from 'typeorm';
import { writeLockOf } from '@pangolin/read-models';
import { claimsDecider, Conflict, streams } from '@pangolin/domain';
import { EVENT_STORE, Principal, READ_DB } from '@pangolin/runtime';
import { RequestContext } from '../apps/api/src/http/request-context';
import { CommandRunner } from '../apps/api/src/infrastructure/command-runner.service';
import { householdBody, PASSWORD, productTerms, signUp } from './support/actors';
import { until } from './support/eventually';
import { ADMIN, ApiClient, ApiExchange, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS } from './support/platform';

describe('demo logins', () => {
  it('are not published when no demo data is seeded: GET /auth/demo-accounts is 404', async () => {
    const platform = await startPlatform({ SEED_DEMO: 'false' });
    try {
      const answer = await platform.api.get('/auth/demo-accounts');
      expect(answer.status).toBe(404);
      expect(answer.body.message).toMatch(/demo data is not seeded/);
    } finally {
      await platform.stop();
    }
  });
});

describe('login rate limits', () => {
  const WINDOW_SECONDS = 3;
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_ADDRESS: '12', LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS) });
  });
  afterAll(() => platform.stop());

  const login = (username: string, password: string) => platform.api.exchange('POST', '/auth/login', { username, password });
  const retryAfter = (answer: ApiExchange) => Number(answer.headers.get('retry-after'));
  /** Waits out the window that a 429 names (its Retry-After, at most the window). */
  const waitOut = async (answer: ApiExchange) => {
    expect(retryAfter(answer)).toBeGreaterThanOrEqual(1);
    expect(retryAfter(answer)).toBeLessThanOrEqual(WINDOW_SECONDS);
    // A timed pause, not a poll: the server said when to come back (Retry-After), and the test checks it means it.
    await sleep(retryAfter(answer) * 1000 + 300);
  };

  it('locks an account after 5 wrong passwords: 30 guesses at 20 per second, then the right password waits for the window', async () => {
    const guesses: Promise<ApiExchange>[] = [];
    for (let n = 0; n < 30; n++) {
      guesses.push(login(ADMIN.username, `wrong-password-${n}`));
      // A timed pause, not a poll: the guesses are paced at 20 per second, as the test's title says.
      await sleep(50);
    }
    const answers = await Promise.all(guesses);
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(5);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused).toHaveLength(25);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', limit: 'LOGIN_MAX_FAILURES_PER_ACCOUNT' });
      expect(answer.body.message).toMatch(/too many failed logins for account "admin": at most 5 in 3 s \(LOGIN_MAX_FAILURES_PER_ACCOUNT\); try again in \d+ s/);
      expect(retryAfter(answer)).toBeGreaterThanOrEqual(1);
    }

    const locked = await login(ADMIN.username, ADMIN.password);
    expect(locked.status).toBe(429);
    await waitOut(locked);
    expect((await login(ADMIN.username, ADMIN.password)).status).toBe(200);
  });

  it('limits one address guessing across many accounts, even for an account whose password is right', async () => {
    await signUp(platform.api, { username: 'sprayed.donor', role: 'donor' });
    for (let n = 0; n < 12; n++) expect((await login(`someone.${n}`, 'a-common-password')).status).toBe(401);
    const refused = await login('someone.else', 'a-common-password');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ limit: 'LOGIN_MAX_FAILURES_PER_ADDRESS' });
    expect(refused.body.message).toMatch(/too many failed logins from address \S+: at most 12 in 3 s \(LOGIN_MAX_FAILURES_PER_ADDRESS\)/);
    const rightPassword = await login('sprayed.donor', PASSWORD);
    expect(rightPassword.status).toBe(429);
    await waitOut(rightPassword);
    expect((await login('sprayed.donor', PASSWORD)).status).toBe(200);
  });
});

describe.each(STORE_CONFIGURATIONS)('accounts and Idempotency-Key on %s', (_, storeEnvironment) => {
  const env = storeEnvironment();
  let platform: RunningPlatform;
  let store: EventStore;
  let admin: ApiClient;
  let government: ApiClient;
  let insurer: ApiClient;
  let donor: ApiClient;
  let otherDonor: ApiClient;
  let householdId: string;
  let productId: string;

  beforeAll(async () => {
    platform = await startPlatform(env);
    store = platform.app.get<EventStore>(EVENT_STORE);
    const { api } = platform;
    admin = await api.login(ADMIN.username, ADMIN.password);
    government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    donor = await signUp(api, { username: 'donor.a', role: 'donor' });
    otherDonor = await signUp(api, { username: 'donor.b', role: 'donor' });
    productId = (await insurer.ok('/products', productTerms())).productId;
    householdId = (await government.ok('/households', householdBody('440305001001', 1))).householdId;
    await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
  });
  afterAll(() => platform.stop());

  const pledge = (amount = 1000) => ({ amount: cny(amount), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
  const keyed = (key: string) => ({ 'Idempotency-Key': key });
  const myGifts = async (who: ApiClient) => (await who.list<{ giftId: string }>('/donor/gifts')).map((gift) => gift.giftId);

  it('creates one username once when many ask for it at the same moment: one 201, the others 409', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, n) => admin.post('/users', { username: 'same.name', password: `password-number-${n}`, displayName: `Candidate ${n}`, role: 'donor' })),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    const conflicts = answers.filter((answer) => answer.status === 409);
    expect(conflicts).toHaveLength(9);
    for (const answer of conflicts) expect(answer.body).toMatchObject({ statusCode: 409, reason: 'username same.name is taken' });
    const winner = answers.findIndex((answer) => answer.status === 201);
    expect((await platform.api.post('/auth/login', { username: 'same.name', password: `password-number-${winner}` })).status).toBe(200);
  });

  it('answers a pledge retried with its key as the first time, and writes nothing new', async () => {
    const key = randomUUID();
    const first = await donor.post('/gifts', pledge(), keyed(key));
    expect(first.status).toBe(201);
    const head = await store.headPosition();
    const retried = await donor.post('/gifts', pledge(), keyed(`"${key}"`));
    expect({ status: retried.status, body: retried.body }).toEqual({ status: first.status, body: first.body });
    expect(await store.headPosition()).toBe(head);
    expect((await myGifts(donor)).filter((giftId) => giftId === first.body.giftId)).toHaveLength(1);
    // The creating event says which key and request made it.
    const [created] = await store.readStream(`gift-${first.body.giftId}`);
    expect(created.metadata.idempotency).toMatchObject({ key, createdId: first.body.giftId });
  });

  it('refuses the same key with another body with 422, writing nothing', async () => {
    const key = randomUUID();
    expect((await donor.post('/gifts', pledge(1000), keyed(key))).status).toBe(201);
    const head = await store.headPosition();
    const gifts = await myGifts(donor);
    const other = await donor.post('/gifts', pledge(2000), keyed(key));
    expect(other.status).toBe(422);
    expect(other.body.message).toMatch(/Idempotency-Key "[^"]+" was already used with a different request body/);
    expect(await store.headPosition()).toBe(head);
    expect(await myGifts(donor)).toEqual(gifts);
  });

  it('answers 409 to a retry while the first request is in flight, then the first answer; one gift', async () => {
    const key = randomUUID();
    const before = (await myGifts(donor)).length;
    const headBefore = store.headPosition();
    // The views wait behind the read database's write lock: the first pledge is recorded, and then
    // stays in flight, waiting for its consequences to settle, until the lock is released.
    let release!: () => void;
    const views = writeLockOf(platform.app.get<DataSource>(READ_DB)).run(() => new Promise<void>((resolve) => (release = resolve)));
    const first = donor.post('/gifts', pledge(), keyed(key));
    try {
      const recordedBefore = await headBefore;
      await until('the first pledge is recorded', () => store.headPosition(), (head) => head > recordedBefore, { deadlineMs: 5000, intervalMs: 20 });
      const retried = await donor.post('/gifts', pledge(), keyed(key));
      expect(retried.status).toBe(409);
      expect(retried.body.reason).toMatch(/a request with Idempotency-Key "[^"]+" is still being processed; retry once it has been answered/);
    } finally {
      release();
      await views;
    }
    const answered = await first;
    expect(answered.status).toBe(201);
    expect(await donor.post('/gifts', pledge(), keyed(key))).toMatchObject({ status: 201, body: answered.body });
    expect(await myGifts(donor)).toHaveLength(before + 1);
  });

  it('scopes keys to the caller: another donor with the same key and body makes a gift of their own', async () => {
    const key = randomUUID();
    const mine = await donor.post('/gifts', pledge(), keyed(key));
    const theirs = await otherDonor.post('/gifts', pledge(), keyed(key));
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.giftId).not.toBe(mine.body.giftId);
    expect(await myGifts(otherDonor)).toContain(theirs.body.giftId);
  });

  it('without a key, two identical pledges are two gifts', async () => {
    const [a, b] = [await donor.post('/gifts', pledge()), await donor.post('/gifts', pledge())];
    expect(a.body.giftId).not.toBe(b.body.giftId);
  });

  it('refuses a malformed key with 400 naming the header, writing nothing', async () => {
    const head = await store.headPosition();
    for (const key of ['has space', 'x'.repeat(129), '"unbalanced', 'back\\slash', 'ümlaut']) {
      const answer = await donor.post('/gifts', pledge(), keyed(key));
      expect(answer.status).toBe(400);
      expect(answer.body.violations).toEqual([{ field: 'Idempotency-Key', rule: 'idempotencyKey', code: 'validation.idempotencyKey', params: { field: 'Idempotency-Key', rule: 'idempotencyKey' } }]);
    }
    const loneSurrogate = await donor.post('/gifts', { ...pledge(), remainder: '\ud800' }, keyed(randomUUID()));
    expect(loneSurrogate.status).toBe(400);
    expect((await donor.post('/gifts', pledge(), keyed('x'.repeat(128)))).status).toBe(201);
    expect(await store.headPosition()).toBeGreaterThan(head);
  });

  /** Every other command that creates something: the same key and body replays, another body is 422; nothing new is written. */
  it.each([
    ['household registration', () => government, '/households', () => householdBody('440305001001', 50), () => householdBody('440305001002', 51)],
    ['product publishing', () => insurer, '/products', () => productTerms(), () => productTerms({ name: 'Another cover' })],
    ['programme launch', () => government, '/programmes', () => ({ name: 'Nanshan 2026', regionCode: '440305', productId }), () => ({ name: 'Nanshan 2027', regionCode: '440305', productId })],
  ])('%s honours Idempotency-Key', async (_, who, path, body, otherBody) => {
    const key = randomUUID();
    const first = await who().post(path, body(), keyed(key));
    expect(first.status).toBe(201);
    const head = await store.headPosition();
    const retried = await who().post(path, body(), keyed(key));
    expect({ status: retried.status, body: retried.body }).toEqual({ status: first.status, body: first.body });
    expect((await who().post(path, otherBody(), keyed(key))).status).toBe(422);
    expect(await store.headPosition()).toBe(head);
  });

  it('claim filing honours Idempotency-Key (the claim lives in its policy\'s stream)', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { productId: noWaiting } = await insurer.ok('/products', productTerms({ name: 'Cover without waiting period', waitingPeriodDays: 0 }));
    const { householdId: covered } = await government.ok('/households', householdBody('440305001001', 70));
    await government.ok(`/households/${covered}/eligibility/verify`, { category: 'low-income' });
    const { giftId } = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: covered, productId: noWaiting }, remainder: 'refund' });
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAY-CLAIM-${giftId}`, amount: cny(3000) });
    const policies = await insurer.list('/insurer/policies');
    const { policyId } = policies.find((policy: { householdId: string }) => policy.householdId === covered);
    await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: `KEYED-${policyId}`, startDate: today });

    const claim = (amount: number) => ({ incidentDate: today, kind: 'illness' as const, amountClaimed: cny(amount), evidence: ['invoice.pdf'] });
    const key = randomUUID();
    const first = await government.post(`/policies/${policyId}/claims`, claim(10_000), keyed(key));
    expect(first.status).toBe(201);
    const head = await store.headPosition();
    expect(await government.post(`/policies/${policyId}/claims`, claim(10_000), keyed(key))).toMatchObject({ status: 201, body: first.body });
    expect((await government.post(`/policies/${policyId}/claims`, claim(20_000), keyed(key))).status).toBe(422);
    expect(await store.headPosition()).toBe(head);
    // The insurer's own request with the same key is its own claim.
    const insurers = await insurer.post(`/policies/${policyId}/claims`, claim(10_000), keyed(key));
    expect(insurers.status).toBe(201);
    expect(insurers.body.claimId).not.toBe(first.body.claimId);

    // Two API processes racing with one key (each with its own list of requests in flight) both pass
    // their lookups and both run the command, for the same id: the loser, decided again on the
    // fresh state, is refused because that id exists. Running the command twice is that race.
    const me: Principal = await government.read('/auth/me');
    const createdId = randomUUID();
    const context: RequestContext = { user: me, correlationId: createdId, markUnsettled: () => undefined, idempotency: { key: 'race', createdId, fingerprint: 'f' }, newId: () => createdId };
    const fileClaim = {
      type: 'FileClaim' as const,
      data: { ...claim(1000), policyId, claimId: createdId, filedBy: { role: 'government' as const, id: me.regionCode! }, now: new Date().toISOString() },
    };
    const commands = platform.app.get(CommandRunner);
    await commands.run(claimsDecider, streams.policy(policyId), fileClaim, context);
    await expect(commands.run(claimsDecider, streams.policy(policyId), fileClaim, context)).rejects.toThrow(new Conflict(`claim ${createdId} is already filed`, 'claim.already-filed'));
    expect((await store.readStream(streams.policy(policyId))).filter((event) => event.metadata.idempotency?.createdId === createdId)).toHaveLength(1);
  });

  it('leaves a household\'s personal data out of the fingerprint (no hash of it may outlive an erasure): a retry differing only there gets the first answer', async () => {
    const key = randomUUID();
    const first = await government.post('/households', householdBody('440305001001', 60), keyed(key));
    const samePlaceOtherPerson = await government.post('/households', householdBody('440305001001', 61), keyed(key));
    expect(samePlaceOtherPerson).toMatchObject({ status: 201, body: first.body });
  });

  it('documents the header in OpenAPI on every command that creates something', async () => {
    const { paths } = await platform.api.read('/docs-json');
    for (const path of ['/gifts', '/households', '/policies/{policyId}/claims', '/products', '/programmes', '/users', '/disasters/declarations']) {
      expect(paths[path].post.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
      expect(Object.keys(paths[path].post.responses)).toEqual(expect.arrayContaining(['409', '422']));
    }
  });

  it('login creation honours Idempotency-Key: the same request gets the same account, another password or body 422', async () => {
    const key = randomUUID();
    const account = { username: 'keyed.user', password: 'keyed-password-1', displayName: 'Keyed user', role: 'donor' };
    const first = await admin.post('/users', account, keyed(key));
    expect(first.status).toBe(201);
    const retried = await admin.post('/users', account, keyed(key));
    expect({ status: retried.status, body: retried.body }).toEqual({ status: 201, body: first.body });
    expect((await admin.post('/users', { ...account, password: 'keyed-password-2' }, keyed(key))).status).toBe(422);
    expect((await admin.post('/users', { ...account, displayName: 'Someone else' }, keyed(key))).status).toBe(422);
    expect((await platform.api.post('/auth/login', { username: 'keyed.user', password: 'keyed-password-2' })).status).toBe(401);
    expect((await platform.api.post('/auth/login', { username: 'keyed.user', password: 'keyed-password-1' })).status).toBe(200);
  });
});
