import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PublicMemberKind = 'donor' | 'household';

/**
 * One donor or household of a scope, with how many of the scope's rows make it one: received gifts
 * for a donor, allocations whose policy is in force for a household. The reach counts (PublicReachRow)
 * change only when this count leaves or reaches zero, which is how a distinct count is kept without
 * reading every gift. The member comes first in the key: a batch loads the rows of the donors and
 * households it touches, never a whole scope. A row whose count is zero is deleted.
 */
@Entity('public_members')
export class PublicMemberRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  memberId: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind: PublicMemberKind;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  scope: string;

  @Column({ type: 'integer', default: 0 })
  count: number;
}
