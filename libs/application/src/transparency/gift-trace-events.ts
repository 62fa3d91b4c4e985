import { pangolinEvent, streams } from '@pangolin/domain';
import type { EventStore, RecordedEvent } from '@pangolin/event-store';

/**
 * The events that trace one gift's money, as stored: every event of the gift's stream; in each
 * premium-funding stream it paid into, its accepted contributions and the rounds it helped fund;
 * in each policy it paid for, the request, issue, cancellation or expiry, and every claim paid
 * from a premium it funded. Sorted in log order. Nothing else (no claim evidence, no household
 * record) is included: a receipt shows only what the donor's money did.
 */
export async function giftTraceEvents(store: EventStore, giftId: string): Promise<RecordedEvent[]> {
  const giftEvents = await store.readStream(streams.gift(giftId));
  const fundingStreams = new Set<string>();
  const policies = new Set<string>();
  for (const event of giftEvents) {
    const typed = pangolinEvent(event);
    if (typed.type === 'GiftAllocated') {
      fundingStreams.add(streams.premiumFunding(typed.data.householdId, typed.data.productId));
      policies.add(typed.data.policyId);
    }
    if (typed.type === 'GiftPremiumRefundCredited') policies.add(typed.data.policyId);
  }
  const trace = [...giftEvents];
  for (const stream of fundingStreams) {
    for (const event of await store.readStream(stream)) {
      const typed = pangolinEvent(event);
      if (typed.type === 'PremiumContributionAccepted' && typed.data.giftId === giftId) trace.push(event);
      if (typed.type === 'PremiumFullyFunded' && typed.data.contributions.some((c) => c.giftId === giftId)) trace.push(event);
    }
  }
  for (const policyId of policies) {
    for (const event of await store.readStream(streams.policy(policyId))) {
      const typed = pangolinEvent(event);
      switch (typed.type) {
        case 'PolicyRequested':
        case 'PolicyIssued':
        case 'PolicyCancelled':
        case 'PolicyExpired':
          trace.push(event);
          break;
        case 'ClaimPaid':
          if (typed.data.fundedBy.some((share) => share.giftId === giftId)) trace.push(event);
          break;
      }
    }
  }
  return trace.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}
