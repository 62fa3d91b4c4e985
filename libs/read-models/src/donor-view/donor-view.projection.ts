import type { EntityManager } from 'typeorm';
import type { PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { DonorGiftRow } from './donor-gift.entity';
import { GiftAllocationRow } from './gift-allocation.entity';
import { GiftRefundRow } from './gift-refund.entity';
import { giftStatus } from './gift-status';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return { gifts: new RowSet(tx, DonorGiftRow), allocations: new RowSet(tx, GiftAllocationRow), refunds: new RowSet(tx, GiftRefundRow) };
}

/** Each gift's figures, allocations and refunds, for its donor. Policies and claims come from the catalogue. Applied a batch at a time (see RowSet). */
export class DonorViewProjection implements Projection {
  readonly name = 'donor-view';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

function prefetch({ gifts }: Tables, events: readonly PangolinEvent[]): Promise<void> {
  return gifts.load('giftId', keysIn(events, (event) => (event.type.startsWith('Gift') ? (event.data as { giftId: string }).giftId : undefined)));
}

async function applyEvent({ gifts, allocations, refunds }: Tables, event: PangolinEvent, recorded: RecordedEvent): Promise<void> {
  switch (event.type) {
    case 'GiftPledged': {
      const { giftId, donorId, amount, target, remainder, pledgedAt } = event.data;
      await gifts.insert({
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
      await updateGift(gifts, giftId, (gift) => ({ received: gift.received + amount.amount, paymentReference, paidAt: confirmedAt }));
      return;
    }
    case 'GiftAllocated': {
      const d = event.data;
      allocations.append({
        allocationId: d.allocationId,
        giftId: d.giftId,
        householdId: d.householdId,
        productId: d.productId,
        policyId: d.policyId,
        amount: d.amount.amount,
        currency: d.amount.currency,
        allocatedAt: d.allocatedAt,
      });
      await updateGift(gifts, d.giftId, (gift) => ({ allocated: gift.allocated + d.amount.amount }));
      return;
    }
    case 'GiftRemainderHeld':
      await updateGift(gifts, event.data.giftId, () => ({ declaredHeld: event.data.amount.amount }));
      return;
    case 'GiftRemainderRefunded': {
      const { giftId, amount, reason, refundedAt } = event.data;
      refunds.append({ eventId: recorded.eventId, giftId, kind: 'remainder-refunded', policyId: null, amount: amount.amount, currency: amount.currency, reason, at: refundedAt });
      await updateGift(gifts, giftId, (gift) => ({ refunded: gift.refunded + amount.amount }));
      return;
    }
    case 'GiftPremiumRefundCredited': {
      const { giftId, policyId, amount, creditedAt } = event.data;
      refunds.append({ eventId: recorded.eventId, giftId, kind: 'premium-credited', policyId, amount: amount.amount, currency: amount.currency, reason: null, at: creditedAt });
      await updateGift(gifts, giftId, (gift) => ({ premiumRefundsCredited: gift.premiumRefundsCredited + amount.amount }));
      return;
    }
    // An unpaid pledge that ended has no figures to change, only its status.
    case 'GiftPledgeExpired':
      await gifts.update({ giftId: event.data.giftId }, { status: 'expired' });
      return;
    case 'GiftPledgeWithdrawn':
      await gifts.update({ giftId: event.data.giftId }, { status: 'withdrawn' });
      return;
  }
}

/** Applies a change to a gift's figures and recomputes its status from them. */
async function updateGift(gifts: RowSet<DonorGiftRow>, giftId: string, change: (gift: DonorGiftRow) => Partial<DonorGiftRow>): Promise<void> {
  const gift = await gifts.getOrFail({ giftId });
  const changes = change(gift);
  gifts.change(gift, { ...changes, status: giftStatus({ ...gift, ...changes }) });
}
