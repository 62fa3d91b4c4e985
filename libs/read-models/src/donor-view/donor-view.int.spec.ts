import { giftsOfDonor, giftTrace } from './donor-view.queries';
import { householdCode, policyOf, PRODUCT, PROGRAMME, REGION } from '../testing/story';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';

const cny = (amount: number) => ({ amount, currency: 'CNY' });

describe('donor view', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  it("lists a donor's gifts with their figures, newest first", async () => {
    expect((await giftsOfDonor(story.dataSource.manager, 'donor-a', {}, { limit: 50 })).items).toEqual([
      expect.objectContaining({ giftId: 'gift-4', status: 'refunded', received: cny(1_000), refunded: cny(1_000), escrowBalance: cny(0) }),
      expect.objectContaining({
        giftId: 'gift-1',
        donorId: 'donor-a',
        target: { kind: 'household', householdId: 'hh-1', householdCode: householdCode('hh-1'), productId: PRODUCT },
        remainderChoice: 'refund',
        status: 'settled',
        pledged: cny(5_000),
        received: cny(5_000),
        allocated: cny(5_000),
        premiumRefundsCredited: cny(0),
        refunded: cny(0),
        held: cny(0),
        escrowBalance: cny(0),
        pledgedAt: '2023-12-10T09:00:00.000Z',
        paidAt: '2023-12-11T09:00:00.000Z',
        paymentReference: 'BANK-gift-1',
      }),
    ]);
    expect((await giftsOfDonor(story.dataSource.manager, 'donor-e', {}, { limit: 50 })).items).toEqual([
      expect.objectContaining({ giftId: 'gift-5', status: 'pledged', pledged: cny(700), received: cny(0), target: { kind: 'programme', programmeId: PROGRAMME, programmeName: 'Nanshan town cover 2024', regionCode: REGION.town1, productId: PRODUCT } }),
    ]);
    expect(await giftsOfDonor(story.dataSource.manager, 'nobody', {}, { limit: 50 })).toEqual({ items: [], nextCursor: null });
  });

  it('traces a gift to the policy it paid and the claim paid from it', async () => {
    const trace = await giftTrace(story.dataSource.manager, 'gift-1');
    expect(trace?.allocations.items).toEqual([
      {
        allocationId: 'allocation-hh-1-1',
        householdCode: householdCode('hh-1'),
        productId: PRODUCT,
        policyId: policyOf('hh-1'),
        amount: cny(5_000),
        allocatedAt: '2023-12-12T09:00:00.000Z',
        policy: { policyNumber: 'POL-0001', status: 'active', startDate: '2024-01-01', endDate: '2024-12-31' },
        claimsPaid: [{ claimId: 'claim-1', amount: cny(250_000), attributedToGift: cny(250_000), paidAt: '2024-03-12T09:00:00.000Z', payoutReference: 'PAYOUT-1' }],
      },
    ]);
    expect(trace?.allocations.nextCursor).toBeNull();
    expect(trace?.refunds).toEqual({ items: [], nextCursor: null });
    expect(JSON.stringify(trace)).not.toContain('Head of');
  });

  it('traces a programme gift over two households, the cancellation credit and the held remainder', async () => {
    const trace = await giftTrace(story.dataSource.manager, 'gift-2');
    expect(trace).toMatchObject({
      status: 'holding-remainder',
      pledged: cny(12_000),
      received: cny(12_000),
      allocated: cny(10_000),
      premiumRefundsCredited: cny(2_507),
      refunded: cny(0),
      held: cny(2_000),
      escrowBalance: cny(4_507),
    });
    expect(trace?.allocations.items.map((allocation) => [allocation.householdCode, allocation.amount.amount, allocation.policy?.policyNumber, allocation.policy?.status, allocation.claimsPaid])).toEqual([
      [householdCode('hh-2'), 5_000, 'POL-0002', 'active', []],
      [householdCode('hh-3'), 5_000, 'POL-0003', 'cancelled', []],
    ]);
    expect(trace?.refunds.items).toEqual([{ kind: 'premium-credited', policyId: policyOf('hh-3'), amount: cny(2_507), reason: null, at: '2024-07-01T09:00:00.000Z' }]);
  });

  it('shows an allocation whose policy is not requested yet, and a refunded remainder', async () => {
    const gift3 = await giftTrace(story.dataSource.manager, 'gift-3');
    expect(gift3?.status).toBe('settled');
    expect(gift3?.allocations.items).toEqual([expect.objectContaining({ policyId: policyOf('hh-3', 2), amount: cny(3_000), policy: null, claimsPaid: [] })]);

    const gift4 = await giftTrace(story.dataSource.manager, 'gift-4');
    expect(gift4?.allocations.items).toEqual([]);
    expect(gift4?.refunds.items).toEqual([{ kind: 'remainder-refunded', policyId: null, amount: cny(1_000), reason: 'household already covered', at: '2023-12-22T09:00:00.000Z' }]);
    expect(await giftTrace(story.dataSource.manager, 'no-such-gift')).toBeNull();
  });
});
