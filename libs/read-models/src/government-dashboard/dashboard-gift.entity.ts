import { Entity, PrimaryColumn } from 'typeorm';
import { TextColumn } from '../shared/columns';

/** The region a gift's payments count in: its household's village, or its programme's region. */
@Entity('dashboard_gifts')
export class DashboardGiftRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  giftId: string;

  @TextColumn({ length: 12 })
  regionCode: string;
}
