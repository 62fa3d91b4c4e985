import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, MinorUnitsColumn, PositionColumn, TextColumn } from '../shared/columns';

/** One line of a posting: a signed amount on one account. A posting's lines sum to zero. */
@Index('IDX_ledger_entries_balances', ['account', 'currency', 'amount'])
@Entity('ledger_entries')
export class LedgerEntryRow {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  postingId: string;

  /** Index of the line within its posting. */
  @PrimaryColumn({ type: 'integer' })
  line: number;

  @TextColumn({ length: 120 })
  account: string;

  @MinorUnitsColumn()
  amount: number;

  @CurrencyColumn()
  currency: string;

  @Column({ type: 'simple-json' })
  giftIds: string[];

  @TextColumn({ length: 64 })
  eventId: string;

  @PositionColumn()
  position: bigint;
}
