import { Brackets, type DataSource, type EntityManager } from 'typeorm';
import type { EventStore } from '@pangolin/event-store';
import { auditLog, type AuditedEvent, type AuditReport, type LoggedLeaf, type StoredCheckpoint, type SubtreeHash } from '@pangolin/transparency';
import { merkleLogSize } from './merkle-log.queries';
import { MerkleSubtreeHashRow } from './merkle-subtree-hash.entity';

/** What the audit trusts: the log's public key (and origin, when checkpoints must name it). */
export interface AuditOptions {
  verifierKey: string;
  origin?: string;
  /** Rows read per query; default 500. */
  pageSize?: number;
}

/** The checkpoints the platform signed (kept in the records store, not among the views). */
export interface SignedCheckpointSource {
  /** The largest size signed so far (-1 if none). */
  latestSize(): Promise<bigint>;
  /** Up to `limit` checkpoints larger than `after`, smallest first. */
  listAfter(after: bigint, limit: number): Promise<StoredCheckpoint[]>;
}

const DEFAULT_PAGE_SIZE = 500;

/**
 * Audits the Merkle log in the read database against the events in `store` (see auditLog): reads
 * the events, the leaves, the stored subtree hashes and the signed checkpoints in pages, so memory
 * stays bounded however long the log is. The read database is read in one transaction (a repeatable
 * snapshot on PostgreSQL, SQLite's read snapshot) so a projector appending meanwhile does not show
 * up as a half-written tree; events appended meanwhile are simply not yet in the log.
 */
export async function auditMerkleLog(store: EventStore, dataSource: DataSource, signed: SignedCheckpointSource, options: AuditOptions): Promise<AuditReport> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  // The checkpoints signed before the tree's snapshot is taken: the tree only grows, so it holds all of them.
  const signedThrough = await signed.latestSize();
  const isolation = dataSource.options.type === 'postgres' ? 'REPEATABLE READ' : undefined;
  const run = async (tx: EntityManager) => {
    const logSize = await merkleLogSize(tx);
    return auditLog({
      logSize,
      events: storedEvents(store, pageSize),
      leaves: loggedLeaves(tx, logSize, pageSize),
      storedSubtrees: storedSubtrees(tx, logSize, pageSize),
      checkpoints: signedCheckpoints(signed, signedThrough, pageSize),
      verifierKey: options.verifierKey,
      origin: options.origin,
    });
  };
  return isolation ? dataSource.transaction(isolation, run) : dataSource.transaction(run);
}

/**
 * Every stored event in global order. An event whose stored JSON no longer parses cannot be read
 * with its page: the page is then read one event at a time, and the unreadable one ends the stream
 * (nothing after it can be reached through the port).
 */
export async function* storedEvents(store: EventStore, pageSize: number): AsyncIterable<AuditedEvent> {
  let after = 0n;
  for (;;) {
    let page;
    try {
      page = await store.readAll({ after, limit: pageSize });
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      page = [];
      for (;;) {
        try {
          const [event] = await store.readAll({ after, limit: 1 });
          if (!event) return;
          yield { position: event.position, event };
          after = event.position;
        } catch (unreadable) {
          if (!(unreadable instanceof SyntaxError)) throw unreadable;
          yield { afterPosition: after, unreadable: unreadable.message };
          return;
        }
      }
    }
    if (page.length === 0) return;
    for (const event of page) yield { position: event.position, event };
    after = page[page.length - 1].position;
  }
}

/** The stored leaves in order: hash (level 0) and event id side by side; rows past the log's size come last. */
async function* loggedLeaves(manager: EntityManager, logSize: bigint, pageSize: number): AsyncIterable<LoggedLeaf> {
  const step = BigInt(pageSize);
  for (let from = 0n; ; from += step) {
    // The last page is open-ended, so rows beyond the log's size show up too (at most one page of them).
    const to = from + step < logSize ? from + step : undefined;
    const hashes = manager
      .createQueryBuilder(MerkleSubtreeHashRow, 'subtree')
      .where('subtree.level = 0 AND subtree.index >= :from', { from: from.toString() })
      .orderBy('subtree.index', 'ASC');
    if (to !== undefined) hashes.andWhere('subtree.index < :to', { to: to.toString() });
    else hashes.take(pageSize + Number(logSize - from));
    for (const row of await hashes.getMany()) yield { leafIndex: row.index, eventId: row.eventId ?? undefined, hash: Uint8Array.from(Buffer.from(row.hash, 'hex')) };
    if (to === undefined) return;
  }
}

