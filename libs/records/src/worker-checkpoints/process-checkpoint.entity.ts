import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where each process manager has got to in the log. Kept apart from projection checkpoints: a
 * read-model rebuild must not make process managers act on old events again.
 */
@Entity('process_checkpoints')
export class ProcessCheckpoint {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name: string;

  /** Decimal string: positions are 64-bit and JavaScript numbers are not. */
  @Column({ type: 'varchar', length: 20 })
  position: string;
}
