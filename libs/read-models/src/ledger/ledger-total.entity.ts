import { Entity, PrimaryColumn } from 'typeorm';
import { MinorUnitsColumn } from '../shared/columns';

/** The sum of every ledger entry of one currency, kept by the ledger projection as it appends them: 0 in a sound ledger. */
@Entity('ledger_totals')
export class LedgerTotalRow {
  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency: string;

  @MinorUnitsColumn()
  total: number;
}
