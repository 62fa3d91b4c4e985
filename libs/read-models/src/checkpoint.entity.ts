import { Entity, PrimaryColumn } from 'typeorm';
import { IsoDateColumn, PositionColumn } from './shared/columns';

/** The global position of the last event each projection has applied. */
@Entity('projection_checkpoints')
export class ProjectionCheckpoint {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name: string;

  @PositionColumn()
  position: bigint;

  @IsoDateColumn()
  updatedAt: string;
}
