import { generateSignerKey, openNote, parseCheckpoint } from '@pangolin/transparency';
import { leafIndicesOf, merkleLogSize, MerkleSubtreeHashRow, merkleRoot, resetProjections } from '@pangolin/read-models';
import { projectedStory, type ProjectedStory } from '../../../read-models/src/testing/projected-story';
import { RECORDS_DATABASE } from '../records-store';
import { checkpointAt, latestCheckpoint, listCheckpoints, LogForkedError, signCheckpoint } from './checkpoints';
import { SignedCheckpointRow } from './signed-checkpoint.entity';

describe('signed checkpoints of the Merkle log', () => {
  const { signerKey, verifierKey } = generateSignerKey('pangolin.test/log');
  const signer = { origin: 'pangolin.test/log', signerKey };
  let story: ProjectedStory;

  beforeEach(async () => {
    story = await projectedStory({ records: RECORDS_DATABASE });
  });
  afterEach(() => story.close());
  /** The views (the Merkle tree). */
  const manager = () => story.dataSource.manager;
  /** The records store (the signed checkpoints). */
  const kept = () => story.records.manager;

  it('records which event each leaf is, in log order', async () => {
    const indices = await leafIndicesOf(manager(), story.events.map((event) => event.eventId));
    expect(story.events.map((event) => indices.get(event.eventId))).toEqual(story.events.map((_, i) => BigInt(i)));
    expect((await leafIndicesOf(manager(), ['no-such-event'])).size).toBe(0);
  });

  it('signs the log at its size as a C2SP checkpoint that verifies with the public key, and keeps it', async () => {
    const size = await merkleLogSize(manager());
    const signed = await signCheckpoint(story.dataSource, story.records, signer, new Date('2026-11-24T10:00:00Z'));
    expect(signed?.size).toBe(size);
    const checkpoint = parseCheckpoint(openNote(signed!.note, [verifierKey]).text);
    expect(checkpoint).toMatchObject({ origin: 'pangolin.test/log', size });
    expect(Buffer.from(checkpoint.rootHash)).toEqual(Buffer.from(await merkleRoot(manager())));
    expect(await latestCheckpoint(kept())).toEqual(signed);
    expect(await checkpointAt(kept(), size)).toEqual(signed);
    expect(await checkpointAt(kept(), size - 1n)).toBeUndefined();
  });

  it('signs a size once, however often it is asked', async () => {
    const first = await signCheckpoint(story.dataSource, story.records, signer, new Date('2026-11-24T10:00:00Z'));
    const [again, concurrently] = await Promise.all([signCheckpoint(story.dataSource, story.records, signer), signCheckpoint(story.dataSource, story.records, signer)]);
    expect(again).toEqual(first);
    expect(concurrently).toEqual(first);
    expect(await kept().count(SignedCheckpointRow)).toBe(1);
  });

  it('keeps its checkpoints when the views are rebuilt, and lists them in order', async () => {
    await signCheckpoint(story.dataSource, story.records, signer);
    await resetProjections(story.dataSource);
    expect(await merkleLogSize(manager())).toBe(0n);
    expect(await listCheckpoints(kept())).toHaveLength(1);
  });

  it('refuses to sign a log that no longer extends the last checkpoint, and one that shrank', async () => {
    const signed = await signCheckpoint(story.dataSource, story.records, signer);
    // An operator rewrites the hash of leaf 0 (as a rebuild from an altered event would) and appends more.
    await manager().update(MerkleSubtreeHashRow, { level: 0, index: 0n }, { hash: 'ab'.repeat(32) });
    await expect(signCheckpoint(story.dataSource, story.records, signer)).resolves.toEqual(signed);
    await manager().delete(MerkleSubtreeHashRow, { level: 0, index: signed!.size - 1n });
    await expect(signCheckpoint(story.dataSource, story.records, signer)).rejects.toThrow(LogForkedError);
    await expect(signCheckpoint(story.dataSource, story.records, signer)).rejects.toThrow(/fewer than the .* already signed/);
  });
});
