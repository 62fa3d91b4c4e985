import { giftStoryLog } from '../receipt/testing/receipt-fixture';
import { trailMembership, TrailMembershipTracker } from './trail-membership';

describe('trail membership', () => {
  it('puts in a gift\'s trail its stream, its contributions, the policies it paid for and the claims it funded, nothing else', async () => {
    const { log, trail } = await giftStoryLog();
    const tracker = new TrailMembershipTracker();
    const members = log.events.map((event) => tracker.next(event));
    expect(members.flatMap((gifts, index) => (gifts.includes('g1') ? [index] : []))).toEqual(trail);
    expect(members.flatMap((gifts, index) => (gifts.includes('g2') ? [index] : []))).toEqual([0, 7, 13]);
  });

  it('takes a policy\'s events for the gifts linked to it earlier and the gifts the event names', () => {
    const event = { streamId: 'policy-p', type: 'PolicyCancelled', data: { policyId: 'p', refunds: [{ giftId: 'g2', amount: 1 }] } };
    expect(trailMembership(event, ['g1'])).toEqual({ giftIds: ['g1', 'g2'], policyLinks: [{ policyId: 'p', giftId: 'g2' }] });
    expect(trailMembership({ streamId: 'policy-p', type: 'PolicyExpired', data: { policyId: 'p' } }, [])).toEqual({ giftIds: [], policyLinks: [] });
    expect(trailMembership({ streamId: 'policy-p', type: 'ClaimFiled', data: { policyId: 'p' } }, ['g1'])).toEqual({ giftIds: [], policyLinks: [] });
  });

  it('links a gift to a policy by its allocation and by a premium refund credited from it', () => {
    const tracker = new TrailMembershipTracker();
    tracker.next({ streamId: 'gift-g1', type: 'GiftAllocated', data: { giftId: 'g1', policyId: 'p1' } });
    tracker.next({ streamId: 'gift-g2', type: 'GiftPremiumRefundCredited', data: { giftId: 'g2', policyId: 'p1' } });
    expect(tracker.next({ streamId: 'policy-p1', type: 'PolicyExpired', data: { policyId: 'p1' } })).toEqual(['g1', 'g2']);
    expect(tracker.next({ streamId: 'policy-p2', type: 'PolicyExpired', data: { policyId: 'p2' } })).toEqual([]);
  });
});
