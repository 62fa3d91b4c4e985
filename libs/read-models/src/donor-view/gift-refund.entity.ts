import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

/**
 * Money flowing back: a remainder refunded to the donor, or a cancelled policy's unearned premium
 * credited back into the gift's escrow.
 */
export type GiftRefundKind = 'remainder-refunded' | 'premium-credited';

@Index('IDX_gift_refunds_order', ['giftId', 'at', 'eventId'])
@Entity('donor_gift_refunds')
export class GiftRefundRow {
  /** The id of the event that recorded it: one refund per event. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  eventId: string;

  @TextColumn({ length: 64 })
  giftId: string;

  @TextColumn({ length: 24 })
  kind: GiftRefundKind;

  @TextColumn({ length: 64, nullable: true })
  policyId: string | null;

  @MinorUnitsColumn()
  amount: number;

  @CurrencyColumn()
  currency: string;

  @TextColumn({ length: 500, nullable: true })
  reason: string | null;

  @IsoDateColumn()
  at: string;
}
