import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The donors of received gifts and the households covered (a policy in force that the scope's gifts
 * helped pay) of one scope, counted once each across currencies from the members (PublicMemberRow).
 * A row whose counts are both zero is deleted.
 */
@Entity('public_reach')
export class PublicReachRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  scope: string;

  @Column({ type: 'integer', default: 0 })
  donors: number;

  @Column({ type: 'integer', default: 0 })
  householdsCovered: number;
}
