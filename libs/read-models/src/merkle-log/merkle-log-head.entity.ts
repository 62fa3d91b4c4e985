import { Entity, PrimaryColumn } from 'typeorm';
import { PositionColumn } from '../shared/columns';

/** The single row (id 1) holding the Merkle log's size: the number of events appended as leaves. */
@Entity('merkle_log_head')
export class MerkleLogHeadRow {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @PositionColumn()
  size: bigint;
}

export const MERKLE_LOG_HEAD_ID = 1;
