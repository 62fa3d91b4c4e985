import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MinorUnitsColumn } from '../shared/columns';
import type { ClaimState } from '../catalogue/claim.entity';

/**
 * A claim as the government dashboard counts it: its household's village, its state and what it
 * amounts to in that state (claimed while filed or rejected, approved, then paid), so that a change
 * of state moves it from one of the village's counts (VillageClaimsRow) to another.
 */
@Entity('dashboard_claims')
export class DashboardClaimRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  claimId: string;

  @Column({ type: 'varchar', length: 12 })
  villageCode: string;

  @Column({ type: 'varchar', length: 16 })
  state: ClaimState;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @MinorUnitsColumn()
  amount: number;
}
