import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, PositionColumn, TextColumn } from '../shared/columns';

/**
 * One movement of money as the public may see it: what kind, how much, when, and the event that
 * records it (its proof in the transparency log). No donor, household or insurer is named.
 */
@Index('IDX_public_money_movements_feed', ['position', 'postingId'])
@Entity('public_money_movements')
export class PublicMoneyMovementRow {
  /** The ledger posting's id: the event id, suffixed `:<index>` when the event moves money more than once. */
  @PrimaryColumn({ type: 'varchar', length: 100 })
  postingId: string;

  @PositionColumn()
  position: bigint;

  @TextColumn({ length: 48 })
  kind: string;

  @MinorUnitsColumn()
  amount: number;

  @CurrencyColumn()
  currency: string;

  @IsoDateColumn()
  occurredAt: string;

  @TextColumn({ length: 64 })
  eventId: string;
}
