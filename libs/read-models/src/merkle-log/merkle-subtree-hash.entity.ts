import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../shared/columns';

/**
 * One complete subtree of the Merkle log over the event log: the 2^level leaves from leaf
 * index * 2^level. Level 0 holds the leaf hashes. Written once, never changed.
 */
@Entity('merkle_subtree_hashes')
export class MerkleSubtreeHashRow {
  @PrimaryColumn({ type: 'integer' })
  level: number;

  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  index: bigint;

  /** SHA-256, lowercase hex. */
  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
