import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer, IsoDateColumn } from '@pangolin/read-models';

/**
 * A checkpoint (signed tree head) the platform published: a C2SP signed note whose text is the
 * tlog-checkpoint of the Merkle log at `size`. Not a projection: every checkpoint ever signed is
 * kept, and a rebuild of the read models leaves them alone, so `audit` can compare the rebuilt
 * tree with what was promised.
 */
@Entity('signed_checkpoints')
export class SignedCheckpointRow {
  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  size: bigint;

  /** The root hash at `size`, lowercase hex (also inside the note, in base64). */
  @Column({ type: 'varchar', length: 64 })
  rootHash: string;

  /** The signed note, exactly as served. */
  @Column({ type: 'text' })
  note: string;

  @IsoDateColumn()
  signedAt: string;
}
