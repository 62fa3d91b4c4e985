import { householdBody, productTerms, signUp } from './support/actors';
import { ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS, TestClock } from './support/platform';

/**
 * Issue #13, items 3 and 5, end to end: settlement promptness and the monthly indicators, over HTTP.
 *
 * County 440305, town 440305001: H1 covered by STD (3,000 fen, target by default 10 days), H2 by
 * FLOOD (3,650 fen, target 3 days, a parametric 500 yuan for floods), H3 eligible and uncovered;
 * both policies start 2026-01-01 for 365 days. Claims on H1: one filed 02-01, approved 02-03, paid
 * 02-05 (on time); one filed 02-10, approved 02-15, paid 02-25 (late); one filed 03-01 and left
 * open (late by 03-20, when the figures are read). A flood declared 03-05, confirmed and paid 03-07
 * (on time against FLOOD's 3 days). Every time is the test clock's, i.e. the server's.
 */
describe.each(STORE_CONFIGURATIONS)('settlement promptness and monthly indicators, on %s', (_, storeEnvironment) => {
  let platform: RunningPlatform;
  let government: ApiClient, otherGovernment: ApiClient, insurer: ApiClient, otherInsurer: ApiClient, donor: ApiClient;
  const clock = new TestClock('2026-01-01T08:00:00Z');
  const policies: Record<string, string> = {};
  const claims: Record<string, string> = {};
  let declarationId: string;
  const TOWN = '440305001';
  const STD_PREMIUM = 3_000;
  const FLOOD_PREMIUM = 3_650;

  beforeAll(async () => {
    platform = await startPlatform(storeEnvironment(), undefined, { clock });
    const { api } = platform;
    government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    otherGovernment = await signUp(api, { username: 'gov.futian', role: 'government', regionCode: '440306' });
    insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    otherInsurer = await signUp(api, { username: 'insurer.other', role: 'insurer', insurerId: 'other-mutual' });
    donor = await signUp(api, { username: 'donor.a', role: 'donor' });

    const std = (await insurer.ok('/products', productTerms({ name: 'Standard cover', waitingPeriodDays: 0, annualPremium: cny(STD_PREMIUM) }))).productId;
    const flood = (await insurer.ok('/products', productTerms({ name: 'Flood cover', coverageKind: 'property', waitingPeriodDays: 0, annualPremium: cny(FLOOD_PREMIUM), settlementTargetDays: 3, parametric: { perils: ['flood'], rule: 'fixed', amount: cny(50_000) } }))).productId;
    await otherInsurer.ok('/products', productTerms({ name: 'Other cover' }));
    const households: string[] = [];
    for (const n of [1, 2, 3]) {
      const { householdId } = await government.ok('/households', householdBody(`${TOWN}00${n}`, n));
      await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
      households.push(householdId);
    }
    const cover = async (key: string, householdId: string, productId: string, premium: number) => {
      const { giftId } = await donor.ok('/gifts', { amount: cny(premium), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAY-${key}`, amount: cny(premium) });
      policies[key] = (await donor.read(`/gifts/${giftId}`)).allocations.items[0].policyId;
      await insurer.ok(`/policies/${policies[key]}/issue`, { policyNumber: `ANX-${key}`, startDate: '2026-01-01' });
    };
    await cover('H1', households[0], std, STD_PREMIUM);
    await cover('H2', households[1], flood, FLOOD_PREMIUM);

    const file = async (key: string, day: string, amount: number) => {
      clock.set(`${day}T09:00:00Z`);
      claims[key] = (await government.ok(`/policies/${policies.H1}/claims`, { incidentDate: day, kind: 'illness', amountClaimed: cny(amount), evidence: [] })).claimId;
    };
    const act = async (key: string, day: string, action: 'approve' | 'payment', body: unknown) => {
      clock.set(`${day}T09:00:00Z`);
      await insurer.ok(`/policies/${policies.H1}/claims/${claims[key]}/${action}`, body);
    };
    await file('onTime', '2026-02-01', 100_000);
    await act('onTime', '2026-02-03', 'approve', {});
    await act('onTime', '2026-02-05', 'payment', { payoutReference: 'TRF-1' });
    await file('late', '2026-02-10', 200_000);
    await act('late', '2026-02-15', 'approve', {});
    await act('late', '2026-02-25', 'payment', { payoutReference: 'TRF-2' });
    await file('open', '2026-03-01', 50_000);

    clock.set('2026-03-05T09:00:00Z');
    ({ declarationId } = await government.ok('/disasters/declarations', { peril: 'flood', regionCodes: [TOWN], incidentFrom: '2026-03-03', incidentTo: '2026-03-04', severity: 2, authorityReference: 'NS-2026-3' }));
    clock.set('2026-03-07T09:00:00Z');
    await insurer.ok(`/disasters/declarations/${declarationId}/confirm`, { paymentFileReference: 'ANX-FLOOD' });
    expect(await government.read(`/disasters/declarations/${declarationId}`)).toMatchObject({ status: 'paid', policiesPaid: 1 });
    clock.set('2026-03-20T09:00:00Z');
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('refuses a settlement target that is not 1 to 365 whole days, naming the field', async () => {
    const refused = await insurer.post('/products', productTerms({ settlementTargetDays: 0 }));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('settlementTargetDays');
  });

  it("lists the insurer's late claims (settled late, or open past the target by the server's clock), soonest due first, page by page", async () => {
    const late = await insurer.list('/insurer/promptness/claims?late=true&limit=1');
    expect(late.map(({ claimId, outcome, late }) => [claimId, outcome, late])).toEqual([
      [claims.late, 'late', true],
      [claims.open, 'open', true],
    ]);
    expect(late[0]).toMatchObject({ targetDays: 10, startedAt: expect.stringMatching(/^2026-02-10T09:00:00/), dueAt: expect.stringMatching(/^2026-02-20T09:00:00/), daysToDecision: 5, daysToPayment: 15 });
    expect(late[1]).toMatchObject({ ageDays: 19, decidedAt: null, paidAt: null });
    const all = await insurer.list('/insurer/promptness/claims');
    expect(all).toHaveLength(4);
    expect(all.find(({ claimId }) => claimId === claims.onTime)).toMatchObject({ outcome: 'on-time', late: false, daysToDecision: 2, daysToPayment: 4 });
    // The parametric claim runs from the declaration, against FLOOD's 3 days.
    expect(all.find(({ declarationId: of }) => of === declarationId)).toMatchObject({ policyId: policies.H2, startedAt: expect.stringMatching(/^2026-03-05T09:00:00/), targetDays: 3, daysToPayment: 2, outcome: 'on-time', late: false });
  });

  it("times the declaration from its declaration to the insurer's answer and to the payouts", async () => {
    expect(await government.list('/government/promptness/declarations')).toEqual([
      expect.objectContaining({ declarationId, targetDays: 3, declaredAt: expect.stringMatching(/^2026-03-05T09:00:00/), dueAt: expect.stringMatching(/^2026-03-08T09:00:00/), daysToDecision: 2, daysToPayment: 2, outcome: 'on-time', late: false }),
    ]);
    expect(await government.list('/government/promptness/declarations?late=true')).toEqual([]);
  });

  it("gives the insurer's share paid on time: 2 of 3 settled on time, and 1 open past its target", async () => {
    const expected = { insurerId: 'anxin-mutual', claimsSettled: 3, claimsSettledOnTime: 2, claimsOverdue: 1, shareOnTimeBasisPoints: 5_000 };
    expect((await insurer.read('/insurer/indicators?months=1')).promptness).toEqual(expected);
    expect(await government.list('/government/promptness/insurers')).toEqual([expected]);
  });

  it('keeps the monthly indicators equal to the figures recomputed from what happened', async () => {
    // Earned pro rata by day from 2026-01-01 over 365 days, floored per policy at each month's start.
    const earnedBy = (premium: number, firstOfMonth: string) => Math.floor((premium * Math.round((Date.parse(firstOfMonth) - Date.parse('2026-01-01')) / 86_400_000)) / 365);
    const earnedIn = (premium: number, from: string, to: string) => earnedBy(premium, to) - earnedBy(premium, from);
    const earned = (from: string, to: string) => earnedIn(STD_PREMIUM, from, to) + earnedIn(FLOOD_PREMIUM, from, to);
    const ratio = (a: number, b: number) => Math.floor((a * 10_000) / b);
    const coverage = { eligibleHouseholds: 3, coveredHouseholds: 2, coverageRateBasisPoints: ratio(2, 3) };
    const expected = [
      { month: '2026-01', money: [{ currency: 'CNY', earnedPremium: earned('2026-01-01', '2026-02-01'), claimsIncurred: 0, claimsPaid: 0, incurredClaimsRatioBasisPoints: 0 }], claimsSettled: 0, claimsSettledOnTime: 0, settlementPromptnessBasisPoints: null, meanDaysToDecision: null, meanDaysToPayment: null, ...coverage },
      {
        month: '2026-02',
        money: [{ currency: 'CNY', earnedPremium: earned('2026-02-01', '2026-03-01'), claimsIncurred: 300_000, claimsPaid: 300_000, incurredClaimsRatioBasisPoints: ratio(300_000, earned('2026-02-01', '2026-03-01')) }],
        claimsSettled: 2,
        claimsSettledOnTime: 1,
        settlementPromptnessBasisPoints: 5_000,
        meanDaysToDecision: (2 + 5) / 2,
        meanDaysToPayment: (4 + 15) / 2,
        ...coverage,
      },
      {
        month: '2026-03',
        money: [{ currency: 'CNY', earnedPremium: earned('2026-03-01', '2026-04-01'), claimsIncurred: 50_000, claimsPaid: 50_000, incurredClaimsRatioBasisPoints: ratio(50_000, earned('2026-03-01', '2026-04-01')) }],
        claimsSettled: 1,
        claimsSettledOnTime: 1,
        settlementPromptnessBasisPoints: 10_000,
        meanDaysToDecision: 2,
        meanDaysToPayment: 2,
        ...coverage,
      },
    ].map((month) => ({ ...month, policiesExpired: 0, policiesRenewed: 0, renewalRatioBasisPoints: null }));
    const ofInsurer = await insurer.read('/insurer/indicators?to=2026-03&months=3');
    expect(ofInsurer.months).toEqual(expected);
    const ofRegion = await government.read(`/government/indicators?region=${TOWN}&to=2026-03&months=3`);
    expect(ofRegion.months).toEqual(expected);
    // Without `to`, the series ends in the server's month.
    expect((await government.read('/government/indicators?months=1')).months.map(({ month }: { month: string }) => month)).toEqual(['2026-03']);
  });

  it("shows another insurer nothing of it, and refuses another region's government (403); that government's own region has none of it", async () => {
    expect(await otherInsurer.list('/insurer/promptness/claims')).toEqual([]);
    const other = await otherInsurer.read('/insurer/indicators?to=2026-03&months=3');
    expect(other.promptness).toMatchObject({ claimsSettled: 0, shareOnTimeBasisPoints: null });
    expect(other.months.every((month: { money: unknown[]; claimsSettled: number; coveredHouseholds: number }) => month.money.length === 0 && month.claimsSettled === 0 && month.coveredHouseholds === 0)).toBe(true);
    for (const path of ['/government/indicators', '/government/promptness/claims', '/government/promptness/declarations', '/government/promptness/insurers']) {
      expect((await otherGovernment.get(`${path}?region=440305`)).status).toBe(403);
      expect((await insurer.get(path)).status).toBe(403);
    }
    expect(await otherGovernment.list('/government/promptness/claims')).toEqual([]);
    expect(await otherGovernment.list('/government/promptness/declarations')).toEqual([]);
    expect((await otherGovernment.read('/government/indicators?to=2026-03&months=1')).months[0]).toMatchObject({ money: [], claimsSettled: 0, eligibleHouseholds: 0 });
    expect((await government.get('/insurer/promptness/claims')).status).toBe(403);
  });

  it('refuses a malformed month or count, naming the field', async () => {
    expect((await insurer.get('/insurer/indicators?to=2026-13')).body.violations).toEqual([expect.objectContaining({ field: 'to' })]);
    expect((await government.get('/government/indicators?months=61')).body.violations).toEqual([expect.objectContaining({ field: 'months' })]);
    expect((await government.get('/government/promptness/claims?limit=501')).status).toBe(400);
  });
});
