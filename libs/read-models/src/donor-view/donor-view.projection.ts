import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { pangolinEvent } from '../shared/pangolin-event';
import { DonorGiftRow } from './donor-gift.entity';
import { GiftAllocationRow } from './gift-allocation.entity';
import { GiftRefundRow } from './gift-refund.entity';
import { giftStatus } from './gift-status';

/** Each gift's figures, allocations and refunds, for its donor. Policies and claims come from the catalogue. */
export class DonorViewProjection implements Projection {
  readonly name = 'donor-view';

  async apply(recorded: RecordedEvent, tx: EntityManager): Promise<void> {
    const event = pangolinEvent(recorded);
    switch (event.type) {
      case 'GiftPledged': {
        const { giftId, donorId, amount, target, remainder, pledgedAt } = event.data;
        await tx.insert(DonorGiftRow, {
          giftId,
          donorId,
          targetKind: target.kind,
          householdId: target.kind === 'household' ? target.householdId : null,
          programmeId: target.kind === 'programme' ? target.programmeId : null,
          regionCode: target.kind === 'programme' ? target.regionCode : null,
          productId: target.productId,
          remainderChoice: remainder,
          status: 'pledged',
          currency: amount.currency,
          pledged: amount.amount,
          received: 0,
          allocated: 0,
          premiumRefundsCredited: 0,
          refunded: 0,
          declaredHeld: 0,
          pledgedAt,
          paymentReference: null,
          paidAt: null,
        });
        return;
      }
      case 'GiftPaymentConfirmed': {
        const { giftId, amount, paymentReference, confirmedAt } = event.data;
        await this.updateGift(tx, giftId, (gift) => ({ received: gift.received + amount.amount, paymentReference, paidAt: confirmedAt }));
        return;
      }
      case 'GiftAllocated': {
        const d = event.data;
        await tx.insert(GiftAllocationRow, {
          allocationId: d.allocationId,
          giftId: d.giftId,
          householdId: d.householdId,
          productId: d.productId,
          policyId: d.policyId,
          amount: d.amount.amount,
          currency: d.amount.currency,
          allocatedAt: d.allocatedAt,
        });
        await this.updateGift(tx, d.giftId, (gift) => ({ allocated: gift.allocated + d.amount.amount }));
        return;
      }
      case 'GiftRemainderHeld':
        await this.updateGift(tx, event.data.giftId, () => ({ declaredHeld: event.data.amount.amount }));
        return;
      case 'GiftRemainderRefunded': {
        const { giftId, amount, reason, refundedAt } = event.data;
        await tx.insert(GiftRefundRow, { eventId: recorded.eventId, giftId, kind: 'remainder-refunded', policyId: null, amount: amount.amount, currency: amount.currency, reason, at: refundedAt });
        await this.updateGift(tx, giftId, (gift) => ({ refunded: gift.refunded + amount.amount }));
        return;
      }
      case 'GiftPremiumRefundCredited': {
        const { giftId, policyId, amount, creditedAt } = event.data;
        await tx.insert(GiftRefundRow, { eventId: recorded.eventId, giftId, kind: 'premium-credited', policyId, amount: amount.amount, currency: amount.currency, reason: null, at: creditedAt });
        await this.updateGift(tx, giftId, (gift) => ({ premiumRefundsCredited: gift.premiumRefundsCredited + amount.amount }));
        return;
      }
      // An unpaid pledge that ended has no figures to change, only its status.
      case 'GiftPledgeExpired':
        await tx.update(DonorGiftRow, { giftId: event.data.giftId }, { status: 'expired' });
        return;
      case 'GiftPledgeWithdrawn':
        await tx.update(DonorGiftRow, { giftId: event.data.giftId }, { status: 'withdrawn' });
        return;
    }
  }

  /** Applies a change to a gift's figures and recomputes its status from them. */
  private async updateGift(tx: EntityManager, giftId: string, change: (gift: DonorGiftRow) => Partial<DonorGiftRow>): Promise<void> {
    const gift = await tx.findOneByOrFail(DonorGiftRow, { giftId });
    const changes = change(gift);
    await tx.update(DonorGiftRow, { giftId }, { ...changes, status: giftStatus({ ...gift, ...changes }) });
  }
}
