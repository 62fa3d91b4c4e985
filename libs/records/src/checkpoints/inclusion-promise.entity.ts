import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer, IsoDateColumn } from '@pangolin/read-models';

/**
 * An inclusion promise the platform gave (issue #14): the signed note (`<origin>/promise`) that
 * answered a command recording money, promising its leaves would be in a checkpoint by `deadline`.
 * Kept like the signed checkpoints: a rebuild of the read models leaves them alone, and `audit`
 * checks every one against the checkpoints signed by its deadline.
 */
@Entity('inclusion_promises')
export class InclusionPromiseRow {
  /** SHA-256 of the note, lowercase hex: giving the same promise twice keeps it once. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  /** The smallest and largest leaf index promised. */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  firstLeaf: bigint;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  lastLeaf: bigint;

  @IsoDateColumn()
  issuedAt: string;

  /** issuedAt plus the promise's maximum merge delay. */
  @IsoDateColumn()
  deadline: string;

  /** The signed note, exactly as handed out. */
  @Column({ type: 'text' })
  note: string;
}
