import { Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../shared/columns';

/**
 * Which postings move a gift's money, one row per (gift, posting), in log order under each gift:
 * a gift's ledger entries are an index range, not a search through every entry's list of gifts.
 */
@Entity('ledger_posting_gifts')
export class LedgerPostingGiftRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  giftId: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  position: bigint;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  postingId: string;
}
