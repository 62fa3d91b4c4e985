import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer, IsoDateColumn } from '@pangolin/read-models';

/**
 * A witness's cosignature (c2sp.org/tlog-cosignature) on the checkpoint signed at `size`: one note
 * signature line, served appended to the checkpoint. Kept like the checkpoints: a rebuild of the
 * read models leaves them alone.
 */
@Entity('checkpoint_cosignatures')
export class CheckpointCosignatureRow {
  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  size: bigint;

  /** The witness's verifier key (`<name>+<id>+<base64(0x04 || key)>`). */
  @PrimaryColumn({ type: 'varchar', length: 300 })
  witness: string;

  /** The signature line, `— <witness name> <base64>` and its newline. */
  @Column({ type: 'text' })
  cosignature: string;

  @IsoDateColumn()
  cosignedAt: string;
}
