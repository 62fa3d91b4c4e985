import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

/**
 * Where a gift stands, from the donor's side:
 * pledged -> paid (in escrow) -> partly-allocated | holding-remainder -> settled (escrow empty, premiums paid)
 * or refunded (escrow empty, nothing kept for premiums); an unpaid pledge may instead end expired
 * (PLEDGE_EXPIRY_HOURS passed) or withdrawn (by its donor).
 */
export type GiftStatus = 'pledged' | 'paid' | 'partly-allocated' | 'holding-remainder' | 'settled' | 'refunded' | 'expired' | 'withdrawn';

@Index('IDX_donor_gifts_newest', ['donorId', 'pledgedAt', 'giftId'])
@Entity('donor_gifts')
export class DonorGiftRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  giftId: string;

  @TextColumn({ length: 64 })
  donorId: string;

  @TextColumn({ length: 16 })
  targetKind: 'household' | 'programme';

  @TextColumn({ length: 64, nullable: true })
  householdId: string | null;

  @TextColumn({ length: 64, nullable: true })
  programmeId: string | null;

  @TextColumn({ length: 12, nullable: true })
  regionCode: string | null;

  @TextColumn({ length: 64 })
  productId: string;

  @TextColumn({ length: 8 })
  remainderChoice: 'hold' | 'refund';

  @TextColumn({ length: 24 })
  status: GiftStatus;

  @CurrencyColumn()
  currency: string;

  @MinorUnitsColumn()
  pledged: number;

  @MinorUnitsColumn()
  received: number;

  @MinorUnitsColumn()
  allocated: number;

  /** Unearned premium of cancelled policies credited back into the escrow. */
  @MinorUnitsColumn()
  premiumRefundsCredited: number;

  @MinorUnitsColumn()
  refunded: number;

  /** The amount last declared held for the target; what is still held is capped by the escrow balance. */
  @MinorUnitsColumn()
  declaredHeld: number;

  @IsoDateColumn()
  pledgedAt: string;

  @TextColumn({ length: 100, nullable: true })
  paymentReference: string | null;

  @IsoDateColumn({ nullable: true })
  paidAt: string | null;
}
