import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@pangolin/event-store';
import { eventLeafHash, extendBorder, rightBorder, type SubtreeHash } from '@pangolin/transparency';
import type { Projection } from '../projection';
import { MerkleSubtreeHashRow } from './merkle-subtree-hash.entity';
import { merkleLogSize } from './merkle-log.queries';
import { columnsInsert, fixedSizeChunks, preparedQuery, quotedTable, SQLITE_INSERT_ROWS } from '../shared/raw-sql';
import { TypeOrmSubtreeHashStore } from './typeorm-subtree-hash-store';
import { appendToTrails } from './trails';

/**
 * Appends every event of the log, in global order, as the next leaf of an RFC 6962 Merkle tree,
 * so leaf indices have no gaps; the leaf's row names its event. The gifts' trails (trails.ts, the
 * trail map's state) are extended in the same statements' transaction. Runs in the runner's transaction
 * with the checkpoint, so each event becomes exactly one leaf.
 *
 * It runs for every event, so it is written for speed (see raw-sql.ts). The runner hands it each
 * batch of events at once: multi-row INSERTs of the new leaves and the subtrees they complete (on
 * PostgreSQL one INSERT of arrays for the batch). The
 * tree's size and right border (the only stored hashes a new leaf joins) are kept in memory between
 * batches, and the INSERTs run only if the database agrees: if the leaf before the batch is there
 * (and, by the primary key, not the batch's first), the database holds the tree remembered.
 * If it holds anything else (a transaction that rolled back after this projection ran, a reset,
 * another process that wrote meanwhile) nothing is written, and the size and border are read again.
 */
export class MerkleLogProjection implements Projection {
  readonly name = 'merkle-log';
  readonly neverSkips = true;
  private known?: Tree;

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  async applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const leaves = events.map((event) => ({ hash: eventLeafHash(event), eventId: event.eventId, event }));
    try {
      if (this.known && (await this.append(tx, this.known, leaves))) return;
      this.known = undefined;
      const size = await merkleLogSize(tx);
      const stored = { size, border: await rightBorder(new TypeOrmSubtreeHashStore(tx), size) };
      if (!(await this.append(tx, stored, leaves))) throw new Error(`the Merkle log changed while leaf ${size} was being appended`);
    } catch (error) {
      // E.g. the leaf's index is taken (the database is ahead of what was remembered): the retry reads it afresh.
      this.known = undefined;
      throw error;
    }
  }

  /** Inserts the leaves after the tree `from`, if the database holds that tree; remembers the new size and border. */
  private async append(tx: EntityManager, from: Tree, leaves: readonly { hash: Uint8Array; eventId: string; event: RecordedEvent }[]): Promise<boolean> {
    const table = quotedTable(tx, MerkleSubtreeHashRow);
    // The tree `from` is what the database holds if its last leaf is there (a later one would make
    // the INSERT below fail on the primary key), or, for the empty tree, if there are no leaves.
    const [last] = from.size > 0n
      ? await preparedQuery(tx, `SELECT 1 AS "found" FROM ${table} WHERE "level" = 0 AND "index" = ?`, [(from.size - 1n).toString()])
      : await preparedQuery(tx, `SELECT 1 AS "found" FROM ${table} WHERE "level" = 0 LIMIT 1`, []);
    if ((last === undefined) !== (from.size === 0n)) return false;
    const extended = extendBorder(from.border, from.size, leaves.map(({ hash }) => hash));
    const hex = (hash: Uint8Array) => Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
    if (tx.connection.options.type === 'postgres') {
      // One statement for the batch: PostgreSQL takes each column's values as one array.
      const levels = new Array<number>(extended.written.length);
      const indexes = new Array<string>(extended.written.length);
      const hashes = new Array<string>(extended.written.length);
      const eventIds = new Array<string | null>(extended.written.length);
      let leaf = 0;
      extended.written.forEach(({ level, index, hash }, i) => {
        levels[i] = level;
        indexes[i] = index.toString();
        hashes[i] = hex(hash);
        eventIds[i] = level === 0 ? leaves[leaf++].eventId : null;
      });
      await preparedQuery(tx, columnsInsert(table, COLUMNS, ['integer', 'bigint', 'character varying', 'character varying']), [levels, indexes, hashes, eventIds]);
    } else {
      // Plain multi-row VALUES of a few fixed sizes: few statements to prepare, cheap for the database to run.
      // The values of each chunk go straight into one array (this runs for about two rows per event); leaves come in order.
      let leaf = 0;
      for (const chunk of fixedSizeChunks(extended.written)) {
        const values = new Array<unknown>(chunk.length * 4);
        let next = 0;
        for (const { level, index, hash } of chunk) {
          values[next++] = level;
          values[next++] = index.toString();
          values[next++] = hex(hash);
          values[next++] = level === 0 ? leaves[leaf++].eventId : null;
        }
        await preparedQuery(tx, insertText(table, chunk.length), values);
      }
    }
    // The trail map's state (per gift: trail length and hash) moves with the leaves, in this transaction.
    await appendToTrails(tx, from.size, leaves);
    this.known = { size: extended.size, border: extended.border };
    return true;
  }
}

/** The INSERT of `rows` rows into `table`, built once per size (a few sizes, see fixedSizeChunks). */
function insertText(table: string, rows: number): string {
  const key = `${table} ${rows}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    // A handful per schema; the bound only matters to a process that opens very many (tests).
    if (insertTexts.size >= 256) insertTexts.clear();
    insertTexts.set(key, (text = `${SQLITE_INSERT_ROWS} ${table} (${COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ')}`));
  }
  return text;
}

const insertTexts = new Map<string, string>();

const COLUMNS = ['"level"', '"index"', '"hash"', '"eventId"'];

interface Tree {
  size: bigint;
  border: SubtreeHash[];
}

