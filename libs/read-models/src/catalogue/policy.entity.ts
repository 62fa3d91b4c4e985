import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

export type PolicyStatus = 'requested' | 'active' | 'expired' | 'cancelled';

@Index('IDX_policies_insurer_newest', ['insurerId', 'requestedAt', 'policyId'])
@Index('IDX_policies_insurer_status', ['insurerId', 'status', 'requestedAt', 'policyId'])
@Index('IDX_policies_insurer_number', ['insurerId', 'policyNumber'])
@Entity('catalogue_policies')
export class PolicyRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  policyId: string;

  @Index()
  @TextColumn({ length: 64 })
  householdId: string;

  @TextColumn({ length: 64 })
  productId: string;

  @Column({ type: 'integer' })
  productVersion: number;

  @TextColumn({ length: 64 })
  insurerId: string;

  @TextColumn({ length: 16 })
  status: PolicyStatus;

  @TextColumn({ length: 64, nullable: true })
  policyNumber: string | null;

  @MinorUnitsColumn()
  premium: number;

  @MinorUnitsColumn()
  sumInsured: number;

  @CurrencyColumn()
  currency: string;

  @Column({ type: 'integer' })
  waitingPeriodDays: number;

  @Column({ type: 'integer' })
  termDays: number;

  /** Calendar dates of cover, known once issued. */
  @IsoDateColumn({ nullable: true })
  startDate: string | null;

  @IsoDateColumn({ nullable: true })
  endDate: string | null;

  @MinorUnitsColumn()
  claimsPaid: number;

  @IsoDateColumn()
  requestedAt: string;

  @IsoDateColumn({ nullable: true })
  issuedAt: string | null;

  /** The day cover stopped early; null unless cancelled. */
  @IsoDateColumn({ nullable: true })
  cancellationEffectiveDate: string | null;

  @MinorUnitsColumn()
  unearnedPremiumReturned: number;
}
