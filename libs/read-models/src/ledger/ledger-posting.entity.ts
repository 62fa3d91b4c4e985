import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, PositionColumn, TextColumn } from '../shared/columns';

/** One balanced movement of money, derived from one event. */
@Entity('ledger_postings')
export class LedgerPostingRow {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  postingId: string;

  @TextColumn({ length: 48 })
  kind: string;

  @CurrencyColumn()
  currency: string;

  /** The gifts whose money moves. */
  @Column({ type: 'simple-json' })
  giftIds: string[];

  @Index()
  @TextColumn({ length: 64 })
  eventId: string;

  @Index()
  @PositionColumn()
  position: bigint;
}
