/**
 * The trail map: a log-derived map (Trillian's term) from gift id to the state of the gift's trail
 * (trail-membership.ts) in the log's first N leaves, committed by the checkpoint of size N in an
 * extension line. A receipt carries its gift's entry with an inclusion proof, so a verifier can tell
 * that the events shown are the whole trail up to the checkpoint. Specified in docs/transparency-spec.md.
 *
 *   trail hash:  chain_0 = 32 zero bytes; chain_i = SHA-256(0x02 || chain_{i-1} || leafHash_i),
 *                over the RFC 6962 leaf hashes of the trail's events in log order (0x02 keeps it
 *                apart from the tree's 0x00 leaves and 0x01 nodes).
 *   map leaf:    u16 big-endian byte length of the gift id || gift id (UTF-8) || u64 big-endian trail
 *                length || trail hash (32 bytes).
 *   map:         the RFC 6962 Merkle tree (MTH) over the map leaves of every gift with a non-empty
 *                trail, sorted by gift id bytes (unsigned, lexicographic); no gift twice.
 *   extension:   "pangolin-trail-map <standard base64 of the map root> <number of map leaves>"
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from '../merkle/rfc6962';
import { decodeStandardBase64, encodeStandardBase64 } from '../signed-note/base64';
import type { ParsedCheckpoint } from '../signed-note/checkpoint';

export const TRAIL_MAP_EXTENSION = 'pangolin-trail-map';
/** chain_0: the trail hash of a gift with no event yet. */
export const EMPTY_TRAIL_HASH: Uint8Array = new Uint8Array(HASH_SIZE);
const CHAIN_PREFIX = Uint8Array.of(0x02);
const MAX_UINT64 = 2n ** 64n - 1n;

/** The state of one gift's trail in the first N leaves of the log. */
export interface TrailState {
  readonly giftId: string;
  /** Number of the trail's events among those leaves. */
  readonly length: bigint;
  /** chain_length over their leaf hashes. */
  readonly hash: Uint8Array;
}

/**
 * chain_i from chain_{i-1} and the RFC 6962 leaf hash of the trail's i-th event. Hashed in one call
 * from a reused buffer when both are 32 bytes (always, but for a caller's mistake): the Merkle log
 * chains several trail events per leaf it appends.
 */
export function nextTrailHash(previous: Uint8Array, eventLeafHash: Uint8Array): Uint8Array {
  if (previous.length !== HASH_SIZE || eventLeafHash.length !== HASH_SIZE) {
    return new Uint8Array(createHash('sha256').update(CHAIN_PREFIX).update(previous).update(eventLeafHash).digest());
  }
  chainInput.set(previous, 1);
  chainInput.set(eventLeafHash, 1 + HASH_SIZE);
  return new Uint8Array(oneShotHash('sha256', chainInput, 'buffer'));
}

/** 0x02 || chain_{i-1} || leafHash_i, rewritten by each nextTrailHash (synchronous, so never shared). */
const chainInput = new Uint8Array(1 + 2 * HASH_SIZE);
chainInput[0] = 0x02;

/** The trail hash of events with these leaf hashes, in order. */
export function trailHashOf(leafHashes: Iterable<Uint8Array>): { length: bigint; hash: Uint8Array } {
  let hash = EMPTY_TRAIL_HASH;
  let length = 0n;
  for (const leaf of leafHashes) {
    hash = nextTrailHash(hash, leaf);
    length++;
  }
  return { length, hash };
}

/** The map leaf's bytes (see above). */
export function encodeTrailMapLeaf(state: TrailState): Uint8Array {
  return new Uint8Array(leafHashInput(state).subarray(1));
}

/** SHA-256(0x00 || map leaf), hashed in one call: the map hashes every gift's leaf each time it is built. */
export function trailMapLeafHash(state: TrailState): Uint8Array {
  return new Uint8Array(oneShotHash('sha256', leafHashInput(state), 'buffer'));
}

/** 0x00 || the map leaf. */
function leafHashInput(state: TrailState): Buffer {
  const idLength = Buffer.byteLength(state.giftId, 'utf8');
  if (idLength === 0 || idLength > 0xffff) throw new RangeError(`a gift id must be 1 to 65535 bytes, got ${idLength}`);
  if (state.length < 0n || state.length > MAX_UINT64) throw new RangeError(`trail length ${state.length} is outside 0..2^64-1`);
  if (state.hash.length !== HASH_SIZE) throw new RangeError(`a trail hash is ${HASH_SIZE} bytes, got ${state.hash.length}`);
  const bytes = Buffer.allocUnsafe(1 + 2 + idLength + 8 + HASH_SIZE);
  bytes[0] = 0x00;
  bytes.writeUInt16BE(idLength, 1);
  bytes.write(state.giftId, 3, 'utf8');
  bytes.writeBigUInt64BE(state.length, 3 + idLength);
  bytes.set(state.hash, 3 + idLength + 8);
  return bytes;
}

/**
 * Gift ids in map order: by their UTF-8 bytes. JavaScript's own string order (UTF-16 code units)
 * is the same except where a character above U+FFFF meets one from U+E000 to U+FFFF, so it is used
 * whenever neither id has a surrogate (always, for the platform's UUIDs).
 */
