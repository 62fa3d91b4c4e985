import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MinorUnitsColumn } from '../shared/columns';
import type { ClaimState } from '../catalogue/claim.entity';

/**
 * A village's claims in one state and currency, counted with their amounts by the government-dashboard
 * projection as claims change state, so a dashboard reads a few rows per village instead of joining
 * and summing every claim of its region.
 */
@Entity('dashboard_village_claims')
export class VillageClaimsRow {
  @PrimaryColumn({ type: 'varchar', length: 12 })
  villageCode: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  state: ClaimState;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'integer', default: 0 })
  count: number;

  @MinorUnitsColumn()
  amount: number;
}
