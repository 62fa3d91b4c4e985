import { Entity, Index, PrimaryColumn, Column } from 'typeorm';
import type { EvidenceFile } from '@pangolin/domain';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

export type ClaimState = 'filed' | 'approved' | 'rejected' | 'paid';

@Index('IDX_claims_insurer_oldest', ['insurerId', 'filedAt', 'claimId'])
@Index('IDX_claims_insurer_state', ['insurerId', 'state', 'filedAt', 'claimId'])
@Entity('catalogue_claims')
export class ClaimRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  claimId: string;

  @Index()
  @TextColumn({ length: 64 })
  policyId: string;

  @TextColumn({ length: 64 })
  householdId: string;

  /** Copied from the policy when the claim is filed, so an insurer's queue is one indexed query. */
  @TextColumn({ length: 64 })
  insurerId: string;

  @TextColumn({ length: 16 })
  state: ClaimState;

  @TextColumn({ length: 32 })
  kind: string;

  @IsoDateColumn()
  incidentDate: string;

  @MinorUnitsColumn()
  amountClaimed: number;

  @MinorUnitsColumn({ nullable: true })
  approvedAmount: number | null;

  @MinorUnitsColumn({ nullable: true })
  paidAmount: number | null;

  @CurrencyColumn()
  currency: string;

  @TextColumn({ length: 16 })
  filedByRole: string;

  @TextColumn({ length: 64 })
  filedById: string;

  @IsoDateColumn()
  filedAt: string;

  @IsoDateColumn({ nullable: true })
  decidedAt: string | null;

  @TextColumn({ length: 500, nullable: true })
  rejectionReason: string | null;

  @IsoDateColumn({ nullable: true })
  paidAt: string | null;

  @TextColumn({ length: 100, nullable: true })
  payoutReference: string | null;

  /** What the filer listed as evidence, and the files uploaded with the claim (name, SHA-256, type, size); null on claims projected before they were kept. */
  @Column({ type: 'simple-json', nullable: true })
  evidence: string[] | null;

  @Column({ type: 'simple-json', nullable: true })
  evidenceFiles: EvidenceFile[] | null;

  /** The gifts that funded the policy and their shares of its premium, as recorded with the payment. */
  @Column({ type: 'simple-json', nullable: true })
  fundedBy: { giftId: string; amount: number }[] | null;
}
