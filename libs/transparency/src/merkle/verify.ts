import { bitLength, countOnes, trailingZeros } from './bigint-bits';
import { HASH_SIZE, nodeHash } from './rfc6962';

/**
 * RFC 6962 proof verification, following transparency-dev/merkle proof/verify.go.
 *
 * Failures are returned, not thrown: an invalid proof is an expected answer from an untrusted
 * log, and `reason` says which check failed. Sizes and indices are bigint in [0, 2^64).
 */
export type VerificationResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const VERIFIED: VerificationResult = { ok: true };
const MAX_UINT64 = (1n << 64n) - 1n; // RFC 6962 tree sizes are uint64

/** Checks that `leafHash` is leaf `index` of the tree of `size` leaves with root `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: bigint,
  size: bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): VerificationResult {
  const invalid = invalidUint64('index', index) ?? invalidUint64('size', size) ?? invalidProofHashes(proof);
  if (invalid) return rejected(invalid);
  if (index >= size) return rejected(`index ${index} is not below size ${size}`);
  if (leafHash.length !== HASH_SIZE) return rejected(`leaf hash is ${leafHash.length} bytes, want ${HASH_SIZE}`);

  const { inner, border } = decomposeInclusionProof(index, size);
  if (proof.length !== inner + border) return rejected(`proof has ${proof.length} hashes, want ${inner + border}`);

  let computed = chainInner(leafHash, proof.slice(0, inner), index);
  computed = chainBorderRight(computed, proof.slice(inner));
  return matches(computed, root, 'root');
}

/**
 * Checks that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves with
 * root `root1`. Requires 0 < size1 <= size2: nothing can be proved about the empty tree.
 */
export function verifyConsistency(
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): VerificationResult {
  const invalid = invalidUint64('size1', size1) ?? invalidUint64('size2', size2) ?? invalidProofHashes(proof);
  if (invalid) return rejected(invalid);
  if (size2 < size1) return rejected(`size2 ${size2} is below size1 ${size1}`);
  if (size1 === 0n) return rejected('a consistency proof from the empty tree is meaningless');
  if (size1 === size2) {
    if (proof.length > 0) return rejected('sizes are equal but the proof is not empty');
    return matches(root2, root1, 'root2');
  }
  if (proof.length === 0) return rejected('proof is empty');

  // The proof is a suffix of the inclusion proof of leaf size1 - 1 in the new tree, starting at
  // the level of the largest complete subtree that ends at size1.
  const decomposition = decomposeInclusionProof(size1 - 1n, size2);
  const shift = trailingZeros(size1);
  const inner = decomposition.inner - shift;
  const { border } = decomposition;

  // That subtree's hash heads the proof, unless it is the whole old tree, whose root we hold.
  const isOldTreeComplete = size1 === 1n << BigInt(shift);
  const seed = isOldTreeComplete ? root1 : proof[0];
  const path = isOldTreeComplete ? proof : proof.slice(1);
  const expectedLength = (isOldTreeComplete ? 0 : 1) + inner + border;
  if (proof.length !== expectedLength) return rejected(`proof has ${proof.length} hashes, want ${expectedLength}`);

  const mask = (size1 - 1n) >> BigInt(shift);
  let computed1 = chainInnerRight(seed, path.slice(0, inner), mask);
  computed1 = chainBorderRight(computed1, path.slice(inner));
  const oldRootMatch = matches(computed1, root1, 'root1');
  if (!oldRootMatch.ok) return oldRootMatch;

  let computed2 = chainInner(seed, path.slice(0, inner), mask);
  computed2 = chainBorderRight(computed2, path.slice(inner));
  return matches(computed2, root2, 'root2');
}

/**
 * Splits the audit path of `index` into `inner` hashes, below the level where the paths to
 * `index` and to the last leaf meet, and `border` hashes above it (left siblings only).
 */
function decomposeInclusionProof(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  return { inner, border: countOnes(index >> BigInt(inner)) };
}

/** Hashes up from `seed` at `index`; bit i of index says whether proof[i] is a left or right sibling. */
function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  return proof.reduce(
    (hash, sibling, i) => (((index >> BigInt(i)) & 1n) === 0n ? nodeHash(hash, sibling) : nodeHash(sibling, hash)),
    seed,
  );
}

/** Like chainInner, but skips right siblings: yields the hash of the older, smaller tree. */
function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  return proof.reduce(
    (hash, sibling, i) => (((index >> BigInt(i)) & 1n) === 1n ? nodeHash(sibling, hash) : hash),
    seed,
  );
}

/** Above the meeting level every sibling is on the left. */
function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  return proof.reduce((hash, sibling) => nodeHash(sibling, hash), seed);
}

function matches(computed: Uint8Array, expected: Uint8Array, name: string): VerificationResult {
  if (Buffer.from(computed).equals(expected)) return VERIFIED;
  return rejected(`computed ${name} does not match the given ${name}`);
}

function invalidUint64(name: string, value: bigint): string | undefined {
  return value < 0n || value > MAX_UINT64 ? `${name} ${value} is not a uint64` : undefined;
}

function invalidProofHashes(proof: readonly Uint8Array[]): string | undefined {
  const index = proof.findIndex((hash) => hash.length !== HASH_SIZE);
  return index === -1 ? undefined : `proof hash ${index} is ${proof[index].length} bytes, want ${HASH_SIZE}`;
}

function rejected(reason: string): VerificationResult {
  return { ok: false, reason };
}
