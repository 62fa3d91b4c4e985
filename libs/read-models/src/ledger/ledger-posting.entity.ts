import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, PositionColumn, TextColumn } from '../shared/columns';

/**
 * One balanced movement of money, derived from one event. Only written: the ledger's queries read
 * its entries (which carry the event and position too), so the table has no index but its key,
 * one index entry less to write per posting than per event id and per position.
 */
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

  @TextColumn({ length: 64 })
  eventId: string;

  @PositionColumn()
  position: bigint;
}
