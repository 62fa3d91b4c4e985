import { Entity, PrimaryColumn } from 'typeorm';
import { MinorUnitsColumn } from '../shared/columns';

/**
 * Money attributed to the most precise region known: a village for household gifts, allocations and
 * claims; a programme's own region (county, town or village) for programme gifts.
 */
@Entity('dashboard_region_money')
export class RegionMoneyRow {
  @PrimaryColumn({ type: 'varchar', length: 12 })
  regionCode: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency: string;

  @MinorUnitsColumn()
  received: number;

  @MinorUnitsColumn()
  allocated: number;

  @MinorUnitsColumn()
  claimsPaid: number;
}
