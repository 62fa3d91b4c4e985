import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { InvalidCommand } from '@pangolin/domain';

/**
 * One paging convention for every list of the API: at most `limit` items in a stable order, and an
 * opaque `nextCursor` that names where the next page starts (null on the last page).
 *
 * Pages are keyset pages: the cursor holds the sort key of the last item shown, and the next page
 * is `WHERE (k1, k2, …) > (cursor) ORDER BY k1, k2, … LIMIT limit + 1` (the extra row only tells
 * whether there is a next page). A cursor is authenticated (an HMAC of its content, see
 * useCursorKey), so one the platform did not make is refused, not read. Unlike OFFSET, the cost of a page does not grow with its depth,
 * and an item inserted or removed meanwhile never shifts the pages already read (no item is shown
 * twice or skipped because of it). The last sort column is always unique, so the order is total.
 */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;
/** Longer than any cursor a list makes (a few ids and dates), short enough to be harmless. */
export const MAX_CURSOR_LENGTH = 512;
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]+$/;

export interface PageRequest {
  limit: number;
  /** The cursor as the client sent it; decoded against the list's own sort key. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** How one sort column is held in a cursor: free text (ids, codes, ISO dates), or a 64-bit position as a decimal string. */
export type SortKeyKind = 'text' | 'position';

export interface SortColumn {
  /** The column as the query builder names it, e.g. `h.householdCode`. */
  column: string;
  kind: SortKeyKind;
}

/** A list's order: its name (a cursor of one list is refused by another) and its columns, the last one unique. */
export interface ListOrder {
  list: string;
  columns: SortColumn[];
  direction?: 'ASC' | 'DESC';
}

/** A list's order: `columns` as [column, kind] pairs, the last one unique. */
export function listOrder(list: string, columns: [column: string, kind: SortKeyKind][], direction: 'ASC' | 'DESC' = 'ASC'): ListOrder {
  return { list, direction, columns: columns.map(([column, kind]) => ({ column, kind })) };
}

const BAD_CURSOR = 'must be a cursor this list returned as nextCursor';
/** Bytes of the HMAC-SHA256 kept in a cursor: forging one means guessing 128 bits. */
const TAG_BYTES = 16;

// Replaced at start by a key every process of the platform shares (an API process must read the
// cursors another made); until then, one of this process's own.
let cursorKey = randomBytes(32);

/** Authenticates cursors with a key derived from `secret` (the platform's token secret, which every API process has). */
export function useCursorKey(secret: string): void {
  cursorKey = createHmac('sha256', secret).update('pangolin list cursors').digest();
}

function tagOf(content: Buffer): Buffer {
  return createHmac('sha256', cursorKey).update(content).digest().subarray(0, TAG_BYTES);
}

/** base64url of the tag, then the list's name and the sort key as JSON. */
export function encodeCursor(order: ListOrder, key: string[]): string {
  const content = Buffer.from(JSON.stringify([order.list, ...key]), 'utf8');
  return Buffer.concat([tagOf(content), content]).toString('base64url');
}

/** The sort key a cursor holds, or a 400 naming `cursor` when it is malformed, forged or another list's. */
export function decodeCursor(order: ListOrder, cursor: string): string[] {
  if (cursor.length > MAX_CURSOR_LENGTH || !CURSOR_PATTERN.test(cursor)) throw new InvalidCommand('cursor', BAD_CURSOR);
  const bytes = Buffer.from(cursor, 'base64url');
  const content = bytes.subarray(TAG_BYTES);
  if (bytes.length <= TAG_BYTES || !timingSafeEqual(bytes.subarray(0, TAG_BYTES), tagOf(content))) throw new InvalidCommand('cursor', BAD_CURSOR);
  let decoded: unknown;
  try {
    decoded = JSON.parse(content.toString('utf8'));
  } catch {
    throw new InvalidCommand('cursor', BAD_CURSOR);
  }
  if (!Array.isArray(decoded) || decoded.length !== order.columns.length + 1 || decoded[0] !== order.list) throw new InvalidCommand('cursor', BAD_CURSOR);
  const key = decoded.slice(1);
  const valid = order.columns.every(({ kind }, i) => typeof key[i] === 'string' && (kind === 'position' ? /^\d{1,19}$/.test(key[i]) : key[i].length <= 200));
  if (!valid) throw new InvalidCommand('cursor', BAD_CURSOR);
  return key as string[];
}

/**
 * Runs `query` (its filters already applied) as one keyset page in `order`. `keyOf` gives a row's
 * sort key, in the order's columns, as strings.
 */
export async function keysetPage<Row extends ObjectLiteral>(query: SelectQueryBuilder<Row>, order: ListOrder, page: PageRequest, keyOf: (row: Row) => string[]): Promise<Page<Row>> {
  applyKeyset(query, order, page.cursor === undefined ? undefined : decodeCursor(order, page.cursor));
  const rows = await query.limit(page.limit + 1).getMany();
  return pageOf(rows, order, page.limit, keyOf);
}

/** The WHERE and ORDER BY of a keyset page (no LIMIT): for queries that are not read as entities. */
export function applyKeyset<Row extends ObjectLiteral>(query: SelectQueryBuilder<Row>, order: ListOrder, after: string[] | undefined): SelectQueryBuilder<Row> {
  const direction = order.direction ?? 'ASC';
  if (after) {
    const columns = order.columns.map(({ column }) => column).join(', ');
    const parameters = Object.fromEntries(after.map((value, i) => [`keyset${i}`, value]));
    // Row values compare column by column, as the ORDER BY sorts: both engines use the index for it.
    query.andWhere(`(${columns}) ${direction === 'ASC' ? '>' : '<'} (${after.map((_, i) => `:keyset${i}`).join(', ')})`, parameters);
  }
  order.columns.forEach(({ column }, i) => (i === 0 ? query.orderBy(column, direction) : query.addOrderBy(column, direction)));
  return query;
}

/** The page of `rows` read with LIMIT limit + 1: the extra row, if any, only says that a next page exists. */
export function pageOf<Row>(rows: Row[], order: ListOrder, limit: number, keyOf: (row: Row) => string[]): Page<Row> {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(order, keyOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}

export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): Page<U> {
  return { items: page.items.map(map), nextCursor: page.nextCursor };
}

/** `LIKE` pattern for values starting with `prefix`, its wildcards escaped (ESCAPE '\'). */
export function startsWith(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `column` starts with `prefix`, exactly, as a condition an index can read. SQLite: the range
 * `prefix <= column < next` in its binary collation, exactly the strings starting with `prefix`
 * (its LIKE ignores letter case and so cannot use an index). PostgreSQL: LIKE, which an index with
 * `text_pattern_ops` reads as that range in any database collation (see the code search's).
 */
export function startsWithIndexed(manager: EntityManager, column: string, prefix: string): [string, Record<string, string>] {
  const name = column.replace(/\W/g, '_');
  if (manager.connection.options.type === 'postgres') return [`${column} LIKE :${name}_pattern ESCAPE '\\'`, { [`${name}_pattern`]: startsWith(prefix) }];
  const points = [...prefix];
  const last = points.pop()?.codePointAt(0);
  if (last === undefined) return ['1 = 1', {}];
  if (last === 0x10ffff) return [`${column} >= :${name}_from`, { [`${name}_from`]: prefix }];
  // The next code point, past the surrogates (no string holds one alone).
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return [`${column} >= :${name}_from AND ${column} < :${name}_to`, { [`${name}_from`]: prefix, [`${name}_to`]: points.join('') + String.fromCodePoint(next) }];
}

/** A household code (upper-case letters, digits and hyphens) starts with `prefix`, in any letter case. */
export function codeStartsWith(manager: EntityManager, column: string, prefix: string): [string, Record<string, string>] {
  return startsWithIndexed(manager, column, prefix.toUpperCase());
}

/**
 * `column` holds a code of the region `prefix` (a code of digits, or its start): as a range,
 * `prefix <= column < next`, which an index reads in any collation (a LIKE prefix is an index
 * range only in the C collation). `next` is the smallest digit string after every code starting
 * with `prefix`.
 */
export function inRegion(column: string, prefix: string): [string, Record<string, string>] {
  const name = column.replace(/\W/g, '_');
  const trimmed = prefix.replace(/9+$/, '');
  if (trimmed === '') return [`${column} >= :${name}_from`, { [`${name}_from`]: prefix }];
  const next = trimmed.slice(0, -1) + String(Number(trimmed.slice(-1)) + 1);
  return [`${column} >= :${name}_from AND ${column} < :${name}_to`, { [`${name}_from`]: prefix, [`${name}_to`]: next }];
}
