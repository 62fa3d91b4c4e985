import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@pangolin/event-store';
import { appendLeaves, leafHash } from '@pangolin/transparency';
import { encodeLeaf } from '@pangolin/transparency';
import type { Projection } from '../projection';
import { MERKLE_LOG_HEAD_ID, MerkleLogHeadRow } from './merkle-log-head.entity';
import { TypeOrmSubtreeHashStore } from './typeorm-subtree-hash-store';
import { merkleLogSize } from './merkle-log.queries';

/** The RFC 6962 leaf hash of a stored event: SHA-256(0x00 || encodeLeaf(event)). */
export function eventLeafHash(event: RecordedEvent): Uint8Array {
  return leafHash(encodeLeaf(event));
}

/**
 * Appends every event of the log, in global order, as the next leaf of an RFC 6962 Merkle tree:
 * the event at global position p is leaf p - 1, so leaf indices have no gaps. Runs in the
 * runner's transaction with the checkpoint, so each event becomes exactly one leaf.
 */
export class MerkleLogProjection implements Projection {
  readonly name = 'merkle-log';

  async apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    const size = await merkleLogSize(tx);
    const newSize = await appendLeaves(new TypeOrmSubtreeHashStore(tx), size, [eventLeafHash(event)]);
    await tx.save(MerkleLogHeadRow, { id: MERKLE_LOG_HEAD_ID, size: newSize });
  }
}
