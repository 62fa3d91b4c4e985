import type { EntityManager } from 'typeorm';
import { consistencyProof, inclusionProof, rootAt } from '@pangolin/transparency';
import { MERKLE_LOG_HEAD_ID, MerkleLogHeadRow } from './merkle-log-head.entity';
import { TypeOrmSubtreeHashStore } from './typeorm-subtree-hash-store';

/** Number of leaves (events) in the log. */
export async function merkleLogSize(manager: EntityManager): Promise<bigint> {
  const head = await manager.findOneBy(MerkleLogHeadRow, { id: MERKLE_LOG_HEAD_ID });
  return head?.size ?? 0n;
}

/** MTH of the first `size` leaves (default: the whole log). Hashes for past sizes never change. */
export async function merkleRoot(manager: EntityManager, size?: bigint): Promise<Uint8Array> {
  const current = await merkleLogSize(manager);
  const treeSize = size ?? current;
  assertWithin(treeSize, current);
  return rootAt(new TypeOrmSubtreeHashStore(manager), treeSize);
}

/** The audit path of leaf `leafIndex` in the tree of `size` leaves, read in one query. */
export async function inclusionProofFor(manager: EntityManager, leafIndex: bigint, size: bigint): Promise<Uint8Array[]> {
  assertWithin(size, await merkleLogSize(manager));
  return inclusionProof(new TypeOrmSubtreeHashStore(manager), leafIndex, size);
}

/** The proof that the tree of `size2` leaves extends the tree of `size1` leaves, read in one query. */
export async function consistencyProofBetween(manager: EntityManager, size1: bigint, size2: bigint): Promise<Uint8Array[]> {
  assertWithin(size2, await merkleLogSize(manager));
  return consistencyProof(new TypeOrmSubtreeHashStore(manager), size1, size2);
}

function assertWithin(size: bigint, current: bigint): void {
  if (size < 0n || size > current) throw new RangeError(`tree size ${size} is outside the log, which has ${current} leaves`);
}
