import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../shared/columns';

/**
 * One complete subtree of the Merkle log over the event log: the 2^level leaves from leaf
 * index * 2^level. Level 0 holds the leaf hashes, each with the id of the event it is (global
 * positions need not be dense, KurrentDB's are not, so the leaf index is not derivable from them).
 * Written once, never changed.
 */
// WITHOUT ROWID on SQLite: the rows live in their primary key's b-tree, one structure to write per append instead of two.
@Entity('merkle_subtree_hashes', { withoutRowid: true })
export class MerkleSubtreeHashRow {
  @PrimaryColumn({ type: 'integer' })
  level: number;

  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  index: bigint;

  /** SHA-256, lowercase hex. */
  @Column({ type: 'varchar', length: 64 })
  hash: string;

  /** For a leaf (level 0): the event it is. Null for the subtrees above. */
  @Column({ type: 'varchar', length: 100, nullable: true, unique: true })
  eventId: string | null;
}
