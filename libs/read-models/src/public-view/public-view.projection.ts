import type { EntityManager } from 'typeorm';
import { splitProportionally, type Contribution, type PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { PublicGiftRow } from './public-gift.entity';
import { PublicAllocationRow } from './public-allocation.entity';

type GiftFigure = 'received' | 'allocated' | 'paidToInsurers' | 'premiumRefundsCredited' | 'refunded' | 'claimsPaid';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return { gifts: new RowSet(tx, PublicGiftRow), allocations: new RowSet(tx, PublicAllocationRow) };
}

/** Money per gift and cover per allocation, summed per programme and for the platform at query time. Applied a batch at a time (see RowSet). */
export class PublicViewProjection implements Projection {
  readonly name = 'public-view';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

/** The gifts whose figures an event changes. */
function giftsOf(event: PangolinEvent): string[] | undefined {
  if (event.type === 'PolicyIssued') return event.data.contributions.map(({ giftId }) => giftId);
  if (event.type === 'PolicyCancelled') return event.data.refunds.map(({ giftId }) => giftId);
  if (event.type === 'ClaimPaid') return event.data.fundedBy.map(({ giftId }) => giftId);
  return event.type.startsWith('Gift') ? [(event.data as { giftId: string }).giftId] : undefined;
}

async function prefetch({ gifts, allocations }: Tables, events: readonly PangolinEvent[]): Promise<void> {
  await gifts.load('giftId', keysIn(events, giftsOf));
  await allocations.load('allocationId', keysIn(events, (event) => (event.type === 'GiftAllocated' ? event.data.allocationId : undefined)));
  await allocations.load('policyId', keysIn(events, (event) => (event.type.startsWith('Policy') ? (event.data as { policyId: string }).policyId : undefined)));
}

async function applyEvent({ gifts, allocations }: Tables, event: PangolinEvent): Promise<void> {
  switch (event.type) {
    case 'GiftPledged': {
      const { giftId, donorId, amount, target } = event.data;
      await gifts.insert({
        giftId,
        donorId,
        programmeId: target.kind === 'programme' ? target.programmeId : null,
        currency: amount.currency,
        pledged: amount.amount,
        received: 0,
        allocated: 0,
        paidToInsurers: 0,
        premiumRefundsCredited: 0,
        refunded: 0,
        claimsPaid: 0,
      });
      return;
    }
    case 'GiftPaymentConfirmed':
      await addToGift(gifts, event.data.giftId, 'received', event.data.amount.amount);
      return;
    // A pledge that ended unpaid moved no money: the public figures forget it.
    case 'GiftPledgeExpired':
    case 'GiftPledgeWithdrawn':
      await gifts.delete({ giftId: event.data.giftId });
      return;
    case 'GiftAllocated': {
      const { allocationId, giftId, householdId, policyId, amount } = event.data;
      const gift = await gifts.getOrFail({ giftId });
      await allocations.insert({ allocationId, giftId, programmeId: gift.programmeId, householdId, policyId, policyActive: false });
      await addToGift(gifts, giftId, 'allocated', amount.amount);
      return;
    }
    case 'GiftRemainderRefunded':
      await addToGift(gifts, event.data.giftId, 'refunded', event.data.amount.amount);
      return;
    case 'GiftPremiumRefundCredited':
      await addToGift(gifts, event.data.giftId, 'premiumRefundsCredited', event.data.amount.amount);
      return;
    case 'PolicyIssued':
      await allocations.updateWhere('policyId', event.data.policyId, { policyActive: true });
      await addContributions(gifts, event.data.contributions, 1);
      return;
    case 'PolicyCancelled':
      await allocations.updateWhere('policyId', event.data.policyId, { policyActive: false });
      // Only an issued policy's refund comes back from the insurer; before issue the premium never left.
      if (event.data.wasIssued) await addContributions(gifts, event.data.refunds, -1);
      return;
    case 'PolicyExpired':
      await allocations.updateWhere('policyId', event.data.policyId, { policyActive: false });
      return;
    case 'ClaimPaid': {
      const { amount, fundedBy } = event.data;
      const shares = splitProportionally(amount.amount, fundedBy.map((share) => share.amount));
      for (const [i, share] of fundedBy.entries()) await addToGift(gifts, share.giftId, 'claimsPaid', shares[i]);
      return;
    }
  }
}

function addToGift(gifts: RowSet<PublicGiftRow>, giftId: string, figure: GiftFigure, amount: number): Promise<void> {
  return gifts.increment({ giftId }, figure, amount);
}

async function addContributions(gifts: RowSet<PublicGiftRow>, contributions: Contribution[], sign: 1 | -1): Promise<void> {
  for (const { giftId, amount } of contributions) await addToGift(gifts, giftId, 'paidToInsurers', sign * amount);
}
