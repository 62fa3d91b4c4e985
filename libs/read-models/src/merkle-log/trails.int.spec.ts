import { eventLeafHash, generateSignerKey, openNote, parseCheckpoint, TrailRecomputation, type TrailMap } from '@pangolin/transparency';
import type { RecordedEvent } from '@pangolin/event-store';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { RECORDS_DATABASE, signCheckpoint } from '@pangolin/records';
import { merkleLogSize } from './merkle-log.queries';
import { catchUpTrails, trailLeafIndices, trailMapAt, trailsCoverage } from './trails';
import { TrailEventRow, TrailHeadRow, TrailPolicyGiftRow, TrailProgressRow } from './trail.entities';

/** The trails recomputed from the events alone, as the audit and a verifier would. */
function recomputed(events: readonly RecordedEvent[], size: number): { map: TrailMap; leaves: Map<string, bigint[]> } {
  const trails = new TrailRecomputation(true);
  for (const event of events.slice(0, size)) trails.add(event, eventLeafHash(event));
  return { map: trails.map(), leaves: trails.leaves };
}

describe('the trail map kept beside the Merkle log', () => {
  const { signerKey, verifierKey } = generateSignerKey('pangolin.test/log');
  const signer = { origin: 'pangolin.test/log', signerKey };
  let story: ProjectedStory;

  beforeEach(async () => {
    story = await projectedStory({ records: RECORDS_DATABASE });
  });
  afterEach(() => story.close());
  const manager = () => story.dataSource.manager;

  it('holds every gift\'s trail as recomputed from the events, and the checkpoint commits to its map', async () => {
    const size = await merkleLogSize(manager());
    const expected = recomputed(story.events, Number(size));
    expect(expected.map.size).toBeGreaterThan(1n);
    expect(await trailsCoverage(manager())).toBe(size);
    for (const [giftId, leaves] of expected.leaves) expect(await trailLeafIndices(manager(), giftId, size)).toEqual(leaves);

    const signed = await signCheckpoint(story.dataSource, story.records, signer);
    const checkpoint = parseCheckpoint(openNote(signed!.note, [verifierKey]).text);
    expect(checkpoint.extensionLines).toEqual([expected.map.extensionLine()]);
    expect(Buffer.from((await trailMapAt(manager(), size))!.root)).toEqual(Buffer.from(expected.map.root));
  });

  it('gives the map at an earlier size, from the trails\' history', async () => {
    const size = Number(await merkleLogSize(manager()));
    for (const earlier of [1, Math.floor(size / 3), Math.floor(size / 2), size - 1]) {
      const map = (await trailMapAt(manager(), BigInt(earlier)))!;
      expect({ size: earlier, root: Buffer.from(map.root).toString('hex') }).toEqual({ size: earlier, root: Buffer.from(recomputed(story.events, earlier).map.root).toString('hex') });
      const [giftId, leaves] = [...recomputed(story.events, size).leaves][0];
      expect(await trailLeafIndices(manager(), giftId, BigInt(earlier))).toEqual(leaves.filter((index) => index < BigInt(earlier)));
    }
  });

  it('catches up the trails of a log kept before them, from the event store', async () => {
    const size = await merkleLogSize(manager());
    // A database from before the trail map: leaves, no trails.
    for (const entity of [TrailEventRow, TrailHeadRow, TrailPolicyGiftRow, TrailProgressRow]) await manager().clear(entity);
    expect(await trailsCoverage(manager())).toBe(0n);
    expect(await catchUpTrails(story.dataSource, story.store, 7)).toBe(size);
    expect(await trailsCoverage(manager())).toBe(size);
    expect(await catchUpTrails(story.dataSource, story.store)).toBe(0n);
    const signed = await signCheckpoint(story.dataSource, story.records, signer);
    expect(parseCheckpoint(openNote(signed!.note, [verifierKey]).text).extensionLines).toEqual([recomputed(story.events, Number(size)).map.extensionLine()]);
  });
});
