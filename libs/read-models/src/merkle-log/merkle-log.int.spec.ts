import { createHash } from 'node:crypto';
import { verifyConsistency, verifyInclusion } from '@pangolin/transparency';
import type { RecordedEvent } from '@pangolin/event-store';
import { encodeLeaf } from '@pangolin/transparency';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { ProjectionRunner } from '../projection-runner';
import { allProjections } from '../registry';
import { MerkleSubtreeHashRow } from './merkle-subtree-hash.entity';
import { consistencyProofBetween, inclusionProofFor, leafIndicesOf, merkleLogSize, merkleRoot } from './merkle-log.queries';
import { MerkleLogProjection } from './merkle-log.projection';
import { openTestReadStore } from '../testing/test-read-store';
import { resetProjections } from '../reset-projections';
import { storyHouseholdKeys } from '../testing/story';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

/** RFC 6962 §2.1 straight from the definition, independent of the library under test. */
const referenceLeafHash = (event: RecordedEvent) => sha256(Uint8Array.of(0), encodeLeaf(event));
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Uint8Array.of(1), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('Merkle log of the event log', () => {
  let story: ProjectedStory;
  let leaves: Uint8Array[];
  let n: number;
  beforeAll(async () => {
    story = await projectedStory();
    leaves = story.events.map(referenceLeafHash);
    n = leaves.length;
  });
  afterAll(() => story.close());

  const manager = () => story.dataSource.manager;
  /** Sizes 1..n with every small one, the powers of two around, and the edges. */
  const sampleSizes = () => [...new Set([1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, n - 1, n].filter((size) => size >= 1 && size <= n))];

  it('has one leaf per event, in global order', async () => {
    expect(n).toBeGreaterThan(8);
    expect(story.events.map((event) => event.position)).toEqual(story.events.map((_, i) => BigInt(i + 1)));
    expect(await merkleLogSize(manager())).toBe(BigInt(n));
    const leafRows = await manager().find(MerkleSubtreeHashRow, { where: { level: 0 } });
    expect(leafRows.map((row) => row.index).sort((a, b) => (a < b ? -1 : 1))).toEqual(leaves.map((_, i) => BigInt(i)));
    for (const row of leafRows) expect(row.hash).toBe(hex(leaves[Number(row.index)]));
  });

  it('has the RFC 6962 root of the events, now and at every earlier size', async () => {
    expect(hex(await merkleRoot(manager()))).toBe(hex(referenceRoot(leaves)));
    for (let size = 0; size <= n; size++) {
      expect(hex(await merkleRoot(manager(), BigInt(size)))).toBe(hex(referenceRoot(leaves.slice(0, size))));
    }
    await expect(merkleRoot(manager(), BigInt(n + 1))).rejects.toThrow(RangeError);
  });

  it('proves the inclusion of every event in the trees that hold it', async () => {
    for (const size of sampleSizes()) {
      const root = await merkleRoot(manager(), BigInt(size));
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProofFor(manager(), BigInt(index), BigInt(size));
        expect(verifyInclusion(leaves[index], BigInt(index), BigInt(size), proof, root)).toEqual({ ok: true });
      }
    }
    const proof = await inclusionProofFor(manager(), 1n, BigInt(n));
    expect(verifyInclusion(leaves[2], 1n, BigInt(n), proof, await merkleRoot(manager()))).toMatchObject({ ok: false });
    await expect(inclusionProofFor(manager(), 0n, BigInt(n + 1))).rejects.toThrow(RangeError);
  });

  it('proves every earlier tree consistent with every later one', async () => {
    for (const size2 of sampleSizes()) {
      const root2 = await merkleRoot(manager(), BigInt(size2));
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = await consistencyProofBetween(manager(), BigInt(size1), BigInt(size2));
        expect(verifyConsistency(BigInt(size1), BigInt(size2), proof, await merkleRoot(manager(), BigInt(size1)), root2)).toEqual({ ok: true });
      }
    }
    await expect(consistencyProofBetween(manager(), 1n, BigInt(n + 1))).rejects.toThrow(RangeError);
  });

  it('changes nothing when an event is delivered again', async () => {
    const snapshot = async () => ({
      size: await merkleLogSize(manager()),
      hashes: (await manager().find(MerkleSubtreeHashRow)).map((row) => `${row.level}:${row.index}:${row.hash}`).sort(),
    });
    const before = await snapshot();
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys));
    await runner.handle(story.events[n - 1]);
    await runner.handle(story.events[0]);
    expect(await snapshot()).toEqual(before);
    expect(before.hashes.length).toBeLessThan(2 * n);
  });

  it('recovers from a transaction rolled back after it ran, and from a reset, without a wrong leaf', async () => {
    const { dataSource, drop } = await openTestReadStore();
    try {
      const failOnce = new Set([3, 9, 10]);
      // A projection after the Merkle log that fails the first time it sees some events: their transactions roll back.
      const flaky = {
        name: 'flaky',
        apply: async (event: RecordedEvent) => {
          if (failOnce.delete(Number(event.position))) throw new Error(`flaky on ${event.position}`);
        },
      };
      const merkle = new MerkleLogProjection();
      const runner = new ProjectionRunner(story.store, dataSource, [merkle, flaky]);
      const feed = async (events: RecordedEvent[]) => {
        // As the subscription does: a failed event is delivered again until it goes through.
        for (const event of events) {
          for (let attempt = 1; ; attempt++) {
            try {
              await runner.handle(event);
              break;
            } catch (error) {
              if (attempt > failOnce.size + 3) throw error;
            }
          }
        }
      };
      await feed(story.events);
      expect(hex(await merkleRoot(dataSource.manager))).toBe(hex(referenceRoot(leaves)));
      expect([...(await leafIndicesOf(dataSource.manager, story.events.map((event) => event.eventId))).values()]).toEqual(story.events.map((_, i) => BigInt(i)));

      // Reset behind the projection's back, and rebuild with the same instance: its remembered border must not be used.
      await resetProjections(dataSource);
      const again = new ProjectionRunner(story.store, dataSource, [merkle], { batchSize: 1 });
      for (const event of story.events.slice(0, 5)) await again.handle(event);
      expect(hex(await merkleRoot(dataSource.manager))).toBe(hex(referenceRoot(leaves.slice(0, 5))));
    } finally {
      await drop();
    }
  });
});
