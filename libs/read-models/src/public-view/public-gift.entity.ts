import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, TextColumn } from '../shared/columns';
import { GiftFigures } from './gift-figures';

/** One gift's money, for public totals. No personal data: donors are counted, never named. */
@Entity('public_gifts')
export class PublicGiftRow extends GiftFigures {
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
}
