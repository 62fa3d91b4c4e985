import { bitLength, largestPowerOfTwoBelow } from './bigint-bits';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './rfc6962';
import { SubtreeHash, SubtreeHashStore, SubtreeKey, subtreeKeyId } from './subtree-hash-store';

/**
 * An RFC 6962 Merkle tree kept as complete-subtree hashes in a SubtreeHashStore.
 *
 * Every node of the RFC 6962 tree covers leaves [begin, end) where begin is a multiple of the
 * largest power of two <= end - begin. Such a range splits into at most log2 n complete
 * subtrees, so the hash of any node, complete or on the incomplete right edge, can be folded
 * from stored hashes. Proofs first work out every key they need, then read them in one get.
 *
 * Sizes and indices are bigint. Appends must be serialised by the caller (one writer per log).
 */

/** Leaves [begin, end) of the tree; always an RFC 6962 node, so it splits into complete subtrees. */
interface LeafRange {
  readonly begin: bigint;
  readonly end: bigint;
}

/**
 * Stores the hashes of `leafHashes` as leaves size, size + 1, ... and of every subtree they
 * complete. Reads the existing tree's right border once. Returns the new tree size.
 */
export async function appendLeaves(
  store: SubtreeHashStore,
  size: bigint,
  leafHashes: readonly Uint8Array[],
): Promise<bigint> {
  if (leafHashes.length === 0) return size;
  const { written, size: newSize } = extendBorder(await rightBorder(store, size), size, leafHashes);
  await store.put(written);
  return newSize;
}

/** The complete subtrees covering [0, size), largest first, with their hashes: the only stored hashes a new leaf can join. */
export async function rightBorder(store: SubtreeHashStore, size: bigint): Promise<SubtreeHash[]> {
  assertSize(size);
  const keys = completeSubtrees({ begin: 0n, end: size });
  const hashes = await fetchHashes(store, keys);
  return keys.map((key, i) => ({ ...key, hash: hashes[i] }));
}

/**
 * Appends `leafHashes` to the tree of `size` leaves whose right border is `border` (see
 * rightBorder), in memory: returns every subtree hash to store (each new leaf, then the subtrees
 * it completes) and the new size and border. A writer that keeps the border needs no read to append.
 */
export function extendBorder(
  border: readonly SubtreeHash[],
  size: bigint,
  leafHashes: readonly Uint8Array[],
): { written: SubtreeHash[]; border: SubtreeHash[]; size: bigint } {
  assertSize(size);
  for (const hash of leafHashes) {
    if (hash.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes, got ${hash.length}`);
  }
  const next = [...border];
  const written: SubtreeHash[] = [];
  let nextIndex = size;
  for (const hash of leafHashes) {
    let node: SubtreeHash = { level: 0, index: nextIndex, hash };
    written.push(node);
    // A border subtree of the same level is the new node's left sibling: together they are complete.
    while (next.length > 0 && next[next.length - 1].level === node.level) {
      const left = next.pop()!;
      node = { level: node.level + 1, index: node.index >> 1n, hash: nodeHash(left.hash, node.hash) };
      written.push(node);
    }
    next.push(node);
    nextIndex++;
  }
  return { written, border: next, size: nextIndex };
}

/** MTH of the first `size` leaves. */
export async function rootAt(store: SubtreeHashStore, size: bigint): Promise<Uint8Array> {
  assertSize(size);
  if (size === 0n) return EMPTY_ROOT;
  const [root] = await hashRanges(store, [{ begin: 0n, end: size }]);
  return root;
}

/** RFC 6962 §2.1.1 PATH(index, D[0:size]): the audit path, from the leaf's sibling upwards. */
export async function inclusionProof(store: SubtreeHashStore, index: bigint, size: bigint): Promise<Uint8Array[]> {
  assertSize(size);
  if (index < 0n || index >= size) throw new RangeError(`index ${index} is outside a tree of size ${size}`);

  const siblings: LeafRange[] = [];
  let node: LeafRange = { begin: 0n, end: size };
  while (node.end - node.begin > 1n) {
    const split = node.begin + largestPowerOfTwoBelow(node.end - node.begin);
    if (index < split) {
      siblings.push({ begin: split, end: node.end });
      node = { begin: node.begin, end: split };
    } else {
      siblings.push({ begin: node.begin, end: split });
      node = { begin: split, end: node.end };
    }
  }
  return hashRanges(store, siblings.reverse());
}

/**
 * RFC 6962 §2.1.2 PROOF(size1, D[0:size2]). Empty when size1 == size2; a proof from the empty
 * tree is meaningless (verifiers reject it), so size1 must be at least 1.
 */
export async function consistencyProof(store: SubtreeHashStore, size1: bigint, size2: bigint): Promise<Uint8Array[]> {
  assertSize(size2);
  if (size1 < 1n || size1 > size2) throw new RangeError(`need 0 < size1 <= size2, got ${size1} and ${size2}`);

  // SUBPROOF(m, D[begin:end], b) unrolled; size1 stays an absolute leaf position.
  const parts: LeafRange[] = [];
  let node: LeafRange = { begin: 0n, end: size2 };
  let isOldRootKnown = true; // RFC 6962's b: the verifier already has MTH(D[0:size1]) when it is a node of the new tree
  while (size1 !== node.end) {
    const split = node.begin + largestPowerOfTwoBelow(node.end - node.begin);
    if (size1 <= split) {
      parts.push({ begin: split, end: node.end });
      node = { begin: node.begin, end: split };
    } else {
      parts.push({ begin: node.begin, end: split });
      node = { begin: split, end: node.end };
      isOldRootKnown = false;
    }
  }
  if (!isOldRootKnown) parts.push(node);
  return hashRanges(store, parts.reverse());
}

/** The complete subtrees covering `range` from left to right (one per set bit of its length). */
function completeSubtrees(range: LeafRange): SubtreeKey[] {
  const keys: SubtreeKey[] = [];
  let begin = range.begin;
  const length = range.end - range.begin;
  for (let level = bitLength(length) - 1; level >= 0; level--) {
    const width = 1n << BigInt(level);
    if ((length & width) === 0n) continue;
    keys.push({ level, index: begin >> BigInt(level) });
    begin += width;
  }
  return keys;
}

/** The hash of each range, from one batched read of all their complete subtrees. */
async function hashRanges(store: SubtreeHashStore, ranges: readonly LeafRange[]): Promise<Uint8Array[]> {
  const keysPerRange = ranges.map(completeSubtrees);
  const hashes = await fetchHashes(store, keysPerRange.flat());
  let next = 0;
  return keysPerRange.map((keys) => {
    const subtreeHashes = hashes.slice(next, next + keys.length);
    next += keys.length;
    // Smaller subtrees sit deeper on the right edge, so fold from the right.
    return subtreeHashes.reduceRight((right, left) => nodeHash(left, right));
  });
}

async function fetchHashes(store: SubtreeHashStore, keys: readonly SubtreeKey[]): Promise<Uint8Array[]> {
  if (keys.length === 0) return [];
  const found = await store.get(keys);
  return keys.map((key) => {
    const hash = found.get(subtreeKeyId(key));
    if (!hash) throw new Error(`subtree hash store has no hash for level ${key.level}, index ${key.index}`);
    return hash;
  });
}

function assertSize(size: bigint): void {
  if (size < 0n) throw new RangeError(`tree size must not be negative, got ${size}`);
}
