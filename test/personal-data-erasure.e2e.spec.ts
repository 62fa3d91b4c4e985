import Database from 'better-sqlite3';
import { Client } from 'pg';
import { streams } from '@pangolin/domain';
import { EventStore } from '@pangolin/event-store';
import { auditMerkleLog } from '@pangolin/read-models';
import { encodeLeaf, formatAuditReport, leafHash, openNote, parseCheckpoint, verifyInclusion, verifyReceipt } from '@pangolin/transparency';
import { rebuildReadModels } from '../apps/api/src/cli/rebuild-read-models';
import { signedCheckpointSource } from '@pangolin/records';
import { EVENT_STORE, READ_DB, RECORDS_DB } from '@pangolin/runtime';
import { DataSource } from 'typeorm';
import { householdBody, PASSWORD, productTerms, signUp } from './support/actors';
import { ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS, TEST_POSTGRES_URL } from './support/platform';

/**
 * Issue 5, over HTTP on the real platform: a household's personal data are sealed in the event log
 * under its own key; its government erases them, and from then on no view shows them, not even
 * after the views are rebuilt from the log, while the log itself is untouched.
 */
describe.each(STORE_CONFIGURATIONS)('erasing a household\'s personal data, on %s', (_, storeEnvironment) => {
  const environment = storeEnvironment();
  let platform: RunningPlatform;
  let government: ApiClient, town: ApiClient, otherGovernment: ApiClient, insurer: ApiClient, donor: ApiClient, auditor: ApiClient;
  const erasedBody = householdBody('440305001001', 501);
  const keptBody = householdBody('440305001001', 502);
  let erased: { householdId: string; householdCode: string };
  let kept: { householdId: string; householdCode: string };
  let giftId: string, policyId: string;
  let receiptBeforeErasure: string;

  const personalStrings = (body: typeof erasedBody) => [body.personal.headName, body.personal.headNationalId, body.personal.address, ...body.personal.members.map((member) => member.name)];
  const erasedStrings = personalStrings(erasedBody);

  async function signIn(api: ApiClient): Promise<void> {
    [government, town, otherGovernment, insurer, donor, auditor] = await Promise.all(['gov.nanshan', 'gov.xili', 'gov.baoan', 'insurer.anxin', 'donor.a', 'auditor'].map((username) => api.login(username, PASSWORD)));
  }

  /** Every response body a government, the insurer, the donor, the auditor and the public can get about the story. */
  async function everyView(): Promise<Record<string, unknown>> {
    const household = (id: string) => `/households/${id}`;
    return {
      governmentHousehold: await government.read(household(erased.householdId)),
      governmentHouseholds: await government.read('/government/households'),
      governmentDashboard: await government.read('/government/dashboard'),
      townHouseholds: await town.read('/government/households'),
      insurerHousehold: await insurer.read(household(erased.householdId)),
      insurerDashboard: await insurer.read('/insurer/dashboard?asOf=2026-07-01'),
      insurerPolicies: await insurer.read('/insurer/policies'),
      donorGifts: await donor.read('/donor/gifts'),
      donorGift: await donor.read(`/gifts/${giftId}`),
      publicHousehold: await new ApiClient(platform.url).read(household(erased.householdId)),
      uncovered: await new ApiClient(platform.url).read('/households/uncovered?region=440305&productId=' + (await platform.api.read('/products')).items[0].productId),
      publicTotals: await platform.api.read('/public/totals'),
      ledger: await auditor.read('/ledger'),
      ledgerOfGift: await auditor.read(`/ledger/gifts/${giftId}`),
      auditorHousehold: await auditor.read(household(erased.householdId)),
    };
  }

  /** The event store's events table, every column of every row, as text. */
  async function rawEventsText(): Promise<string> {
    const config = platform.config.eventStore;
    if (config.kind === 'sqlite') {
      const file = new Database(config.path, { readonly: true });
      try {
        return JSON.stringify(file.prepare('SELECT * FROM events').all(), (_, value) => (typeof value === 'bigint' ? value.toString() : value));
      } finally {
        file.close();
      }
    }
    if (config.kind !== 'postgres') throw new Error(`no raw access to a ${config.kind} event store in this test`);
    const client = new Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      return JSON.stringify((await client.query(`SELECT * FROM "${config.schema}".events`)).rows);
    } finally {
      await client.end();
    }
  }

  function expectNoneOf(strings: string[], text: string, where: string): void {
    for (const value of strings) if (text.includes(value)) throw new Error(`${where} shows "${value}"`);
  }

  beforeAll(async () => {
    platform = await startPlatform(environment);
    const { api } = platform;
    await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    await signUp(api, { username: 'gov.xili', role: 'government', regionCode: '440305001' });
    await signUp(api, { username: 'gov.baoan', role: 'government', regionCode: '440306' });
    await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    await signUp(api, { username: 'donor.a', role: 'donor' });
    await signUp(api, { username: 'auditor', role: 'auditor' });
    await signIn(api);
  }, 60_000);
  afterAll(() => platform?.stop());

  it('registers households, funds one and issues its policy, showing its personal data only to its government and insurer', async () => {
    erased = await government.ok('/households', erasedBody);
    kept = await government.ok('/households', keptBody);
    await government.ok(`/households/${erased.householdId}/eligibility/verify`, { category: 'low-income' });
    const { productId } = await insurer.ok('/products', productTerms());
    ({ giftId } = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: erased.householdId, productId }, remainder: 'refund' }));
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: 'ERASE-1', amount: cny(3000) });
    policyId = (await donor.read(`/gifts/${giftId}`)).allocations.items[0].policyId;
    await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ANX-ERASE-1', startDate: new Date().toISOString().slice(0, 10) });

    expect(await government.read(`/households/${erased.householdId}`)).toMatchObject({ personal: erasedBody.personal, personalDataErased: false });
    expect(await insurer.read(`/households/${erased.householdId}`)).toMatchObject({ personal: erasedBody.personal, personalDataErased: false });
    expectNoneOf(erasedStrings, JSON.stringify(await donor.read(`/gifts/${giftId}`)), 'the donor view');
    receiptBeforeErasure = JSON.stringify((await donor.get(`/gifts/${giftId}/receipt`)).body);
    expect(verifyReceipt(receiptBeforeErasure, platform.config.transparency.verifierKey)).toMatchObject({ ok: true });
  }, 60_000);

  it('never writes the personal data into the event store: only the sealed form', async () => {
    const text = await rawEventsText();
    expect(text).toContain('aes-256-gcm/1');
    expectNoneOf([...erasedStrings, ...personalStrings(keptBody)], text, 'the events table');
  });

  it('lets only the registering government erase, with a reason', async () => {
    const path = `/households/${erased.householdId}/erasure`;
    expect(await town.post(path, { reason: 'asked to be forgotten' })).toMatchObject({ status: 403 });
    expect(await otherGovernment.post(path, { reason: 'asked to be forgotten' })).toMatchObject({ status: 403 });
    expect(await insurer.post(path, { reason: 'asked to be forgotten' })).toMatchObject({ status: 403 });
    expect(await government.post(path, {})).toMatchObject({ status: 400, body: { violations: expect.arrayContaining([expect.objectContaining({ field: 'reason', rule: 'isNotEmpty', code: 'validation.isNotEmpty' })]) } });
    expect(await government.post(`/households/00000000-0000-4000-8000-000000000000/erasure`, { reason: 'x' })).toMatchObject({ status: 404 });
    expect((await government.read(path.replace('/erasure', ''))).personalDataErased).toBe(false);

    expect(await government.post(path, { reason: 'the household asked to be forgotten' })).toEqual({ status: 200, body: { householdId: erased.householdId, personalDataErased: true } });
    expect(await government.post(path, { reason: 'again' })).toMatchObject({ status: 409, body: { reason: expect.stringMatching(/already erased/) } });
  }, 60_000);

  it('shows the erased household without personal data in every view, and the other household as before', async () => {
    const views = await everyView();
    for (const [name, body] of Object.entries(views)) expectNoneOf(erasedStrings, JSON.stringify(body), name);
    expect(views.governmentHousehold).toMatchObject({ householdId: erased.householdId, householdCode: erased.householdCode, eligible: true, covered: true, personal: null, personalDataErased: true });
    expect(views.insurerHousehold).toMatchObject({ personal: null, personalDataErased: true });
    const listed = (views.governmentHouseholds as { items: { householdId: string }[] }).items.find((household) => household.householdId === erased.householdId);
    expect(listed).toMatchObject({ personal: null, personalDataErased: true });
    const policyOfErased = (views.insurerPolicies as { items: { householdId: string; household: unknown }[] }).items.find((policy) => policy.householdId === erased.householdId);
    expect(policyOfErased?.household).toMatchObject({ householdCode: erased.householdCode, personal: null, personalDataErased: true });
    expect(await government.read(`/households/${kept.householdId}`)).toMatchObject({ personal: keptBody.personal, personalDataErased: false });
    // The money story is untouched: the gift still traces to the household's policy.
    expect(views.donorGift).toMatchObject({ allocations: { items: [expect.objectContaining({ householdCode: erased.householdCode, policyId })] } });
    expectNoneOf(erasedStrings, await rawEventsText(), 'the events table');
  }, 60_000);

  it('keeps the household erased after the views are rebuilt from the log', async () => {
    await platform.stop({ keepData: true });
    const { events } = await rebuildReadModels(platform.config);
    expect(events).toBeGreaterThan(0n);
    platform = await startPlatform(environment, platform.dataDir);
    await signIn(platform.api);

    const views = await everyView();
    for (const [name, body] of Object.entries(views)) expectNoneOf(erasedStrings, JSON.stringify(body), `${name} after the rebuild`);
    expect(views.governmentHousehold).toMatchObject({ personal: null, personalDataErased: true, covered: true });
    expect(await government.read(`/households/${kept.householdId}`)).toMatchObject({ personal: keptBody.personal, personalDataErased: false });
  }, 120_000);

  it('keeps every proof valid: the receipt given before the erasure, a new one, the household\'s own events, and the audit', async () => {
    const key = platform.config.transparency.verifierKey;
    expect(verifyReceipt(receiptBeforeErasure, key)).toMatchObject({ ok: true });
    const receiptNow = JSON.stringify((await donor.get(`/gifts/${giftId}/receipt`)).body);
    expect(verifyReceipt(receiptNow, key)).toMatchObject({ ok: true });
    expectNoneOf(erasedStrings, receiptBeforeErasure + receiptNow, 'a receipt');
    const householdEvents = await platform.app.get<EventStore>(EVENT_STORE).readStream(streams.household(erased.householdId));
    expect(householdEvents.map((event) => event.type)).toEqual(['HouseholdRegistered', 'HouseholdEligibilityVerified', 'HouseholdPersonalDataErased']);
    for (const event of householdEvents) {
      const proof = await platform.api.read(`/transparency/events/${event.eventId}/inclusion-proof`);
      const checkpoint = parseCheckpoint(openNote(proof.checkpoint, [key]).text);
      const hashes = proof.inclusionProof.map((hash: string) => Uint8Array.from(Buffer.from(hash, 'base64')));
      expect(verifyInclusion(leafHash(encodeLeaf(event)), BigInt(proof.leafIndex), checkpoint.size, hashes, checkpoint.rootHash)).toEqual({ ok: true });
    }
    const report = await auditMerkleLog(platform.app.get<EventStore>(EVENT_STORE), platform.app.get<DataSource>(READ_DB), signedCheckpointSource(platform.app.get<DataSource>(RECORDS_DB)), { verifierKey: key, origin: platform.config.transparency.origin });
    expect(formatAuditReport(report)).toMatch(/^Audit passed: \d+ events, root [0-9a-f]{64} matches the checkpoint of size \d+/);
    expect(report.checkpointsVerified).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
