import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TextColumn } from '../shared/columns';

/** Just what the dashboard counts about a household. */
@Entity('dashboard_households')
export class DashboardHouseholdRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  householdId: string;

  @Index()
  @TextColumn({ length: 12 })
  villageCode: string;

  @Column({ type: 'boolean', default: false })
  eligible: boolean;

  /** Policies in force (issued, neither expired nor cancelled), over all products. */
  @Column({ type: 'integer', default: 0 })
  activePolicies: number;
}
