import type { EntityManager } from 'typeorm';
import { consistencyProof, inclusionProof, rootAt } from '@pangolin/transparency';
import { In } from 'typeorm';
import { MerkleSubtreeHashRow } from './merkle-subtree-hash.entity';
import { quotedTable, rawQuery } from '../shared/raw-sql';
import { TypeOrmSubtreeHashStore } from './typeorm-subtree-hash-store';

/** Number of leaves (events) in the log: one more than the last leaf's index, as leaves have no gaps. */
export async function merkleLogSize(manager: EntityManager): Promise<bigint> {
  const [last] = await rawQuery<{ index: number | string }>(manager, `SELECT "index" FROM ${quotedTable(manager, MerkleSubtreeHashRow)} WHERE "level" = 0 ORDER BY "index" DESC LIMIT 1`);
  return last ? BigInt(last.index) + 1n : 0n;
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

/** The leaf index of each of `eventIds` that is in the log (absent ids are not yet, or never, in it). */
export async function leafIndicesOf(manager: EntityManager, eventIds: readonly string[]): Promise<Map<string, bigint>> {
  const found = new Map<string, bigint>();
  for (let start = 0; start < eventIds.length; start += 500) {
    const rows = await manager.find(MerkleSubtreeHashRow, { select: { index: true, eventId: true }, where: { level: 0, eventId: In(eventIds.slice(start, start + 500)) } });
    for (const row of rows) found.set(row.eventId as string, row.index);
  }
  return found;
}

/** The leaf index and stored leaf hash of each of `eventIds` that is in the log, read in one query (per 500 ids). */
export async function storedLeavesOf(manager: EntityManager, eventIds: readonly string[]): Promise<Map<string, { leafIndex: bigint; leafHash: Uint8Array }>> {
  const found = new Map<string, { leafIndex: bigint; leafHash: Uint8Array }>();
  const table = quotedTable(manager, MerkleSubtreeHashRow);
  for (let start = 0; start < eventIds.length; start += 500) {
    const rows = await rawQuery<{ index: number | string | bigint; hash: string; eventId: string }>(
      manager,
      `SELECT "index", "hash", "eventId" FROM ${table} WHERE "level" = 0 AND "eventId" IN (:...ids)`,
      { ids: eventIds.slice(start, start + 500) },
    );
    for (const row of rows) found.set(row.eventId, { leafIndex: BigInt(row.index), leafHash: Uint8Array.from(Buffer.from(row.hash, 'hex')) });
  }
  return found;
}

/** The stored hash of leaf `index`, if the log has it. */
export async function storedLeafHashAt(manager: EntityManager, index: bigint): Promise<Uint8Array | undefined> {
  const row = await manager.findOneBy(MerkleSubtreeHashRow, { level: 0, index });
  return row ? Uint8Array.from(Buffer.from(row.hash, 'hex')) : undefined;
}

function assertWithin(size: bigint, current: bigint): void {
  if (size < 0n || size > current) throw new RangeError(`tree size ${size} is outside the log, which has ${current} leaves`);
}