export function compareGiftIds(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** One entry of the map as the tree needs it: the gift id and its map leaf hash (trailMapLeafHash of its state). */
export interface TrailMapEntry {
  readonly giftId: string;
  readonly leafHash: Uint8Array;
}

/**
 * The map over some trail states, with every level of its tree kept, so a proof for any entry costs
 * O(log n) once it is built (O(n) hashes). Built from the states, or from their map leaf hashes when
 * those are kept (the platform stores them beside each trail's state, so signing a checkpoint hashes
 * only the tree's inner nodes).
 */
export class TrailMap {
  private ids: readonly string[] = [];
  private readonly positions = new Map<string, number>();
  /** levels[0]: the map leaf hashes; levels[k]: the hashes of level k (a lone last node moves up unchanged, as in RFC 6962). */
  private levels: Uint8Array[][] = [[]];

  constructor(states: Iterable<TrailState>) {
    this.build([...states].map((state) => ({ giftId: state.giftId, leafHash: trailMapLeafHash(state) })));
  }

  /** Gift ids in map order. */
  get giftIds(): readonly string[] {
    return this.ids;
  }

  static ofLeafHashes(entries: Iterable<TrailMapEntry>): TrailMap {
    const map = new TrailMap([]);
    map.build([...entries]);
    return map;
  }

  private build(entries: TrailMapEntry[]): void {
    // Plain string order is byte order without surrogates (see compareGiftIds), and far cheaper for 100,000 ids.
    if (entries.some((entry) => SURROGATE.test(entry.giftId))) entries.sort((a, b) => compareGiftIds(a.giftId, b.giftId));
    else entries.sort((a, b) => (a.giftId < b.giftId ? -1 : a.giftId > b.giftId ? 1 : 0));
    for (let i = 1; i < entries.length; i++) {
      if (entries[i].giftId === entries[i - 1].giftId) throw new RangeError(`gift ${entries[i].giftId} is in the trail map twice`);
    }
    this.ids = entries.map((entry) => entry.giftId);
    this.positions.clear();
    this.ids.forEach((giftId, i) => this.positions.set(giftId, i));
    const levels: Uint8Array[][] = [entries.map((entry) => entry.leafHash)];
    while (levels[levels.length - 1].length > 1) {
      const below = levels[levels.length - 1];
      const level: Uint8Array[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) level.push(nodeHash(below[i], below[i + 1]));
      if (below.length % 2 === 1) level.push(below[below.length - 1]);
      levels.push(level);
    }
    this.levels = levels;
  }

  get size(): bigint {
    return BigInt(this.ids.length);
  }

  get root(): Uint8Array {
    const top = this.levels[this.levels.length - 1];
    return top.length === 0 ? EMPTY_ROOT : top[0];
  }

  /** The position and map leaf hash of `giftId`'s entry, if the map has it. */
  entry(giftId: string): { index: bigint; leafHash: Uint8Array } | undefined {
    const position = this.positions.get(giftId);
    return position === undefined ? undefined : { index: BigInt(position), leafHash: this.levels[0][position] };
  }

  /** The RFC 6962 audit path of the entry at `index` (what verifyInclusion takes). */
  inclusionProof(index: bigint): Uint8Array[] {
    if (index < 0n || index >= this.size) throw new RangeError(`map index ${index} is outside the map of ${this.size} entries`);
    const proof: Uint8Array[] = [];
    let i = Number(index);
    for (let level = 0; level < this.levels.length - 1; level++) {
      const sibling = i ^ 1;
      if (sibling < this.levels[level].length) proof.push(this.levels[level][sibling]);
      i >>= 1;
    }
    return proof;
  }

  /** The checkpoint's extension line committing to this map. */
  extensionLine(): string {
    return formatTrailMapLine({ root: this.root, size: this.size });
  }
}

/** The commitment to a trail map a checkpoint carries. */
export interface TrailMapCommitment {
  readonly root: Uint8Array;
  /** Number of map entries (gifts with a non-empty trail). */
  readonly size: bigint;
}

export function formatTrailMapLine(commitment: TrailMapCommitment): string {
  return `${TRAIL_MAP_EXTENSION} ${encodeStandardBase64(commitment.root)} ${commitment.size.toString(10)}`;
}

/** The checkpoint's trail map line was refused. */
export class TrailMapLineError extends Error {}

/**
 * The trail map the checkpoint commits to: undefined if it carries no pangolin-trail-map line
 * (checkpoints signed before trail maps, or by a log that keeps none); throws TrailMapLineError
 * for a malformed line or more than one.
 */
export function trailMapCommitmentOf(checkpoint: Pick<ParsedCheckpoint, 'extensionLines'>): TrailMapCommitment | undefined {
  const lines = checkpoint.extensionLines.filter((line) => line === TRAIL_MAP_EXTENSION || line.startsWith(`${TRAIL_MAP_EXTENSION} `));
  if (lines.length === 0) return undefined;
  if (lines.length > 1) throw new TrailMapLineError(`the checkpoint has ${lines.length} ${TRAIL_MAP_EXTENSION} lines, not one`);
  const fields = lines[0].split(' ');
  const root = fields.length === 3 ? decodeStandardBase64(fields[1]) : undefined;
  if (fields.length !== 3 || root === undefined || root.length !== HASH_SIZE || !/^(?:0|[1-9][0-9]*)$/.test(fields[2]) || BigInt(fields[2]) > MAX_UINT64) {
    throw new TrailMapLineError(`the checkpoint's line ${JSON.stringify(lines[0])} is not "${TRAIL_MAP_EXTENSION} <base64 of a 32-byte root> <decimal size>"`);
  }
  return { root, size: BigInt(fields[2]) };
}
