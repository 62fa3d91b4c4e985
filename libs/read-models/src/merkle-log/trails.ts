import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore } from '@pangolin/event-store';
import { nextTrailHash, EMPTY_TRAIL_HASH, policyLookedUpBy, trailMapLeafHash, trailMembership, TrailMap, type TrailMapEntry, type TrailMemberEvent, type TrailState } from '@pangolin/transparency';
import { columnsInsert, fixedSizeChunks, preparedQuery, quotedTable, rawQuery, selectWhereIn, SQLITE_INSERT_ROWS } from '../shared/raw-sql';
import { writeLockOf } from '../write-lock';
import { merkleLogSize } from './merkle-log.queries';
import { MerkleSubtreeHashRow } from './merkle-subtree-hash.entity';
import { TrailEventRow, TrailHeadRow, TrailPolicyGiftRow, TrailProgressRow } from './trail.entities';

/** A leaf being appended: its event (the fields trail membership reads) and its RFC 6962 leaf hash. */
export interface TrailLeaf {
  readonly event: TrailMemberEvent;
  readonly hash: Uint8Array;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const unhex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

/** How many leaves the trail tables cover (0 for a database from before them). */
export async function trailsCoverage(manager: EntityManager): Promise<bigint> {
  const sql = `SELECT "size" FROM ${quotedTable(manager, TrailProgressRow)} WHERE "id" = 1`;
  const [row] = manager.queryRunner?.isTransactionActive ? await preparedQuery<{ size: number | string }>(manager, sql, []) : await rawQuery<{ size: number | string }>(manager, sql);
  return row ? BigInt(row.size) : 0n;
}

/**
 * How many leaves the trails cover, read in `tx` so that no other writer of the trails can change
 * them until `tx` ends. Two processes may write the trails at once in server mode (the Merkle-log
 * projection in its owner, a catch-up before signing in an API process), and the process's write
 * lock does not reach across processes: on PostgreSQL the progress row is created if missing and
 * locked (SELECT … FOR UPDATE), so the second writer waits and then sees what the first wrote.
 * SQLite has one writer at a time already.
 */
async function lockedTrailsCoverage(tx: EntityManager): Promise<bigint> {
  if (tx.connection.options.type !== 'postgres') return trailsCoverage(tx);
  const table = quotedTable(tx, TrailProgressRow);
  await preparedQuery(tx, `INSERT INTO ${table} ("id", "size") VALUES (1, 0) ON CONFLICT ("id") DO NOTHING`, []);
  const [row] = await preparedQuery<{ size: number | string }>(tx, `SELECT "size" FROM ${table} WHERE "id" = 1 FOR UPDATE`, []);
  return BigInt(row.size);
}

/**
 * Adds the leaves `fromSize`, `fromSize + 1`, ... to the gifts' trails, in the transaction that
 * appends them to the log, if the trails cover exactly the `fromSize` leaves before them (else the
 * trails are behind, from a database of before the trail map: left to catchUpTrails). Set-based:
 * a few statements per batch, whatever its size.
 */
export async function appendToTrails(tx: EntityManager, fromSize: bigint, leaves: readonly TrailLeaf[]): Promise<void> {
  if (leaves.length === 0 || (await lockedTrailsCoverage(tx)) !== fromSize) return;
  const policyIds = [...new Set(leaves.map(({ event }) => policyLookedUpBy(event)).filter((id): id is string => id !== undefined))];
  const policyGifts = new Map<string, Set<string>>();
  const links = await selectWhereIn<{ policyId: string; giftId: string }>(tx, `SELECT "policyId", "giftId" FROM ${quotedTable(tx, TrailPolicyGiftRow)} WHERE "policyId"`, policyIds);
  for (const { policyId, giftId } of links) linkedTo(policyGifts, policyId).add(giftId);

  const memberships = leaves.map(({ event }) => {
    const policyId = policyLookedUpBy(event);
    const membership = trailMembership(event, policyId === undefined ? [] : policyGifts.get(policyId) ?? []);
    for (const link of membership.policyLinks) linkedTo(policyGifts, link.policyId).add(link.giftId);
    return membership;
  });
  const newLinks = memberships.flatMap((membership) => membership.policyLinks);
  const giftIds = [...new Set(memberships.flatMap((membership) => membership.giftIds))];
  const heads = new Map<string, { length: bigint; hash: Uint8Array }>();
  const stored = await selectWhereIn<{ giftId: string; length: number | string; hash: string }>(tx, `SELECT "giftId", "length", "hash" FROM ${quotedTable(tx, TrailHeadRow)} WHERE "giftId"`, giftIds);
  for (const row of stored) heads.set(row.giftId, { length: BigInt(row.length), hash: unhex(row.hash) });

  const trailEvents: unknown[][] = [];
  memberships.forEach((membership, i) => {
    for (const giftId of membership.giftIds) {
      const head = heads.get(giftId) ?? { length: 0n, hash: EMPTY_TRAIL_HASH };
      const next = { length: head.length + 1n, hash: nextTrailHash(head.hash, leaves[i].hash) };
      heads.set(giftId, next);
      trailEvents.push([giftId, next.length.toString(), (fromSize + BigInt(i)).toString(), hex(next.hash)]);
    }
  });
  await insertRows(tx, quotedTable(tx, TrailEventRow), { giftId: VARCHAR, length: BIGINT, leafIndex: BIGINT, hash: VARCHAR }, trailEvents, '');
  const changedHeads = giftIds.map((giftId) => {
    const head = heads.get(giftId)!;
    return [giftId, head.length.toString(), hex(head.hash), hex(trailMapLeafHash({ giftId, ...head }))];
  });
  await insertRows(
    tx,
    quotedTable(tx, TrailHeadRow),
    { giftId: VARCHAR, length: BIGINT, hash: VARCHAR, mapLeafHash: VARCHAR },
    changedHeads,
    ' ON CONFLICT ("giftId") DO UPDATE SET "length" = excluded."length", "hash" = excluded."hash", "mapLeafHash" = excluded."mapLeafHash"',
  );
  const linkRows = [...new Map(newLinks.map((link) => [`${link.policyId}\u0000${link.giftId}`, [link.policyId, link.giftId]])).values()];
  await insertRows(tx, quotedTable(tx, TrailPolicyGiftRow), { policyId: VARCHAR, giftId: VARCHAR }, linkRows, ' ON CONFLICT DO NOTHING');
  await preparedQuery(
    tx,
    `INSERT INTO ${quotedTable(tx, TrailProgressRow)} ("id", "size") VALUES (1, ?) ON CONFLICT ("id") DO UPDATE SET "size" = excluded."size"`,
    [(fromSize + BigInt(leaves.length)).toString()],
  );
}

/**
 * The trail map at log size `size`: every gift's trail state in the log's first `size` leaves. Read
 * set-based: the current heads, then, for the gifts whose trails grew since `size`, their state at it.
 * Undefined when the trails do not cover the log (a database from before the trail map).
 */
export async function trailMapAt(manager: EntityManager, size: bigint): Promise<TrailMap | undefined> {
  const cached = cachedMaps.get(manager.connection);
  if (cached?.size === size) return cached.map;
  const logSize = await merkleLogSize(manager);
  if (size > logSize) throw new RangeError(`tree size ${size} is outside the log, which has ${logSize} leaves`);
  if ((await trailsCoverage(manager)) !== logSize) return undefined;
  const entries = new Map<string, TrailMapEntry>();
  for (const row of await rawQuery<{ giftId: string; mapLeafHash: string }>(manager, `SELECT "giftId", "mapLeafHash" FROM ${quotedTable(manager, TrailHeadRow)}`)) {
    entries.set(row.giftId, { giftId: row.giftId, leafHash: Buffer.from(row.mapLeafHash, 'hex') });
  }
  // Always, even at the log's size: outside a transaction a projector may append between these reads.
  const events = quotedTable(manager, TrailEventRow);
  const later = await rawQuery<{ giftId: string }>(manager, `SELECT DISTINCT "giftId" FROM ${events} WHERE "leafIndex" >= :size`, { size: size.toString() });
  for (const { giftId } of later) entries.delete(giftId);
  for (const chunk of idChunks(later.map(({ giftId }) => giftId))) {
    const rows = await rawQuery<{ giftId: string; length: number | string; hash: string }>(
      manager,
      `SELECT e."giftId", e."length", e."hash" FROM ${events} e JOIN (SELECT "giftId", MAX("length") AS "length" FROM ${events} WHERE "leafIndex" < :size AND "giftId" IN (:...ids) GROUP BY "giftId") m ON m."giftId" = e."giftId" AND m."length" = e."length"`,
      { size: size.toString(), ids: chunk },
    );
    for (const row of rows) entries.set(row.giftId, { giftId: row.giftId, leafHash: trailMapLeafHash({ giftId: row.giftId, length: BigInt(row.length), hash: unhex(row.hash) }) });
  }
  const map = TrailMap.ofLeafHashes(entries.values());
  rememberTrailMap(manager, size, map);
  return map;
}

/** Keeps the map of the latest checkpoint signed, so receipts against it need no rebuild. */
export function rememberTrailMap(manager: EntityManager, size: bigint, map: TrailMap): void {
  const cached = cachedMaps.get(manager.connection);
  if (!cached || cached.size <= size) cachedMaps.set(manager.connection, { size, map });
}

const cachedMaps = new WeakMap<object, { size: bigint; map: TrailMap }>();

/** The gift's trail state (length and trail hash) in the log's first `size` leaves; undefined if its trail has no event there. */
export async function trailStateAt(manager: EntityManager, giftId: string, size: bigint): Promise<TrailState | undefined> {
  const [row] = await rawQuery<{ length: number | string; hash: string }>(
    manager,
    `SELECT "length", "hash" FROM ${quotedTable(manager, TrailEventRow)} WHERE "giftId" = :giftId AND "leafIndex" < :size ORDER BY "length" DESC LIMIT 1`,
    { giftId, size: size.toString() },
  );
  return row ? { giftId, length: BigInt(row.length), hash: unhex(row.hash) } : undefined;
}

/** The leaf indexes of the gift's trail among the log's first `size` leaves, in log order. */
export async function trailLeafIndices(manager: EntityManager, giftId: string, size: bigint): Promise<bigint[]> {
  const rows = await rawQuery<{ leafIndex: number | string }>(
    manager,
    `SELECT "leafIndex" FROM ${quotedTable(manager, TrailEventRow)} WHERE "giftId" = :giftId AND "leafIndex" < :size ORDER BY "length"`,
    { giftId, size: size.toString() },
  );
  return rows.map((row) => BigInt(row.leafIndex));
}

/**
 * Brings the trail tables up to the log when they are behind it (a database from before the trail
 * map, or leaves a projector appended while a catch-up ran): adds the leaves they miss from the
 * stored events, leaf by leaf (each event checked to be the one logged at its leaf), under the write
 * lock in one transaction. Nothing to do when they cover the log, the usual case (two reads). Returns
 * the number of leaves added to the trails.
 */
export async function catchUpTrails(dataSource: DataSource, store: Pick<EventStore, 'readAll'>, pageSize = 500): Promise<bigint> {
  return writeLockOf(dataSource).run(() =>
    dataSource.transaction(async (tx) => {
      // The trails locked first, then the log's size read: a projection that appended leaves and
      // their trails meanwhile has committed both.
      const covered = await lockedTrailsCoverage(tx);
      const size = await merkleLogSize(tx);
      if (covered === size) return 0n;
      if (covered > size) {
        // Trails ahead of the leaves cannot be cut back: rebuild them.
        for (const entity of [TrailEventRow, TrailHeadRow, TrailPolicyGiftRow, TrailProgressRow]) await tx.query(`DELETE FROM ${quotedTable(tx, entity)}`);
      }
      const from = covered > size ? 0n : covered;
      let next = 0n;
      let after = 0n;
      while (next < size) {
        const all = await store.readAll({ after, limit: Number(size - next < BigInt(pageSize) ? size - next : BigInt(pageSize)) });
        if (all.length === 0) break;
        after = all[all.length - 1].position;
        // Events of leaves the trails already cover are skipped (leaf i is the i-th stored event).
        const skip = next < from ? Number(from - next < BigInt(all.length) ? from - next : BigInt(all.length)) : 0;
        next += BigInt(skip);
        const page = all.slice(skip);
        if (page.length === 0) continue;
        const logged = await rawQuery<{ index: number | string; eventId: string; hash: string }>(
          tx,
          `SELECT "index", "eventId", "hash" FROM ${quotedTable(tx, MerkleSubtreeHashRow)} WHERE "level" = 0 AND "index" >= :from AND "index" < :to ORDER BY "index"`,
          { from: next.toString(), to: (next + BigInt(page.length)).toString() },
        );
        page.forEach((event, i) => {
          if (logged[i]?.eventId !== event.eventId) {
            throw new Error(`leaf ${next + BigInt(i)} of the Merkle log is not event ${event.eventId}: run \`npm run audit\` before the trails can be rebuilt`);
          }
        });
        // The trail hashes chain the leaf hashes the log holds (the audit tells whether the events still match them).
        await appendToTrails(tx, next, page.map((event, i) => ({ event, hash: unhex(logged[i].hash) })));
        next += BigInt(page.length);
      }
      if (next !== size) throw new Error(`the event store holds ${next} events, fewer than the ${size} leaves of the Merkle log: run \`npm run audit\``);
      return size - from;
    }),
  );
}

function linkedTo(map: Map<string, Set<string>>, policyId: string): Set<string> {
  let gifts = map.get(policyId);
  if (gifts === undefined) map.set(policyId, (gifts = new Set()));
  return gifts;
}

/** Ids in chunks of a few fixed sizes (at most 256), so each statement is prepared once. */
function idChunks(ids: readonly string[]): string[][] {
  return fixedSizeChunks(ids);
}

const VARCHAR = 'character varying';
const BIGINT = 'bigint';

/**
 * Multi-row INSERTs of `rows` (each a value per column of `columns`, which names each column's
 * PostgreSQL type), then `tail`: on PostgreSQL one statement of arrays (columnsInsert), on SQLite
 * fixed-size chunks.
 */
async function insertRows(tx: EntityManager, table: string, columns: Record<string, string>, rows: readonly unknown[][], tail: string): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns).map((name) => `"${name}"`);
  if (tx.connection.options.type === 'postgres') {
    await preparedQuery(tx, `${columnsInsert(table, names, Object.values(columns))}${tail}`, names.map((_, i) => rows.map((row) => row[i])));
    return;
  }
  const placeholders = `(${names.map(() => '?').join(', ')})`;
  for (const chunk of fixedSizeChunks(rows)) {
    await preparedQuery(tx, `${SQLITE_INSERT_ROWS} ${table} (${names.join(', ')}) VALUES ${chunk.map(() => placeholders).join(', ')}${tail}`, chunk.flat());
  }
}
