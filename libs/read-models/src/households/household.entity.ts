import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { HouseholdPersonalData } from '@pangolin/domain';
import { IsoDateColumn, PositionColumn, TextColumn } from '../shared/columns';

@Index('IDX_households_village_code', ['villageCode', 'householdCode'])
// PostgreSQL only (migration 1765810000000): `householdCode text_pattern_ops`, for searches by a code's start.
@Index('IDX_households_code_pattern', { synchronize: false })
@Entity('households')
export class HouseholdRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  householdId: string;

  @Index({ unique: true })
  @TextColumn({ length: 64 })
  householdCode: string;

  @TextColumn({ length: 12 })
  villageCode: string;

  @TextColumn({ length: 9 })
  townCode: string;

  @TextColumn({ length: 6 })
  countyCode: string;

  @TextColumn({ length: 32 })
  category: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'boolean', default: false })
  eligible: boolean;

  /** Global position of the latest verification: programmes allocate to older verifications first. */
  @PositionColumn({ nullable: true })
  verifiedPosition: bigint | null;

  @IsoDateColumn({ nullable: true })
  verifiedAt: string | null;

  @IsoDateColumn({ nullable: true })
  revokedAt: string | null;

  @TextColumn({ length: 500, nullable: true })
  revocationReason: string | null;

  /** Region code of the registering government. */
  @TextColumn({ length: 12 })
  registeredBy: string;

  @IsoDateColumn()
  registeredAt: string;

  /** Never loaded unless a query asks for it by name (see the personal queries). Null once erased. */
  @Column({ type: 'simple-json', select: false, nullable: true })
  personal: HouseholdPersonalData | null;

  /** The household's key is destroyed: its personal data can never be shown again. */
  @Column({ type: 'boolean', default: false })
  personalDataErased: boolean;
}
