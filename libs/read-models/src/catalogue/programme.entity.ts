import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IsoDateColumn, TextColumn } from '../shared/columns';

@Entity('catalogue_programmes')
export class ProgrammeRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  programmeId: string;

  @TextColumn()
  name: string;

  @TextColumn({ length: 12 })
  regionCode: string;

  @TextColumn({ length: 64 })
  productId: string;

  @TextColumn({ length: 64 })
  launchedBy: string;

  @IsoDateColumn()
  launchedAt: string;

  @Column({ type: 'boolean', default: false })
  closed: boolean;

  @IsoDateColumn({ nullable: true })
  closedAt: string | null;
}
