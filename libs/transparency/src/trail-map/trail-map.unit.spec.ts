import { createHash } from 'node:crypto';
import { appendLeaves, inclusionProof, rootAt } from '../merkle/merkle-tree';
import { InMemorySubtreeHashStore } from '../merkle/in-memory-subtree-hash-store';
import { EMPTY_ROOT } from '../merkle/rfc6962';
import { verifyInclusion } from '../merkle/verify';
import { formatCheckpoint, parseCheckpoint } from '../signed-note/checkpoint';
import {
  compareGiftIds,
  EMPTY_TRAIL_HASH,
  encodeTrailMapLeaf,
  formatTrailMapLine,
  nextTrailHash,
  trailHashOf,
  TrailMap,
  trailMapCommitmentOf,
  trailMapLeafHash,
  TrailMapLineError,
  type TrailState,
} from './trail-map';

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};
const state = (giftId: string, length: number): TrailState => ({ giftId, length: BigInt(length), hash: sha256(Buffer.from(`${giftId}/${length}`)) });

describe('the trail hash', () => {
  it('chains SHA-256(0x02 || previous || leaf hash) from 32 zero bytes', () => {
    const a = sha256(Buffer.from('a'));
    const b = sha256(Buffer.from('b'));
    expect(EMPTY_TRAIL_HASH).toEqual(new Uint8Array(32));
    const first = sha256(Uint8Array.of(2), EMPTY_TRAIL_HASH, a);
    expect(nextTrailHash(EMPTY_TRAIL_HASH, a)).toEqual(first);
    expect(trailHashOf([a, b])).toEqual({ length: 2n, hash: sha256(Uint8Array.of(2), first, b) });
    expect(trailHashOf([])).toEqual({ length: 0n, hash: EMPTY_TRAIL_HASH });
    // Order matters, and so does every event.
    expect(trailHashOf([b, a]).hash).not.toEqual(trailHashOf([a, b]).hash);
  });
});

describe('the trail map leaf', () => {
  it('is u16 id length, the id in UTF-8, u64 trail length and the trail hash, hashed as an RFC 6962 leaf', () => {
    const hash = new Uint8Array(32).fill(7);
    const bytes = encodeTrailMapLeaf({ giftId: 'g1', length: 258n, hash });
    expect(Buffer.from(bytes).toString('hex')).toBe(`00026731${'0000000000000102'}${'07'.repeat(32)}`);
    expect(trailMapLeafHash({ giftId: 'g1', length: 258n, hash })).toEqual(sha256(Uint8Array.of(0), bytes));
  });

  it('refuses an empty gift id and a hash of the wrong size', () => {
    expect(() => encodeTrailMapLeaf({ giftId: '', length: 1n, hash: new Uint8Array(32) })).toThrow(RangeError);
    expect(() => encodeTrailMapLeaf({ giftId: 'g', length: 1n, hash: new Uint8Array(31) })).toThrow(RangeError);
  });
});

describe('TrailMap', () => {
  it('is the RFC 6962 tree of the leaves in gift id order, with proofs that verify, for every size up to 33', async () => {
    for (let n = 0; n <= 33; n++) {
      const states = Array.from({ length: n }, (_, i) => state(`gift-${(i * 7919) % 1000}-${i}`, i + 1));
      const map = new TrailMap(states);
      const sorted = [...states].sort((a, b) => compareGiftIds(a.giftId, b.giftId));
      const store = new InMemorySubtreeHashStore();
      await appendLeaves(store, 0n, sorted.map(trailMapLeafHash));
      expect(map.size).toBe(BigInt(n));
      expect(map.root).toEqual(n === 0 ? EMPTY_ROOT : await rootAt(store, BigInt(n)));
      expect(TrailMap.ofLeafHashes(states.map((s) => ({ giftId: s.giftId, leafHash: trailMapLeafHash(s) }))).root).toEqual(map.root);
      for (const [i, s] of sorted.entries()) {
        const entry = map.entry(s.giftId)!;
        expect(entry.index).toBe(BigInt(i));
        const proof = map.inclusionProof(entry.index);
        expect(proof).toEqual(await inclusionProof(store, BigInt(i), BigInt(n)));
        expect(entry.leafHash).toEqual(trailMapLeafHash(s));
        expect(verifyInclusion(trailMapLeafHash(s), entry.index, map.size, proof, map.root)).toEqual({ ok: true });
      }
    }
  });

  it('orders gift ids by their UTF-8 bytes, and refuses a gift twice', () => {
    const map = new TrailMap([state('b', 1), state('\u{1F600}', 1), state('\uFFFD', 1), state('a', 2)]);
    expect(map.giftIds).toEqual(['a', 'b', '\uFFFD', '\u{1F600}']);
    expect(() => new TrailMap([state('a', 1), state('a', 2)])).toThrow('gift a is in the trail map twice');
  });

  it('builds a map of 100,000 gifts, the same from states as from their leaf hashes (its cost against raw SHA-256: bench/transparency.bench.ts)', () => {
    const states = Array.from({ length: 100_000 }, (_, i) => ({ giftId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`, length: BigInt(1 + (i % 7)), hash: EMPTY_TRAIL_HASH }));
    const map = new TrailMap(states);
    expect(map.size).toBe(100_000n);
    expect(TrailMap.ofLeafHashes(states.map((s) => ({ giftId: s.giftId, leafHash: trailMapLeafHash(s) }))).root).toEqual(map.root);
    const last = map.entry(states[99_999]!.giftId)!;
    expect(verifyInclusion(trailMapLeafHash(states[99_999]!), last.index, map.size, map.inclusionProof(last.index), map.root)).toEqual({ ok: true });
  });
});

describe('the pangolin-trail-map extension line', () => {
  const root = new Uint8Array(32).fill(1);

  it('round-trips through a checkpoint, after the root hash', () => {
    const line = formatTrailMapLine({ root, size: 12n });
    expect(line).toBe(`pangolin-trail-map ${Buffer.from(root).toString('base64')} 12`);
    const text = formatCheckpoint({ origin: 'o', size: 3n, rootHash: new Uint8Array(32), extensionLines: [line] });
    expect(text.split('\n')).toHaveLength(5);
    expect(trailMapCommitmentOf(parseCheckpoint(text))).toEqual({ root, size: 12n });
  });

  it('is absent from a checkpoint without it, and other extension lines are ignored', () => {
    expect(trailMapCommitmentOf({ extensionLines: [] })).toBeUndefined();
    expect(trailMapCommitmentOf({ extensionLines: ['other-extension 1'] })).toBeUndefined();
  });

  it.each([
    ['pangolin-trail-map'],
    [`pangolin-trail-map ${Buffer.from(root).toString('base64')}`],
    [`pangolin-trail-map ${Buffer.from(root).toString('base64')} 012`],
    [`pangolin-trail-map ${Buffer.from(root.subarray(1)).toString('base64')} 12`],
    [`pangolin-trail-map ${Buffer.from(root).toString('base64')} 12 extra`],
  ])('refuses the malformed line %j', (line) => {
    expect(() => trailMapCommitmentOf({ extensionLines: [line] })).toThrow(TrailMapLineError);
  });

  it('refuses two of them', () => {
    const line = formatTrailMapLine({ root, size: 1n });
    expect(() => trailMapCommitmentOf({ extensionLines: [line, line] })).toThrow('2 pangolin-trail-map lines');
  });
});
