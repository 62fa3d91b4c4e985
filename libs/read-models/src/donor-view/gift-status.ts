import type { DonorGiftRow, GiftStatus } from './donor-gift.entity';

type GiftFigures = Pick<DonorGiftRow, 'received' | 'allocated' | 'premiumRefundsCredited' | 'refunded' | 'declaredHeld'>;

/** What the gift still has in escrow: received - allocated + unearned premium credited back - refunded. */
export function escrowBalance(gift: GiftFigures): number {
  return gift.received - gift.allocated + gift.premiumRefundsCredited - gift.refunded;
}

/** The part of the escrow kept for the target's next need (e.g. a renewal). */
export function heldAmount(gift: GiftFigures): number {
  return Math.min(gift.declaredHeld, escrowBalance(gift));
}

export function giftStatus(gift: GiftFigures): GiftStatus {
  if (gift.received === 0) return 'pledged';
  if (escrowBalance(gift) > 0) {
    if (heldAmount(gift) > 0) return 'holding-remainder';
    return gift.allocated > 0 ? 'partly-allocated' : 'paid';
  }
  return gift.allocated > gift.premiumRefundsCredited ? 'settled' : 'refunded';
}
