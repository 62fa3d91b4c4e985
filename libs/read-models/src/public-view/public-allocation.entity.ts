import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TextColumn } from '../shared/columns';

/** Which households a gift (and so a programme) helps cover, and whether that cover is in force. */
@Entity('public_allocations')
export class PublicAllocationRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  allocationId: string;

  @TextColumn({ length: 64 })
  giftId: string;

  @Index()
  @TextColumn({ length: 64, nullable: true })
  programmeId: string | null;

  @TextColumn({ length: 64 })
  householdId: string;

  @Index()
  @TextColumn({ length: 64 })
  policyId: string;

  @Column({ type: 'boolean', default: false })
  policyActive: boolean;
}
