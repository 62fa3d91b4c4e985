import { householdBody, productTerms, signUp } from './support/actors';
import { ApiClient, cny, RunningPlatform, startPlatform, TestClock } from './support/platform';

/**
 * A cancelled policy gives its unearned premium back, pro rata by day, to the gifts that paid it,
 * split exactly; each gift then does what its donor chose: B's share is refunded, A's is held and
 * goes straight into the household's next premium.
 *
 * Premium 36,500 fen for 365 days (100 fen a day), paid by A (20,000) and B (16,500). Issued from
 * 2026-01-01, cancelled from 2026-04-11: 100 days used, 265 unused, so 26,500 fen is unearned.
 * Split 20,000 : 16,500 it is 14,520.55 : 11,979.45; the largest remainder takes the odd fen,
 * so A gets 14,521 and B 11,979.
 */
describe('cancelling a policy', () => {
  let platform: RunningPlatform;
  let government: ApiClient, insurer: ApiClient, donorA: ApiClient, donorB: ApiClient, auditor: ApiClient;
  let householdId: string, productId: string, policyId: string;

  beforeAll(async () => {
    // The premium is paid on 2026-01-01, the day cover starts.
    platform = await startPlatform(undefined, undefined, { clock: new TestClock('2026-01-01T08:00:00Z') });
    government = await signUp(platform.api, { username: 'gov', role: 'government', regionCode: '440305' });
    insurer = await signUp(platform.api, { username: 'insurer', role: 'insurer', insurerId: 'anxin-mutual' });
    donorA = await signUp(platform.api, { username: 'donor.a', role: 'donor' });
    donorB = await signUp(platform.api, { username: 'donor.b', role: 'donor' });
    auditor = await signUp(platform.api, { username: 'auditor', role: 'auditor' });
    ({ householdId } = await government.ok('/households', householdBody('440305001001', 1)));
    await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'disabled' });
    ({ productId } = await insurer.ok('/products', productTerms({ annualPremium: cny(36_500), sumInsured: cny(3_650_000) })));
    for (const [donor, amount, remainder, reference] of [[donorA, 20_000, 'hold', 'PAY-A'], [donorB, 16_500, 'refund', 'PAY-B']] as const) {
      const { giftId } = await donor.ok('/gifts', { amount: cny(amount), target: { kind: 'household', householdId, productId }, remainder });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: reference, amount: cny(amount) });
    }
    [{ policyId }] = await insurer.list('/insurer/policies');
    await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ANX-C-1', startDate: '2026-01-01' });
  });
  afterAll(() => platform?.stop());

  it('refunds the unearned premium pro rata to the gifts, as each donor chose', async () => {
    await insurer.ok(`/policies/${policyId}/cancel`, { reason: 'household moved away', effectiveDate: '2026-04-11' });

    const view = await insurer.read('/insurer/dashboard?asOf=2026-06-01');
    expect(view.policies.counts).toMatchObject({ cancelled: 1 });
    expect(view.premiums).toEqual([expect.objectContaining({ premiumsReceived: 36_500, unearnedPremiumReturned: 26_500, premiumsEarned: 10_000 })]);

    const [b] = await donorB.list('/donor/gifts');
    expect(b).toMatchObject({ received: cny(16_500), allocated: cny(16_500), premiumRefundsCredited: cny(11_979), refunded: cny(11_979), escrowBalance: cny(0) });

    // A's share is held, and the household's funding reopened: it pays the renewal straight away.
    const [a] = await donorA.list('/donor/gifts');
    expect(a).toMatchObject({ received: cny(20_000), premiumRefundsCredited: cny(14_521), allocated: cny(34_521), held: cny(0), escrowBalance: cny(0) });
    expect(a.allocations.items.map((allocation: { policyId: string; amount: unknown }) => allocation.policyId === policyId)).toEqual([true, false]);
    const [renewal] = await platform.api.list(`/households/uncovered?region=440305&productId=${productId}`);
    expect(renewal).toMatchObject({ householdId, funded: cny(14_521), remaining: cny(21_979) });

    const ledger = await auditor.read('/ledger');
    expect(ledger.total).toEqual([{ currency: 'CNY', total: 0 }]);
    expect((await auditor.list('/ledger')).find((entry: { account: string }) => entry.account === 'insurer:anxin-mutual').balance).toBe(10_000);
  });
});
