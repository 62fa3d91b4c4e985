import { PolicyExpirySweeper } from '@pangolin/runtime';
import { householdBody, productTerms, signUp } from './support/actors';
import { ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS, TestClock } from './support/platform';

/**
 * The whole story of issue #3, over HTTP against the real platform on the embedded store:
 * a government registers households, an insurer publishes a product, two donors jointly fund one
 * household's premium and a third gives to a programme, policies are issued, a claim is filed,
 * approved and paid; then each view shows exactly the expected figures and the ledger sums to zero.
 *
 * Figures: premium 3,000 fen a household. Donor A gives 2,000 and donor B 1,500 to household H1
 * (B's last 500 is refunded, as B chose). Donor C gives 7,000 to the Nanshan programme: H2 and H3,
 * verified in that order, get 3,000 each and 1,000 is held in escrow, as C chose, until H6 is
 * verified eligible and receives it. A claim of 8,000 yuan on H1's policy is approved for 6,000
 * yuan and paid.
 *
 * The platform runs on a TestClock: the gifts are paid on 2026-01-01 and the policies start that
 * day, the claims are filed in May, and the policies expire on 2027-01-01.
 */
describe.each(STORE_CONFIGURATIONS)('a directed insurance gift, end to end, on %s', (_, storeEnvironment) => {
  let platform: RunningPlatform;
  let government: ApiClient, otherGovernment: ApiClient, insurer: ApiClient, donorA: ApiClient, donorB: ApiClient, donorC: ApiClient, auditor: ApiClient;
  const households: Record<string, { householdId: string; householdCode: string }> = {};
  let productId: string, programmeId: string;
  const gifts: Record<string, string> = {};
  const policies: Record<string, string> = {};
  let claimId: string;
  const clock = new TestClock('2026-01-01T08:00:00Z');

  beforeAll(async () => {
    platform = await startPlatform(storeEnvironment(), undefined, { clock });
    const { api } = platform;
    government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    otherGovernment = await signUp(api, { username: 'gov.baoan', role: 'government', regionCode: '440306' });
    insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    donorA = await signUp(api, { username: 'donor.a', role: 'donor' });
    donorB = await signUp(api, { username: 'donor.b', role: 'donor' });
    donorC = await signUp(api, { username: 'donor.c', role: 'donor' });
    auditor = await signUp(api, { username: 'auditor', role: 'auditor' });
  });
  afterAll(() => platform?.stop());

  it('lets a government register and verify households of its region', async () => {
    const register = async (name: string, village: string, n: number, by = government) => (households[name] = await by.ok('/households', householdBody(village, n)));
    await register('H1', '440305001001', 1);
    await register('H2', '440305001002', 2);
    await register('H3', '440305002001', 3);
    await register('H4', '440305002001', 4); // registered, never verified
    await register('H6', '440305002001', 6); // verified only after the programme gift
    await register('B1', '440306001001', 7, otherGovernment);
    for (const name of ['H1', 'H2', 'H3']) await government.ok(`/households/${households[name].householdId}/eligibility/verify`, { category: 'low-income' });
    await otherGovernment.ok(`/households/${households.B1.householdId}/eligibility/verify`, { category: 'disabled' });
    expect(households.H1.householdCode).toMatch(/^HH-[0-9A-F]{8}$/);
  });

  it('lets an insurer publish a product and a government launch a programme', async () => {
    ({ productId } = await insurer.ok('/products', productTerms()));
    ({ programmeId } = await government.ok('/programmes', { name: 'Nanshan livelihood cover 2026', regionCode: '440305', productId }));
    expect((await platform.api.list('/products')).map((p: { productId: string }) => p.productId)).toEqual([productId]);
  });

  it('lets two donors jointly fund one household and a third give to a programme', async () => {
    const give = async (donor: ApiClient, name: string, amount: number, target: object, remainder: string) => {
      const { giftId } = await donor.ok('/gifts', { amount: cny(amount), target, remainder });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAY-${name}`, amount: cny(amount) });
      gifts[name] = giftId;
    };
    await give(donorA, 'A', 2000, { kind: 'household', householdId: households.H1.householdId, productId }, 'refund');
    await give(donorB, 'B', 1500, { kind: 'household', householdId: households.H1.householdId, productId }, 'refund');
    await give(donorC, 'C', 7000, { kind: 'programme', programmeId }, 'hold');
    expect((await donorC.list('/donor/gifts'))[0]).toMatchObject({ allocated: cny(6000), held: cny(1000) });
    // Held money is spent as soon as a household it was given for needs it.
    await government.ok(`/households/${households.H6.householdId}/eligibility/verify`, { category: 'elderly-alone' });
    expect((await donorC.list('/donor/gifts'))[0]).toMatchObject({ allocated: cny(7000), held: cny(0) });

    const view = await insurer.read('/insurer/dashboard?asOf=2026-07-01');
    expect(view.policies.counts).toEqual({ requested: 3, active: 0, expired: 0, cancelled: 0 });
    for (const policy of await insurer.list('/insurer/policies')) {
      const owner = Object.entries(households).find(([, h]) => h.householdId === policy.householdId)![0];
      policies[owner] = policy.policyId;
      expect(policy.premium).toEqual(cny(3000));
    }
    expect(Object.keys(policies).sort()).toEqual(['H1', 'H2', 'H3']);
  });

  it('lets the insurer issue the policies, and a claim be filed, approved in part and paid', async () => {
    for (const [name, policyId] of Object.entries(policies)) {
      await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: `ANX-2026-${name}`, startDate: '2026-01-01' });
    }
    clock.set('2026-05-10T08:00:00Z');
    ({ claimId } = await government.ok(`/policies/${policies.H1}/claims`, { incidentDate: '2026-03-15', kind: 'illness', amountClaimed: cny(800_000), evidence: ['hospital-invoice-8841.pdf'] }));
    await insurer.ok(`/policies/${policies.H1}/claims/${claimId}/approve`, { approvedAmount: cny(600_000), note: 'outpatient costs not covered' });
    await insurer.ok(`/policies/${policies.H1}/claims/${claimId}/payment`, { payoutReference: 'BANK-TRF-0001' });
    const { claimId: rejected } = await insurer.ok(`/policies/${policies.H2}/claims`, { incidentDate: '2026-05-02', kind: 'accident', amountClaimed: cny(50_000), evidence: [] });
    await insurer.ok(`/policies/${policies.H2}/claims/${rejected}/reject`, { reason: 'injury happened outside the insured activity' });
  });

  it("shows each donor the trace of their gift, with pseudonymous households only", async () => {
    const [a] = await donorA.list('/donor/gifts');
    expect(a).toMatchObject({ giftId: gifts.A, status: 'settled', received: cny(2000), allocated: cny(2000), refunded: cny(0), held: cny(0), escrowBalance: cny(0) });
    expect(a.allocations.items).toEqual([
      expect.objectContaining({
        householdCode: households.H1.householdCode,
        policyId: policies.H1,
        amount: cny(2000),
        policy: { policyNumber: 'ANX-2026-H1', status: 'active', startDate: '2026-01-01', endDate: '2026-12-31' },
        claimsPaid: [expect.objectContaining({ claimId, amount: cny(600_000), attributedToGift: cny(400_000), payoutReference: 'BANK-TRF-0001' })],
      }),
    ]);
    const [b] = await donorB.list('/donor/gifts');
    expect(b).toMatchObject({ received: cny(1500), allocated: cny(1000), refunded: cny(500), held: cny(0) });
    expect(b.allocations.items[0].claimsPaid[0].attributedToGift).toEqual(cny(200_000));
    expect(b.refunds.items).toEqual([expect.objectContaining({ kind: 'remainder-refunded', amount: cny(500) })]);
    const [c] = await donorC.list('/donor/gifts');
    expect(c).toMatchObject({ received: cny(7000), allocated: cny(7000), held: cny(0), escrowBalance: cny(0), refunded: cny(0) });
    // The programme's allocations are recorded together (one append), so they share a time: compared by household.
    const byHousehold = (rows: [string, unknown, boolean][]) => [...rows].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(byHousehold(c.allocations.items.map((x: { householdCode: string; amount: unknown; policy: unknown }) => [x.householdCode, x.amount, x.policy === null]))).toEqual(byHousehold([
      [households.H2.householdCode, cny(3000), false],
      [households.H3.householdCode, cny(3000), false],
      [households.H6.householdCode, cny(1000), true], // a third of H6's premium: no policy yet
    ]));
    const everything = JSON.stringify([a, b, c]);
    for (const personal of ['户主', 'headNationalId', 'address']) expect(everything).not.toContain(personal);
    expect((await donorB.get(`/gifts/${gifts.A}`)).status).toBe(404);
  });

  it('shows the insurer its policies, premiums, claims queue and loss ratio', async () => {
    const view = await insurer.read('/insurer/dashboard?asOf=2026-07-01');
    expect(view.policies.counts).toEqual({ requested: 0, active: 3, expired: 0, cancelled: 0 });
    // 2026-01-01 to 2026-07-01 is 181 of 365 days: floor(3,000 * 181 / 365) = 1,487 earned per policy.
    expect(view.premiums).toEqual([
      { currency: 'CNY', premiumsReceived: 9000, unearnedPremiumReturned: 0, premiumsEarned: 3 * 1487, claimsPaid: 600_000, lossRatioBasisPoints: Math.floor((600_000 * 10_000) / (3 * 1487)) },
    ]);
    expect(view.claims.byState.paid).toMatchObject({ count: 1 });
    expect(view.claims.byState.rejected).toMatchObject({ count: 1 });
    expect(await insurer.list('/insurer/claims?state=filed,approved')).toEqual([]);
    expect((await insurer.list('/insurer/claims?state=paid')).map((claim: { claimId: string; policyNumber: string }) => [claim.claimId, claim.policyNumber])).toEqual([[claimId, 'ANX-2026-H1']]);
  });

  it("shows the government its region rolled up county -> town -> village, and only its region", async () => {
    const dashboard = await government.read('/government/dashboard');
    expect(dashboard).toMatchObject({
      code: '440305',
      level: 'county',
      registered: 5,
      eligible: 4,
      covered: 3,
      coverageRateBasisPoints: 7500,
      money: [{ currency: 'CNY', received: 10_500, allocated: 10_000, claimsPaid: 600_000 }],
    });
    const towns = Object.fromEntries(dashboard.children.map((town: { code: string }) => [town.code, town]));
    expect(towns['440305001']).toMatchObject({ registered: 2, eligible: 2, covered: 2, money: [{ currency: 'CNY', received: 3500, allocated: 6000, claimsPaid: 600_000 }] });
    expect(towns['440305002']).toMatchObject({ registered: 3, eligible: 2, covered: 1, money: [{ currency: 'CNY', received: 0, allocated: 4000, claimsPaid: 0 }] });
    // A town's villages are in the town's own dashboard.
    expect(towns['440305001'].children).toEqual([]);
    const town = await government.read('/government/dashboard?region=440305001');
    const village = town.children.find((v: { code: string }) => v.code === '440305001001');
    expect(village).toMatchObject({ level: 'village', registered: 1, covered: 1, coverageRateBasisPoints: 10_000 });
    const uncoveredEligible = await government.list('/government/households?eligible=true&covered=false');
    expect(uncoveredEligible.map((h: { householdId: string }) => h.householdId)).toEqual([households.H6.householdId]);
    const [h6] = await platform.api.list(`/households/uncovered?region=440305&productId=${productId}`);
    expect(h6).toMatchObject({ householdCode: households.H6.householdCode, funded: cny(1000), remaining: cny(2000) });
    expect(uncoveredEligible[0].personal.headName).toBe('户主6');

    const other = await otherGovernment.read('/government/dashboard');
    expect(other).toMatchObject({ code: '440306', registered: 1, eligible: 1, covered: 0 });
    expect(JSON.stringify(other)).not.toContain(households.H1.householdId);
    expect((await government.get('/government/dashboard?region=440306')).status).toBe(403);
  });

  it('shows the public the programme and platform totals, reconciled, with no personal data', async () => {
    const totals = await platform.api.read('/public/totals');
    const programmes = await platform.api.list('/public/programmes');
    expect(programmes).toEqual([
      expect.objectContaining({
        programmeId,
        gifts: 1,
        donors: 1,
        householdsCovered: 2,
        money: [expect.objectContaining({ currency: 'CNY', received: 7000, allocated: 7000, heldInEscrow: 0, refunded: 0 })],
      }),
    ]);
    const [money] = totals.platform.money;
    expect(money).toMatchObject({ pledged: 10_500, received: 10_500, allocated: 10_000, paidToInsurers: 9000, awaitingPolicyIssue: 1000, refunded: 500, heldInEscrow: 0, claimsPaid: 600_000 });
    expect(money.received).toBe(money.heldInEscrow + money.refunded + money.paidToInsurers + money.awaitingPolicyIssue);
    expect(JSON.stringify([totals, programmes])).not.toMatch(/户主|headName|nationalId/);
  });

  it('keeps a balanced ledger that names the gifts behind every movement', async () => {
    const ledger = await auditor.read('/ledger');
    expect(ledger.total).toEqual([{ currency: 'CNY', total: 0 }]);
    const balances = await auditor.list('/ledger');
    const balance = (account: string) => balances.find((b: { account: string }) => b.account === account)?.balance;
    expect(balance('insurer:anxin-mutual')).toBe(9000 - 600_000);
    expect(balance(`household:${households.H1.householdId}`)).toBe(600_000);
    expect(balance(`escrow:gift:${gifts.C}`)).toBe(0);
    expect(balance(`premium:policy:${policies.H1}`)).toBe(0);
    const entriesOfA = await auditor.list(`/ledger/gifts/${gifts.A}`);
    expect(entriesOfA.map((e: { account: string; amount: number }) => [e.account, e.amount])).toEqual(
      expect.arrayContaining([
        [`escrow:gift:${gifts.A}`, 2000],
        [`premium:policy:${policies.H1}`, 2000],
        [`household:${households.H1.householdId}`, 600_000],
      ]),
    );
  });

  it('expires policies after their last day of cover, and the households need a premium again', async () => {
    clock.set('2026-12-31T23:59:59Z');
    expect(await platform.app.get(PolicyExpirySweeper).sweep()).toEqual([]);
    clock.set('2027-01-01T00:00:00Z');
    const expired = await platform.app.get(PolicyExpirySweeper).sweep();
    expect(expired.sort()).toEqual(Object.values(policies).sort());
    expect((await insurer.read('/insurer/dashboard?asOf=2027-01-01')).policies.counts).toEqual({ requested: 0, active: 0, expired: 3, cancelled: 0 });
    const dashboard = await government.read('/government/dashboard');
    expect(dashboard).toMatchObject({ eligible: 4, covered: 0 });
    const uncovered = await platform.api.list(`/households/uncovered?region=440305&productId=${productId}`);
    expect(uncovered.map((h: { householdId: string }) => h.householdId).sort()).toEqual(['H1', 'H2', 'H3', 'H6'].map((name) => households[name].householdId).sort());
    expect((await auditor.read('/ledger')).total).toEqual([{ currency: 'CNY', total: 0 }]);
  });
});
