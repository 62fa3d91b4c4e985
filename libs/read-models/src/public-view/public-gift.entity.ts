import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

/** One gift's money, for public totals. No personal data: donors are counted, never named. */
@Entity('public_gifts')
export class PublicGiftRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  giftId: string;

  @TextColumn({ length: 64 })
  donorId: string;

  /** Null for a gift directed at one household. */
  @Index()
  @TextColumn({ length: 64, nullable: true })
  programmeId: string | null;

  @CurrencyColumn()
  currency: string;

  @MinorUnitsColumn()
  pledged: number;

  @MinorUnitsColumn()
  received: number;

  @MinorUnitsColumn()
  allocated: number;

  /** Premium that reached insurers, net of unearned premium they returned on cancellation. */
  @MinorUnitsColumn()
  paidToInsurers: number;

  @MinorUnitsColumn()
  premiumRefundsCredited: number;

  @MinorUnitsColumn()
  refunded: number;

  /** This gift's part of claims paid, in proportion to its share of each policy's premium. */
  @MinorUnitsColumn()
  claimsPaid: number;
}
