import { nationalIdWithChecksum, policyIdFor } from '@pangolin/domain';
import { EventStore } from '@pangolin/event-store';
import { EVENT_STORE, PledgeExpirySweeper } from '@pangolin/runtime';
import { householdBody, productTerms, signUp } from './support/actors';
import { ApiClient, cny, daysAfter, RunningPlatform, startPlatform, STORE_CONFIGURATIONS, TestClock } from './support/platform';

/**
 * The money rules of issue #10 over HTTP, as a caller would try to bend them: the server's clock
 * decides start dates, incidents and pledge expiry; policy numbers are unique per insurer; a
 * national ID belongs to one household of the registry; unpaid pledges are not counted as gifts;
 * an insurer sees a household's personal data only once it has issued it a policy.
 *
 * The platform runs on a TestClock from 2026-01-01 08:00 UTC.
 */
describe.each(STORE_CONFIGURATIONS)('the money rules, on %s', (_, storeEnvironment) => {
  const clock = new TestClock('2026-01-01T08:00:00Z');
  let platform: RunningPlatform;
  let government: ApiClient, otherGovernment: ApiClient, insurer: ApiClient, otherInsurer: ApiClient, donor: ApiClient, otherDonor: ApiClient;
  let productId: string;
  let household = 0;

  /** A new verified household of village 440305001001 (`n` varies its national IDs). */
  async function eligibleHousehold(): Promise<string> {
    household += 1;
    const { householdId } = await government.ok('/households', householdBody('440305001001', household));
    await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
    return householdId;
  }

  /** Pays a household's whole premium for `product`: the policy is then requested from its insurer. */
  async function fundedPolicy(householdId: string, product = productId, premium = 3000): Promise<string> {
    const { giftId } = await donor.ok('/gifts', { amount: cny(premium), target: { kind: 'household', householdId, productId: product }, remainder: 'refund' });
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAY-${giftId}`, amount: cny(premium) });
    return policyIdFor(householdId, product, 1);
  }

  beforeAll(async () => {
    platform = await startPlatform(storeEnvironment(), undefined, { clock });
    const { api } = platform;
    government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    otherGovernment = await signUp(api, { username: 'gov.baoan', role: 'government', regionCode: '440306' });
    insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    otherInsurer = await signUp(api, { username: 'insurer.other', role: 'insurer', insurerId: 'other-insurer' });
    donor = await signUp(api, { username: 'donor.a', role: 'donor' });
    otherDonor = await signUp(api, { username: 'donor.b', role: 'donor' });
    ({ productId } = await insurer.ok('/products', productTerms()));
  });
  afterAll(() => platform?.stop());

  describe('a policy starts from the day its premium was funded, within 30 days', () => {
    it('refuses a start date years before the premium was paid, naming startDate, and writes nothing', async () => {
      const policyId = await fundedPolicy(await eligibleHousehold());
      const response = await insurer.post(`/policies/${policyId}/issue`, { policyNumber: 'ANX-BACKDATED', startDate: '2015-01-01' });
      expect(response.status).toBe(400);
      expect(response.body.violations).toEqual([{
        field: 'startDate', rule: `must be from ${clock.today()}, the day the premium was funded, to ${daysAfter(clock.today(), 30)} (30 days later)`,
        code: 'invalid.start-window', params: { field: 'startDate', from: clock.today(), to: daysAfter(clock.today(), 30), days: 30 },
      }]);
      // Nothing was issued and the number was not taken: the same number works with a valid date.
      expect((await insurer.list('/insurer/policies')).find((p: { policyId: string }) => p.policyId === policyId).status).toBe('requested');
      await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ANX-BACKDATED', startDate: clock.today() });
    });

    it('refuses a start date more than 30 days after funding', async () => {
      const policyId = await fundedPolicy(await eligibleHousehold());
      const response = await insurer.post(`/policies/${policyId}/issue`, { policyNumber: 'ANX-LATE', startDate: daysAfter(clock.today(), 31) });
      expect(response.status).toBe(400);
      expect(response.body.violations[0].field).toBe('startDate');
      await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ANX-LATE', startDate: daysAfter(clock.today(), 30) });
    });
  });

  describe('policy numbers are unique per insurer', () => {
    it('refuses the number of one household\'s policy on another household\'s, and lets another insurer use it', async () => {
      const first = await fundedPolicy(await eligibleHousehold());
      const second = await fundedPolicy(await eligibleHousehold());
      await insurer.ok(`/policies/${first}/issue`, { policyNumber: 'ANX-SAME', startDate: clock.today() });
      const again = await insurer.post(`/policies/${second}/issue`, { policyNumber: 'ANX-SAME', startDate: clock.today() });
      expect(again.status).toBe(409);
      expect(again.body.reason).toMatch(new RegExp(`policy number ANX-SAME is already given to policy ${first}`));
      const policies = await insurer.list('/insurer/policies');
      expect(policies.find((p: { policyId: string }) => p.policyId === second)).toMatchObject({ status: 'requested', policyNumber: null });

      const { productId: otherProduct } = await otherInsurer.ok('/products', productTerms({ name: 'Other cover' }));
      const theirs = await fundedPolicy(await eligibleHousehold(), otherProduct);
      await otherInsurer.ok(`/policies/${theirs}/issue`, { policyNumber: 'ANX-SAME', startDate: clock.today() });
    });
  });

  describe('a national ID belongs to one household of the registry', () => {
    const id = nationalIdWithChecksum('44030519550505123');
    const body = (village: string, n: number, personal: Record<string, unknown>) => {
      const base = householdBody(village, n);
      return { ...base, personal: { ...base.personal, ...personal } };
    };
    let holder: { householdId: string; householdCode: string };

    it('refuses a second registration, telling the government which of its households holds the number', async () => {
      holder = await government.ok('/households', body('440305001001', 901, { headNationalId: id }));
      const response = await government.post('/households', body('440305002001', 902, { headNationalId: id }));
      expect(response.status).toBe(409);
      expect(response.body.reason).toBe(`personal.headNationalId: this national ID number is already registered to household ${holder.householdCode} (${holder.householdId}) in village 440305001001`);
      // A member's number counts too.
      const asMember = await government.post('/households', body('440305001002', 903, { members: [{ name: '王五', relation: 'spouse', nationalId: id }] }));
      expect(asMember.status).toBe(409);
      expect(asMember.body.reason).toMatch(/^personal\.members\[0\]\.nationalId: .* household HH-/);
    });

    it('tells a government of another region only that the number is registered elsewhere', async () => {
      const response = await otherGovernment.post('/households', body('440306001001', 904, { headNationalId: id }));
      expect(response.status).toBe(409);
      expect(response.body.reason).toBe('personal.headNationalId: this national ID number is already registered to a household outside your region');
      expect(JSON.stringify(response.body)).not.toContain(holder.householdCode);
    });

    it('never writes the number into a stream name', async () => {
      const streamIds = (await platform.app.get<EventStore>(EVENT_STORE).readAll()).map((event) => event.streamId);
      expect(streamIds.some((streamId) => streamId.startsWith('nationalid-'))).toBe(true);
      expect(streamIds.join(' ')).not.toContain(id);
      expect(streamIds.join(' ')).not.toContain(id.slice(6, 14));
    });

    it('frees the number when the household\'s personal data are erased', async () => {
      await government.ok(`/households/${holder.householdId}/erasure`, { reason: 'the household asked to be forgotten' });
      await government.ok('/households', body('440305002001', 905, { headNationalId: id }));
    });
  });

  describe('unpaid pledges', () => {
    it('are counted apart from gifts and donors in the public totals, and can be withdrawn by their donor only until paid', async () => {
      const before = (await platform.api.read('/public/totals')).platform;
      const householdId = await eligibleHousehold();
      const { giftId } = await otherDonor.ok('/gifts', { amount: cny(1000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
      const pending = (await platform.api.read('/public/totals')).platform;
      expect(pending).toMatchObject({ gifts: before.gifts, donors: before.donors, unpaidPledges: { count: before.unpaidPledges.count + 1 } });
      expect(pending.money).toEqual(before.money);

      expect((await donor.post(`/gifts/${giftId}/withdrawal`)).status).toBe(404);
      expect(await otherDonor.ok(`/gifts/${giftId}/withdrawal`)).toEqual({ giftId, status: 'withdrawn' });
      expect((await otherDonor.list('/donor/gifts')).find((gift: { giftId: string }) => gift.giftId === giftId).status).toBe('withdrawn');
      const payment = await otherDonor.post(`/gifts/${giftId}/payment`, { paymentReference: 'PAY-AFTER-WITHDRAWAL', amount: cny(1000) });
      expect(payment.status).toBe(409);
      expect(payment.body.reason).toMatch(/was withdrawn before it was paid/);
      expect((await platform.api.read('/public/totals')).platform).toMatchObject({ gifts: before.gifts, unpaidPledges: before.unpaidPledges });

      const { giftId: paid } = await otherDonor.ok('/gifts', { amount: cny(1000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
      await otherDonor.ok(`/gifts/${paid}/payment`, { paymentReference: `PAY-${paid}`, amount: cny(1000) });
      const late = await otherDonor.post(`/gifts/${paid}/withdrawal`);
      expect(late.status).toBe(409);
      expect(late.body.reason).toMatch(/already paid .* cannot be withdrawn/);
      expect((await platform.api.read('/public/totals')).platform).toMatchObject({ gifts: before.gifts + 1, donors: before.donors + 1 });
    });

    it('expire after PLEDGE_EXPIRY_HOURS by the server\'s clock, and can no longer be paid', async () => {
      const householdId = await eligibleHousehold();
      const { giftId } = await donor.ok('/gifts', { amount: cny(1000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
      const sweeper = platform.app.get(PledgeExpirySweeper);
      clock.advanceDays(2);
      expect(await sweeper.sweep()).toEqual([]);
      clock.advanceDays(1);
      expect(await sweeper.sweep()).toEqual([giftId]);
      expect((await donor.list('/donor/gifts')).find((gift: { giftId: string }) => gift.giftId === giftId).status).toBe('expired');
      expect((await platform.api.read('/public/totals')).platform.unpaidPledges.count).toBe(0);
      const payment = await donor.post(`/gifts/${giftId}/payment`, { paymentReference: 'PAY-TOO-LATE', amount: cny(1000) });
      expect(payment.status).toBe(409);
      expect(payment.body.reason).toMatch(/was expired before it was paid/);
    });
  });

  describe('personal data and the insurer of record', () => {
    it('stay hidden from an insurer whose 1-fen premium a donor paid, until it issues the policy', async () => {
      const householdId = await eligibleHousehold();
      const { productId: cheap } = await otherInsurer.ok('/products', productTerms({ name: 'One fen cover', annualPremium: cny(1) }));
      const policyId = await fundedPolicy(householdId, cheap, 1);
      const requested = await otherInsurer.read(`/households/${householdId}`);
      expect(requested).not.toHaveProperty('personal');
      expect(JSON.stringify(requested)).not.toMatch(/户主|nationalId|address/);

      await otherInsurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ONE-FEN-1', startDate: clock.today() });
      expect(await otherInsurer.read(`/households/${householdId}`)).toMatchObject({ personal: { headName: `户主${household}` } });
    });
  });

  describe('claims and expiry on the server\'s clock', () => {
    it('refuses an incident that has not happened yet, and expires a policy only after its last day', async () => {
      const policyId = await fundedPolicy(await eligibleHousehold());
      await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ANX-CLOCK', startDate: clock.today() });
      const start = clock.today();
      const future = await government.post(`/policies/${policyId}/claims`, { incidentDate: daysAfter(start, 40), kind: 'illness', amountClaimed: cny(1000), evidence: [] });
      expect(future.status).toBe(400);
      expect(future.body.violations).toEqual([{ field: 'incidentDate', rule: `must not be after today (${start})`, code: 'invalid.after-today', params: { field: 'incidentDate', today: start } }]);

      const early = await insurer.post(`/policies/${policyId}/expire`, { today: '2099-01-01' });
      expect(early.status).toBe(409);
      expect(early.body.reason).toMatch(new RegExp(`covers until ${daysAfter(start, 364)} inclusive, so it cannot expire on ${start}`));
      clock.advanceDays(365);
      expect(await insurer.ok(`/policies/${policyId}/expire`)).toEqual({ policyId, status: 'expired' });
    });
  });
});
