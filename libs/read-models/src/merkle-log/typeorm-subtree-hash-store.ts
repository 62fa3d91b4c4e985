import { Brackets, type EntityManager } from 'typeorm';
import { subtreeKeyId, type SubtreeHash, type SubtreeHashStore, type SubtreeKey } from '@pangolin/transparency';
import { MerkleSubtreeHashRow } from './merkle-subtree-hash.entity';

/** Rows per INSERT, well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 200;

/**
 * Subtree hashes in the `merkle_subtree_hashes` table, read and written through `manager` (the
 * projection runner's transaction, or any manager for queries). `get` is one SELECT however many
 * keys it is given; proofs ask for O(log n) keys.
 */
export class TypeOrmSubtreeHashStore implements SubtreeHashStore {
  constructor(private readonly manager: EntityManager) {}

  async get(keys: readonly SubtreeKey[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    const unique = [...new Map(keys.map((key) => [subtreeKeyId(key), key])).values()];
    if (unique.length === 0) return found;
    const query = this.manager.createQueryBuilder(MerkleSubtreeHashRow, 'subtree').select(['subtree.level', 'subtree.index', 'subtree.hash']);
    query.where(
      new Brackets((or) => {
        unique.forEach((key, i) => {
          // The index goes in as a decimal string: exact for any bigint, compared as a number by both databases.
          or.orWhere(`(subtree.level = :level${i} AND subtree.index = :index${i})`, { [`level${i}`]: key.level, [`index${i}`]: key.index.toString() });
        });
      }),
    );
    for (const row of await query.getMany()) found.set(subtreeKeyId(row), Uint8Array.from(Buffer.from(row.hash, 'hex')));
    return found;
  }

  async put(entries: readonly SubtreeHash[]): Promise<void> {
    const rows = entries.map(({ level, index, hash }) => ({ level, index, hash: Buffer.from(hash).toString('hex') }));
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      await this.manager.insert(MerkleSubtreeHashRow, rows.slice(start, start + INSERT_CHUNK));
    }
  }
}
