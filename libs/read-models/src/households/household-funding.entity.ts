import { Entity, Index, PrimaryColumn, Column } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

/**
 * State of the current funding round of one (household, product):
 * funding -> funded (premium complete) -> covered (policy requested or in force) -> cancelled | expired,
 * after which a new round starts funding again.
 */
export type FundingStatus = 'funding' | 'funded' | 'covered' | 'cancelled' | 'expired';

@Entity('household_funding')
export class HouseholdFundingRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  householdId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  productId: string;

  @Column({ type: 'integer' })
  round: number;

  /** The policy the current round pays for (known before it exists). */
  @Index()
  @TextColumn({ length: 64 })
  policyId: string;

  @MinorUnitsColumn()
  premium: number;

  @MinorUnitsColumn()
  funded: number;

  @CurrencyColumn()
  currency: string;

  @TextColumn({ length: 16 })
  status: FundingStatus;

  /** The policy in force for this product now, which may belong to an earlier round than `policyId`. */
  @TextColumn({ length: 64, nullable: true })
  activePolicyId: string | null;

  @IsoDateColumn()
  updatedAt: string;
}