/** The index range [first, end) of level-`level` subtrees whose last leaf is in [from, to). */
function completedBetween(level: number, from: bigint, to: bigint): [bigint, bigint] {
  const shift = BigInt(level);
  return [((from + (1n << shift)) >> shift) - 1n, to >> shift];
}

/**
 * Stored subtrees of level >= 1 in the order the tree completes them (by last leaf, then level),
 * read per page of leaves with one range per level; then any stored beyond the log's size.
 */
async function* storedSubtrees(manager: EntityManager, logSize: bigint, pageSize: number): AsyncIterable<SubtreeHash> {
  const topLevel = logSize === 0n ? 0 : logSize.toString(2).length - 1;
  const lastLeaf = (row: SubtreeHash) => ((row.index + 1n) << BigInt(row.level)) - 1n;
  for (let from = 0n; from < logSize; from += BigInt(pageSize)) {
    const to = from + BigInt(pageSize) < logSize ? from + BigInt(pageSize) : logSize;
    const ranges: [number, bigint, bigint][] = [];
    for (let level = 1; level <= topLevel; level++) {
      const [first, end] = completedBetween(level, from, to);
      if (first < end) ranges.push([level, first, end]);
    }
    if (ranges.length === 0) continue;
    const rows = (await subtreeRows(manager, ranges)).sort((a, b) => {
      const [endA, endB] = [lastLeaf(a), lastLeaf(b)];
      return endA !== endB ? (endA < endB ? -1 : 1) : a.level - b.level;
    });
    yield* rows;
  }
  // Beyond the log: any level above the top, or an index past the log's size at a level up to it.
  const beyond: [number, bigint, bigint | undefined][] = [];
  for (let level = 1; level <= topLevel; level++) beyond.push([level, logSize >> BigInt(level), undefined]);
  const extra = await manager
    .createQueryBuilder(MerkleSubtreeHashRow, 'subtree')
    .where(
      new Brackets((or) => {
        or.where('subtree.level > :topLevel', { topLevel: Math.max(topLevel, 0) });
        beyond.forEach(([level, first], i) => or.orWhere(`(subtree.level = :level${i} AND subtree.index >= :first${i})`, { [`level${i}`]: level, [`first${i}`]: first.toString() }));
      }),
    )
    .orderBy('subtree.level', 'ASC')
    .addOrderBy('subtree.index', 'ASC')
    .take(1)
    .getMany();
  yield* extra.map(toSubtreeHash);
}

async function subtreeRows(manager: EntityManager, ranges: readonly [number, bigint, bigint][]): Promise<SubtreeHash[]> {
  const rows = await manager
    .createQueryBuilder(MerkleSubtreeHashRow, 'subtree')
    .where(
      new Brackets((or) => {
        ranges.forEach(([level, first, end], i) =>
          or.orWhere(`(subtree.level = :level${i} AND subtree.index >= :first${i} AND subtree.index < :end${i})`, {
            [`level${i}`]: level,
            [`first${i}`]: first.toString(),
            [`end${i}`]: end.toString(),
          }),
        );
      }),
    )
    .getMany();
  return rows.map(toSubtreeHash);
}

function toSubtreeHash(row: MerkleSubtreeHashRow): SubtreeHash {
  return { level: row.level, index: row.index, hash: Uint8Array.from(Buffer.from(row.hash, 'hex')) };
}

async function* signedCheckpoints(signed: SignedCheckpointSource, through: bigint, pageSize: number): AsyncIterable<StoredCheckpoint> {
  let after = -1n;
  for (;;) {
    const page = await signed.listAfter(after, pageSize);
    for (const row of page) {
      if (row.size > through) return;
      yield { size: row.size, note: row.note, signedAt: row.signedAt };
    }
    if (page.length === 0) return;
    after = page[page.length - 1].size;
  }
}
