import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

/** One policy paid by a declaration. */
@Entity('disaster_payouts')
export class DisasterPayoutRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  declarationId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  policyId: string;

  @TextColumn({ length: 64 })
  householdId: string;

  @TextColumn({ length: 64 })
  insurerId: string;

  @TextColumn({ length: 64 })
  claimId: string;

  @MinorUnitsColumn()
  amount: number;

  @CurrencyColumn()
  currency: string;

  @TextColumn({ length: 200 })
  payoutReference: string;

  @Column({ type: 'integer' })
  batchNumber: number;

  @IsoDateColumn()
  paidAt: string;
}
