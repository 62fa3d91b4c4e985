import type { EntityManager, ObjectLiteral } from 'typeorm';
import { subtreeKeyId, type SubtreeHash, type SubtreeHashStore, type SubtreeKey } from '@pangolin/transparency';
import { MerkleSubtreeHashRow } from './merkle-subtree-hash.entity';
import { quotedTable, rawQuery } from '../shared/raw-sql';

/** Rows per INSERT, well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 200;

/**
 * Subtree hashes in the `merkle_subtree_hashes` table, read and written through `manager` (the
 * projection runner's transaction, or any manager for queries). `get` is one SELECT however many
 * keys it is given; proofs ask for O(log n) keys. Plain SQL, not query builders: the projection
 * runs both methods for every event (see raw-sql.ts).
 */
export class TypeOrmSubtreeHashStore implements SubtreeHashStore {
  constructor(private readonly manager: EntityManager) {}

  async get(keys: readonly SubtreeKey[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    const unique = [...new Map(keys.map((key) => [subtreeKeyId(key), key])).values()];
    if (unique.length === 0) return found;
    const parameters: ObjectLiteral = {};
    const conditions = unique.map((key, i) => {
      // Both go in as decimal strings, compared as numbers by both databases: the index so any bigint
      // stays exact, the level because TypeORM writes number parameters into the SQL text on SQLite,
      // which would make a new statement for every tree size (prepared each time, and pushing every
      // other statement out of the driver's statement cache).
      parameters[`level${i}`] = key.level.toString();
      parameters[`index${i}`] = key.index.toString();
      return `("level" = :level${i} AND "index" = :index${i})`;
    });
    const rows = await rawQuery<{ level: number; index: number | string; hash: string }>(
      this.manager,
      `SELECT "level", "index", "hash" FROM ${quotedTable(this.manager, MerkleSubtreeHashRow)} WHERE ${conditions.join(' OR ')}`,
      parameters,
    );
    for (const row of rows) found.set(subtreeKeyId({ level: Number(row.level), index: BigInt(row.index) }), Uint8Array.from(Buffer.from(row.hash, 'hex')));
    return found;
  }

  async put(entries: readonly SubtreeHash[]): Promise<void> {
    const table = quotedTable(this.manager, MerkleSubtreeHashRow);
    for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
      const parameters: ObjectLiteral = {};
      const values = entries.slice(start, start + INSERT_CHUNK).map(({ level, index, hash }, i) => {
        Object.assign(parameters, { [`level${i}`]: level.toString(), [`index${i}`]: index.toString(), [`hash${i}`]: Buffer.from(hash).toString('hex') });
        return `(:level${i}, :index${i}, :hash${i})`;
      });
      await rawQuery(this.manager, `INSERT INTO ${table} ("level", "index", "hash") VALUES ${values.join(', ')}`, parameters);
    }
  }
}
