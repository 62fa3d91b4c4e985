import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A village's household counts, kept by the government-dashboard projection as its households
 * change, so a dashboard reads one row per village instead of counting households.
 */
@Entity('dashboard_village_counts')
export class VillageCountsRow {
  @PrimaryColumn({ type: 'varchar', length: 12 })
  villageCode: string;

  @Column({ type: 'integer', default: 0 })
  registered: number;

  @Column({ type: 'integer', default: 0 })
  eligible: number;

  /** Households with a policy in force. */
  @Column({ type: 'integer', default: 0 })
  covered: number;

  /** Eligible households with a policy in force. */
  @Column({ type: 'integer', default: 0 })
  eligibleCovered: number;
}
