import { bitLength, largestPowerOfTwoBelow } from './bigint-bits';
import { InMemorySubtreeHashStore } from './in-memory-subtree-hash-store';
import { appendLeaves, consistencyProof, inclusionProof, rootAt } from './merkle-tree';
import { EMPTY_ROOT, leafHash, nodeHash } from './rfc6962';
import { SubtreeHash, SubtreeHashStore, SubtreeKey } from './subtree-hash-store';
import { verifyConsistency, verifyInclusion } from './verify';

const MAX_LEAVES = 70;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Records every read so tests can check each proof costs one get of O(log n) keys. */
class ReadRecordingStore implements SubtreeHashStore {
  readonly reads: SubtreeKey[][] = [];
  constructor(private readonly inner: SubtreeHashStore) {}

  get(keys: readonly SubtreeKey[]): Promise<Map<string, Uint8Array>> {
    this.reads.push([...keys]);
    return this.inner.get(keys);
  }

  put(entries: readonly SubtreeHash[]): Promise<void> {
    return this.inner.put(entries);
  }
}

// Reference implementations written straight from the recursive definitions in RFC 6962 §2.1.
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0];
  const k = Number(largestPowerOfTwoBelow(BigInt(leaves.length)));
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

function referencePath(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = Number(largestPowerOfTwoBelow(BigInt(leaves.length)));
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

function referenceSubproof(m: number, leaves: Uint8Array[], isOldRootKnown: boolean): Uint8Array[] {
  if (m === leaves.length) return isOldRootKnown ? [] : [referenceRoot(leaves)];
  const k = Number(largestPowerOfTwoBelow(BigInt(leaves.length)));
  return m <= k
    ? [...referenceSubproof(m, leaves.slice(0, k), isOldRootKnown), referenceRoot(leaves.slice(k))]
    : [...referenceSubproof(m - k, leaves.slice(k), false), referenceRoot(leaves.slice(0, k))];
}

const leaves = Array.from({ length: MAX_LEAVES }, (_, i) => leafHash(Buffer.from(`event ${i}`)));

/** Builds the tree in uneven batches so appends join subtrees left by earlier appends. */
async function storeWithAllLeaves(): Promise<InMemorySubtreeHashStore> {
  const store = new InMemorySubtreeHashStore();
  let size = 0n;
  for (const batchSize of [1, 2, 1, 5, 8, 3, 17, 1, 32]) {
    size = await appendLeaves(store, size, leaves.slice(Number(size), Number(size) + batchSize));
  }
  expect(size).toBe(BigInt(MAX_LEAVES));
  return store;
}

const sizes = Array.from({ length: MAX_LEAVES + 1 }, (_, n) => n);

describe('Merkle tree over a subtree hash store', () => {
  let store: InMemorySubtreeHashStore;
  beforeAll(async () => {
    store = await storeWithAllLeaves();
  });

  it('gives the known eight-leaf tree its published root', async () => {
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const knownStore = new InMemorySubtreeHashStore();
    await appendLeaves(knownStore, 0n, data.map((d) => leafHash(Buffer.from(d, 'hex'))));

    expect(hex(await rootAt(knownStore, 8n))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('gives the empty tree the empty root without reading the store', async () => {
    const recording = new ReadRecordingStore(store);
    expect(hex(await rootAt(recording, 0n))).toBe(hex(EMPTY_ROOT));
    expect(recording.reads).toHaveLength(0);
  });

  it.each(sizes)('computes the RFC 6962 root of the first %i leaves', async (n) => {
    expect(hex(await rootAt(store, BigInt(n)))).toBe(hex(referenceRoot(leaves.slice(0, n))));
  });

  it('stores the same hashes whether leaves are appended one by one or all at once', async () => {
    const oneByOne = new InMemorySubtreeHashStore();
    for (let i = 0; i < MAX_LEAVES; i++) await appendLeaves(oneByOne, BigInt(i), [leaves[i]]);

    for (const n of sizes) {
      expect(hex(await rootAt(oneByOne, BigInt(n)))).toBe(hex(await rootAt(store, BigInt(n))));
    }
  });

  it('reads only the right border of the tree when appending', async () => {
    const recording = new ReadRecordingStore(new InMemorySubtreeHashStore());
    await appendLeaves(recording, 0n, leaves.slice(0, 13)); // 13 = 8 + 4 + 1
    await appendLeaves(recording, 13n, leaves.slice(13, 20));

    expect(recording.reads).toEqual([
      [
        { level: 3, index: 0n },
        { level: 2, index: 2n },
        { level: 0, index: 12n },
      ],
    ]);
  });

  it.each(sizes.slice(1))('proves inclusion of every leaf in a tree of %i leaves with one read', async (n) => {
    const size = BigInt(n);
    const root = await rootAt(store, size);
    for (let index = 0; index < n; index++) {
      const recording = new ReadRecordingStore(store);
      const proof = await inclusionProof(recording, BigInt(index), size);

      expect(proof.map(hex)).toEqual(referencePath(index, leaves.slice(0, n)).map(hex));
      expect(verifyInclusion(leaves[index], BigInt(index), size, proof, root)).toEqual({ ok: true });
      expect(recording.reads).toHaveLength(proof.length === 0 ? 0 : 1);
      expect(recording.reads.flat().length).toBeLessThanOrEqual(2 * bitLength(size));
    }
  });

  it.each(sizes.slice(1))('proves every smaller tree consistent with the tree of %i leaves with one read', async (n) => {
    const size2 = BigInt(n);
    const root2 = await rootAt(store, size2);
    for (let m = 1; m <= n; m++) {
      const size1 = BigInt(m);
      const recording = new ReadRecordingStore(store);
      const proof = await consistencyProof(recording, size1, size2);

      expect(proof.map(hex)).toEqual(referenceSubproof(m, leaves.slice(0, n), true).map(hex));
      expect(verifyConsistency(size1, size2, proof, await rootAt(store, size1), root2)).toEqual({ ok: true });
      expect(recording.reads).toHaveLength(proof.length === 0 ? 0 : 1);
      expect(recording.reads.flat().length).toBeLessThanOrEqual(2 * bitLength(size2));
    }
  });

  it('rejects a proof checked against the wrong leaf or the wrong old root', async () => {
    const proof = await inclusionProof(store, 5n, 70n);
    const inclusion = verifyInclusion(leaves[6], 5n, 70n, proof, await rootAt(store, 70n));
    expect(inclusion).toEqual({ ok: false, reason: 'computed root does not match the given root' });

    const wrongOldRoot = await rootAt(store, 12n);
    const consistencyWithWrongOldRoot = await consistencyProof(store, 13n, 70n);
    const consistency = verifyConsistency(13n, 70n, consistencyWithWrongOldRoot, wrongOldRoot, await rootAt(store, 70n));
    expect(consistency).toEqual({ ok: false, reason: 'computed root1 does not match the given root1' });
  });

  it('refuses proofs the tree cannot give', async () => {
    await expect(inclusionProof(store, 70n, 70n)).rejects.toThrow(RangeError);
    await expect(consistencyProof(store, 0n, 5n)).rejects.toThrow(RangeError);
    await expect(consistencyProof(store, 6n, 5n)).rejects.toThrow(RangeError);
    await expect(rootAt(new InMemorySubtreeHashStore(), 5n)).rejects.toThrow('no hash for level 2, index 0');
  });
});
