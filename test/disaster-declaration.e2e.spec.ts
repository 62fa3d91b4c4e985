import { verifyReceipt } from '@pangolin/transparency';
import { householdBody, productTerms, signUp } from './support/actors';
import { ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS, TestClock } from './support/platform';

/**
 * Issue #13, items 1 and 2, end to end: a county of two towns, with covered and uncovered
 * households in both; a flood declared for one town; the insurer confirms; every covered household
 * of that town is paid exactly once per policy (a household covered by two parametric products
 * twice), none outside it; the report lists the uncovered; the ledger balances; the donor's view
 * and receipt show the payout.
 *
 * Figures: product FLOOD pays a fixed 500 yuan (50,000 fen); product SHARE pays a share of its
 * sum insured of 10,000 yuan by severity (level 3: 20%, 200,000 fen). Policies start 2026-01-01;
 * the flood is 2026-03-10 to 2026-03-12 and is declared on 2026-03-15.
 */
describe.each(STORE_CONFIGURATIONS)('a disaster declaration paid to every covered household of the area, on %s', (_, storeEnvironment) => {
  let platform: RunningPlatform;
  let government: ApiClient, insurer: ApiClient, otherInsurer: ApiClient, donor: ApiClient, auditor: ApiClient;
  const clock = new TestClock('2026-01-01T08:00:00Z');
  const households: Record<string, { householdId: string; householdCode: string }> = {};
  const products: Record<string, string> = {};
  const gifts: Record<string, string> = {};
  const policies: Record<string, string> = {};
  let declarationId: string;
  const TOWN_FLOODED = '440305001';
  const TOWN_DRY = '440305002';

  beforeAll(async () => {
    platform = await startPlatform(storeEnvironment(), undefined, { clock });
    const { api } = platform;
    government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    otherInsurer = await signUp(api, { username: 'insurer.other', role: 'insurer', insurerId: 'other-mutual' });
    donor = await signUp(api, { username: 'donor.a', role: 'donor' });
    auditor = await signUp(api, { username: 'auditor', role: 'auditor' });

    products.FLOOD = (await insurer.ok('/products', productTerms({ name: 'Flood index cover', coverageKind: 'property', parametric: { perils: ['flood', 'typhoon'], rule: 'fixed', amount: cny(50_000) } }))).productId;
    products.SHARE = (await insurer.ok('/products', productTerms({
      name: 'Disaster share cover', coverageKind: 'property', sumInsured: cny(1_000_000), parametric: { perils: ['flood'], rule: 'severity-share', shareBasisPointsBySeverity: [10_000, 5_000, 2_000, 1_000] },
    }))).productId;
    // Another insurer's product with no parametric benefit: it has no say in a declaration.
    await otherInsurer.ok('/products', productTerms());

    const register = async (name: string, village: string, n: number, eligible = true) => {
      const { householdId, householdCode } = await government.ok('/households', householdBody(village, n));
      if (eligible) await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
      households[name] = { householdId, householdCode };
    };
    // Flooded town: F1 and F2 covered (F2 by both products), F3 eligible but uncovered, F4 not eligible.
    await register('F1', `${TOWN_FLOODED}001`, 1);
    await register('F2', `${TOWN_FLOODED}002`, 2);
    await register('F3', `${TOWN_FLOODED}001`, 3);
    await register('F4', `${TOWN_FLOODED}002`, 4, false);
    // Dry town: D1 covered, D2 uncovered.
    await register('D1', `${TOWN_DRY}001`, 5);
    await register('D2', `${TOWN_DRY}001`, 6);

    const cover = async (key: string, household: string, product: string) => {
      const { giftId } = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: households[household].householdId, productId: products[product] }, remainder: 'refund' });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `FLOOD-${key}`, amount: cny(3000) });
      const policyId = (await donor.read(`/gifts/${giftId}`)).allocations.items[0].policyId;
      await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: `ANX-${key}`, startDate: '2026-01-01' });
      gifts[key] = giftId;
      policies[key] = policyId;
    };
    await cover('F1', 'F1', 'FLOOD');
    await cover('F2', 'F2', 'FLOOD');
    await cover('F2-share', 'F2', 'SHARE');
    await cover('D1', 'D1', 'FLOOD');
    clock.set('2026-03-15T09:00:00Z');
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('lets the government declare a flood for one town of its county, within its region and not in the future', async () => {
    const outside = await government.post('/disasters/declarations', { peril: 'flood', regionCodes: ['440306001'], incidentFrom: '2026-03-10', incidentTo: '2026-03-12', severity: 3, authorityReference: 'X' });
    expect(outside.status).toBe(403);
    const future = await government.post('/disasters/declarations', { peril: 'flood', regionCodes: [TOWN_FLOODED], incidentFrom: '2026-03-10', incidentTo: '2026-03-16', severity: 3, authorityReference: 'X' });
    expect(future.status).toBe(400);
    expect(JSON.stringify(future.body)).toContain('incidentTo');
    ({ declarationId } = await government.ok('/disasters/declarations', {
      peril: 'flood', regionCodes: [TOWN_FLOODED], incidentFrom: '2026-03-10', incidentTo: '2026-03-12', severity: 3, authorityReference: '南山应急〔2026〕7号',
    }));
    expect(await government.read(`/disasters/declarations/${declarationId}`)).toMatchObject({ status: 'declared', declaredAt: expect.stringMatching(/^2026-03-15T09:00/), policiesPaid: 0, amountPaid: null });
  });

  it('leaves an insurer without a product covering the peril out, and pays every covered household of the town once the insurer confirms', async () => {
    expect((await otherInsurer.post(`/disasters/declarations/${declarationId}/confirm`, {})).status).toBe(403);
    await insurer.ok(`/disasters/declarations/${declarationId}/confirm`, { paymentFileReference: 'ANX-PAYFILE-0315' });
    // A second confirmation changes nothing, and the insurer cannot dispute what it confirmed.
    await insurer.ok(`/disasters/declarations/${declarationId}/confirm`, { paymentFileReference: 'ANX-PAYFILE-0315' });
    expect((await insurer.post(`/disasters/declarations/${declarationId}/dispute`, { reason: 'changed our mind' })).status).toBe(409);

    const declaration = await government.read(`/disasters/declarations/${declarationId}`);
    expect(declaration).toMatchObject({ status: 'paid', policiesPaid: 3, amountPaid: cny(300_000), detailsShown: true });
    expect(declaration.answers).toEqual([expect.objectContaining({ insurerId: 'anxin-mutual', status: 'confirmed', completedAt: expect.any(String) })]);
    const payouts = await government.list(`/disasters/declarations/${declarationId}/payouts?limit=2`);
    const paid = payouts.map(({ policyId, householdId, amount, payoutReference }) => [policyId, householdId, amount, payoutReference]);
    expect(paid.sort()).toEqual([
      [policies.F1, households.F1.householdId, cny(50_000), 'ANX-PAYFILE-0315-1'],
      [policies.F2, households.F2.householdId, cny(50_000), 'ANX-PAYFILE-0315-1'],
      [policies['F2-share'], households.F2.householdId, cny(200_000), 'ANX-PAYFILE-0315-1'],
    ].sort());
    // The uncovered of the town are listed (F4 is not eligible); the dry town is not part of the report.
    expect((await government.list(`/disasters/declarations/${declarationId}/uncovered`)).map(({ householdCode }) => householdCode)).toEqual([households.F3.householdCode]);
  });

  it('pays through the policies: each claim paid once, none outside the town, reducing the remaining cover', async () => {
    const claims = await insurer.list('/insurer/claims?state=paid');
    expect(claims.map((claim: { policyId: string }) => claim.policyId).sort()).toEqual([policies.F1, policies.F2, policies['F2-share']].sort());
    expect(claims.every((claim: { kind: string }) => claim.kind === 'natural-disaster')).toBe(true);
  });

  it('shows the public the declaration and pseudonymous codes only', async () => {
    const [listed] = await platform.api.list('/disasters/declarations');
    expect(listed).toMatchObject({ declarationId, policiesPaid: 3, amountPaid: cny(300_000), detailsShown: false });
    const payouts = await platform.api.list(`/disasters/declarations/${declarationId}/payouts`);
    expect(payouts.map(({ householdCode }) => householdCode).sort()).toEqual([households.F1.householdCode, households.F2.householdCode, households.F2.householdCode].sort());
    for (const payout of payouts) expect(Object.keys(payout).sort()).toEqual(['amount', 'batchNumber', 'householdCode', 'insurerId', 'paidAt', 'villageCode']);
    expect(await otherInsurer.read(`/disasters/declarations/${declarationId}`)).toMatchObject({ detailsShown: false });
  });

  it("lists a government's own declarations and those of an insurer's perils when asked for `mine`", async () => {
    const ids = (list: { declarationId: string }[]) => list.map(({ declarationId: id }) => id);
    expect(ids(await government.list('/disasters/declarations?mine=true'))).toEqual([declarationId]);
    expect(ids(await insurer.list('/disasters/declarations?mine=true'))).toEqual([declarationId]);
    // Its only product pays no parametric benefit; a government elsewhere declared none of them.
    expect(await otherInsurer.list('/disasters/declarations?mine=true')).toEqual([]);
    const elsewhere = await signUp(platform.api, { username: 'gov.futian', role: 'government', regionCode: '440304' });
    expect(await elsewhere.list('/disasters/declarations?mine=true')).toEqual([]);
    const anonymous = await platform.api.get('/disasters/declarations?mine=true');
    expect([anonymous.status, JSON.stringify(anonymous.body)]).toEqual([400, expect.stringContaining('mine')]);
  });

  it('balances the ledger, and shows the donor the payout its premium made possible, in a receipt that verifies', async () => {
    const ledger = await auditor.read('/ledger');
    expect(ledger.total).toEqual([{ currency: 'CNY', total: 0 }]);
    const balances = await auditor.list('/ledger');
    const balance = (account: string) => balances.find((b: { account: string }) => b.account === account)?.balance;
    expect(balance(`household:${households.F2.householdId}`)).toBe(250_000);
    expect(balance(`household:${households.D1.householdId}`)).toBeUndefined();
    const gift = await donor.read(`/gifts/${gifts['F2-share']}`);
    expect(gift.allocations.items[0].claimsPaid).toEqual([expect.objectContaining({ amount: cny(200_000), attributedToGift: cny(200_000), payoutReference: 'ANX-PAYFILE-0315-1' })]);
    expect((await donor.read(`/gifts/${gifts.D1}`)).allocations.items[0].claimsPaid).toEqual([]);
    await auditor.ok('/transparency/checkpoints');
    const receipt = (await donor.get(`/gifts/${gifts['F2-share']}/receipt`)).body;
    const verified = verifyReceipt(JSON.stringify(receipt), platform.config.transparency.verifierKey);
    if (!verified.ok) throw new Error(verified.failure);
    expect(verified.trail.steps.filter(({ kind }) => kind === 'claim-paid')).toEqual([expect.objectContaining({ policyId: policies['F2-share'], amount: cny(200_000), payoutReference: 'ANX-PAYFILE-0315-1' })]);
  });
});
