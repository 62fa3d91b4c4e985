import { randomUUID } from 'node:crypto';
import { policyIdFor, streams } from '@pangolin/domain';
import type { EventStore } from '@pangolin/event-store';
import { EVENT_STORE } from '@pangolin/runtime';
import { householdBody, productTerms, signUpCastAndRivals } from './support/actors';
import { cny, startPlatform, STORE_CONFIGURATIONS, type ApiClient, type RunningPlatform } from './support/platform';

/**
 * A claim's page (GET /claims/:claimId): its facts, evidence, policy number, household code and
 * whole history from the log (filed; approved with its note or rejected with its reason; paid with
 * the payout reference), for the insurer of record and the household's government only. And the
 * insurer's issue of a requested policy under an Idempotency-Key: a retry gets the first answer
 * and issues nothing twice (the web's bulk issue relies on it).
 */
describe.each(STORE_CONFIGURATIONS)("a claim's page and the idempotent issue, on %s", (_, storeEnvironment) => {
  let platform: RunningPlatform;
  let government: ApiClient;
  let otherGovernment: ApiClient;
  let insurer: ApiClient;
  let otherInsurer: ApiClient;
  let donor: ApiClient;
  let productId: string;
  let policyId: string;
  let secondPolicyId: string;
  const today = () => new Date().toISOString().slice(0, 10);
  const store = () => platform.app.get<EventStore>(EVENT_STORE);

  /** A verified household of `village`, its premium paid by the donor: its policy is requested. */
  const fundedPolicy = async (village: string, n: number) => {
    const { householdId } = await government.ok('/households', householdBody(village, n));
    await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
    const { giftId } = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAY-CLAIM-PAGE-${n}`, amount: cny(3000) });
    return policyIdFor(householdId, productId, 1);
  };

  beforeAll(async () => {
    platform = await startPlatform(storeEnvironment());
    const { api } = platform;
    ({ government, otherGovernment, insurer, otherInsurer, donor } = await signUpCastAndRivals(api));
    productId = (await insurer.ok('/products', productTerms({ waitingPeriodDays: 0 }))).productId;
    policyId = await fundedPolicy('440305001001', 1);
    secondPolicyId = await fundedPolicy('440305001002', 2);
    await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ANX-PAGE-1', startDate: today() });
  }, 120_000);
  afterAll(() => platform?.stop());

  it('shows a paid claim with its facts and whole history, each entry the event the log recorded', async () => {
    const { claimId } = await government.ok(`/policies/${policyId}/claims`, { incidentDate: today(), kind: 'illness', amountClaimed: cny(120_000), evidence: ['hospital discharge summary'] });
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/approve`, { approvedAmount: cny(100_000), note: 'the receipt covers 1,000 yuan' });
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/payment`, { payoutReference: 'BANK-TRF-PAGE-1' });

    const page = await insurer.read(`/claims/${claimId}`);
    expect(page).toMatchObject({
      claimId,
      policyId,
      policyNumber: 'ANX-PAGE-1',
      householdCode: expect.stringMatching(/^HH-[0-9A-F]{8}$/),
      state: 'paid',
      kind: 'illness',
      incidentDate: today(),
      amountClaimed: cny(120_000),
      approvedAmount: cny(100_000),
      paidAmount: cny(100_000),
      payoutReference: 'BANK-TRF-PAGE-1',
      evidence: ['hospital discharge summary'],
      evidenceFiles: [],
    });
    const events = (await store().readStream(streams.policy(policyId))).filter((event) => (event.data as { claimId?: string }).claimId === claimId);
    expect(page.history).toEqual(events.map((event) => ({ type: event.type, occurredAt: event.metadata.occurredAt, position: event.position.toString(), eventId: event.eventId, detail: expect.any(Object) })));
    expect(page.history.map((entry: { type: string; detail: unknown }) => [entry.type, entry.detail])).toEqual([
      ['ClaimFiled', { incidentDate: today(), kind: 'illness', amountClaimed: cny(120_000), filedBy: 'government', evidence: 1 }],
      ['ClaimApproved', { approvedAmount: cny(100_000), inFull: false, note: 'the receipt covers 1,000 yuan' }],
      ['ClaimPaid', { amount: cny(100_000), payoutReference: 'BANK-TRF-PAGE-1' }],
    ]);
    // The household's government reads the same page.
    expect(await government.read(`/claims/${claimId}`)).toEqual(page);
  });

  it('shows a rejected claim with the reason, and no other claim of the policy', async () => {
    const { claimId } = await insurer.ok(`/policies/${policyId}/claims`, { incidentDate: today(), kind: 'accident', amountClaimed: cny(50_000), evidence: [] });
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/reject`, { reason: '事故发生在保障范围之外' });
    const page = await government.read(`/claims/${claimId}`);
    expect(page).toMatchObject({ state: 'rejected', rejectionReason: '事故发生在保障范围之外', filedBy: { role: 'insurer' } });
    expect(page.history.map((entry: { type: string; detail: unknown }) => [entry.type, entry.detail])).toEqual([
      ['ClaimFiled', { incidentDate: today(), kind: 'accident', amountClaimed: cny(50_000), filedBy: 'insurer', evidence: 0 }],
      ['ClaimRejected', { reason: '事故发生在保障范围之外' }],
    ]);
  });

  it("is read by the insurer of record and the household's government only", async () => {
    const { claimId } = await government.ok(`/policies/${policyId}/claims`, { incidentDate: today(), kind: 'illness', amountClaimed: cny(1_000), evidence: [] });
    const status = async (who: ApiClient, id = claimId) => (await who.get(`/claims/${id}`)).status;
    expect(await status(insurer)).toBe(200);
    expect(await status(government)).toBe(200);
    // Another insurer, another county's government: there is no such claim for them.
    expect(await status(otherInsurer)).toBe(404);
    expect(await status(otherGovernment)).toBe(404);
    expect((await otherInsurer.get(`/claims/${claimId}`)).body.message).toBe(`claim ${claimId} not found`);
    expect(await status(donor)).toBe(403);
    expect(await status(platform.api)).toBe(401);
    expect(await status(insurer, randomUUID())).toBe(404);
    const malformed = await insurer.get('/claims/not-a-claim');
    expect([malformed.status, malformed.body.violations?.[0]?.field]).toEqual([400, 'claimId']);
  });

  it('issues a requested policy once under an Idempotency-Key: the same request again gets the first answer, another body 422, a new key 409', async () => {
    const key = { 'idempotency-key': `issue-${secondPolicyId}` };
    const body = { policyNumber: 'ANX-PAGE-2', startDate: today() };
    const first = await insurer.post(`/policies/${secondPolicyId}/issue`, body, key);
    expect(first).toEqual({ status: 200, body: { policyId: secondPolicyId, status: 'active', policyNumber: 'ANX-PAGE-2' } });
    const head = await store().headPosition();
    expect(await insurer.post(`/policies/${secondPolicyId}/issue`, body, key)).toEqual(first);
    expect(await store().headPosition()).toBe(head);
    expect((await insurer.post(`/policies/${secondPolicyId}/issue`, { ...body, policyNumber: 'ANX-PAGE-3' }, key)).status).toBe(422);
    expect((await insurer.post(`/policies/${secondPolicyId}/issue`, body, { 'idempotency-key': randomUUID() })).status).toBe(409);
    const issued = (await store().readStream(streams.policy(secondPolicyId))).filter((event) => event.type === 'PolicyIssued');
    expect(issued).toHaveLength(1);
    expect(await store().headPosition()).toBe(head);
  });
});
