import type { EntityManager } from 'typeorm';
import { splitProportionally, type Contribution } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { pangolinEvent } from '../shared/pangolin-event';
import { PublicGiftRow } from './public-gift.entity';
import { PublicAllocationRow } from './public-allocation.entity';

type GiftFigure = 'received' | 'allocated' | 'paidToInsurers' | 'premiumRefundsCredited' | 'refunded' | 'claimsPaid';

/** Money per gift and cover per allocation, summed per programme and for the platform at query time. */
export class PublicViewProjection implements Projection {
  readonly name = 'public-view';

  async apply(recorded: RecordedEvent, tx: EntityManager): Promise<void> {
    const event = pangolinEvent(recorded);
    switch (event.type) {
      case 'GiftPledged': {
        const { giftId, donorId, amount, target } = event.data;
        await tx.insert(PublicGiftRow, {
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
        await addToGift(tx, event.data.giftId, 'received', event.data.amount.amount);
        return;
      // A pledge that ended unpaid moved no money: the public figures forget it.
      case 'GiftPledgeExpired':
      case 'GiftPledgeWithdrawn':
        await tx.delete(PublicGiftRow, { giftId: event.data.giftId });
        return;
      case 'GiftAllocated': {
        const { allocationId, giftId, householdId, policyId, amount } = event.data;
        const gift = await tx.findOneByOrFail(PublicGiftRow, { giftId });
        await tx.insert(PublicAllocationRow, { allocationId, giftId, programmeId: gift.programmeId, householdId, policyId, policyActive: false });
        await addToGift(tx, giftId, 'allocated', amount.amount);
        return;
      }
      case 'GiftRemainderRefunded':
        await addToGift(tx, event.data.giftId, 'refunded', event.data.amount.amount);
        return;
      case 'GiftPremiumRefundCredited':
        await addToGift(tx, event.data.giftId, 'premiumRefundsCredited', event.data.amount.amount);
        return;
      case 'PolicyIssued':
        await tx.update(PublicAllocationRow, { policyId: event.data.policyId }, { policyActive: true });
        await addContributions(tx, event.data.contributions, 1);
        return;
      case 'PolicyCancelled':
        await tx.update(PublicAllocationRow, { policyId: event.data.policyId }, { policyActive: false });
        // Only an issued policy's refund comes back from the insurer; before issue the premium never left.
        if (event.data.wasIssued) await addContributions(tx, event.data.refunds, -1);
        return;
      case 'PolicyExpired':
        await tx.update(PublicAllocationRow, { policyId: event.data.policyId }, { policyActive: false });
        return;
      case 'ClaimPaid': {
        const { amount, fundedBy } = event.data;
        const shares = splitProportionally(amount.amount, fundedBy.map((share) => share.amount));
        for (const [i, share] of fundedBy.entries()) await addToGift(tx, share.giftId, 'claimsPaid', shares[i]);
        return;
      }
    }
  }
}

async function addToGift(tx: EntityManager, giftId: string, figure: GiftFigure, amount: number): Promise<void> {
  await tx.increment(PublicGiftRow, { giftId }, figure, amount);
}

async function addContributions(tx: EntityManager, contributions: Contribution[], sign: 1 | -1): Promise<void> {
  for (const { giftId, amount } of contributions) await addToGift(tx, giftId, 'paidToInsurers', sign * amount);
}
