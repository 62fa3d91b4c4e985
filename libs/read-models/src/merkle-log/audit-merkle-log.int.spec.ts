import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@pangolin/event-store';
import { generateSignerKey, nodeHash, type AuditedEvent } from '@pangolin/transparency';
import { appendAll, recordedEvents } from '../testing/recorded-events';
import { storyEvents } from '../testing/story';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { auditMerkleLog, storedEvents } from './audit-merkle-log';
import { RECORDS_DATABASE, signCheckpoint, signedCheckpointSource } from '@pangolin/records';
import { merkleLogSize, merkleRoot } from './merkle-log.queries';
import { MerkleSubtreeHashRow } from './merkle-subtree-hash.entity';

/** The audit read from a real read database, in pages small enough that every page boundary is crossed. */
describe('auditing the Merkle log in the read database', () => {
  const { signerKey, verifierKey } = generateSignerKey('pangolin.test/log');
  let story: ProjectedStory;
  let size: bigint;

  beforeEach(async () => {
    story = await projectedStory({ records: RECORDS_DATABASE });
    size = await merkleLogSize(story.dataSource.manager);
    await signCheckpoint(story.dataSource, story.records, { origin: 'pangolin.test/log', signerKey });
  });
  afterEach(() => story.close());

  const audit = (pageSize: number) => auditMerkleLog(story.store, story.dataSource, signedCheckpointSource(story.records), { verifierKey, origin: 'pangolin.test/log', pageSize });

  it.each([3, 7, 500])('passes the untouched log read %i rows at a time', async (pageSize) => {
    expect(size).toBeGreaterThan(16n);
    const report = await audit(pageSize);
    expect(report).toMatchObject({ ok: true, logSize: size, eventsNotYetLogged: 0n, checkpointsVerified: 1, latestCheckpoint: { size } });
    expect(report.root).toBe(Buffer.from(await merkleRoot(story.dataSource.manager)).toString('hex'));
  });

  it('names an edited inner hash, a missing leaf record and a stray hash beyond the log', async () => {
    const manager = story.dataSource.manager;
    await manager.update(MerkleSubtreeHashRow, { level: 2, index: 1n }, { hash: '00'.repeat(32) });
    expect((await audit(3)).finding).toMatchObject({ kind: 'stored-hash-edited', level: 2, index: 1n, stored: '00'.repeat(32) });
    await manager.update(MerkleSubtreeHashRow, { level: 2, index: 1n }, { hash: await hashFromChildren(2, 1n) });

    await manager.insert(MerkleSubtreeHashRow, { level: 1, index: size, hash: 'ab'.repeat(32) });
    expect((await audit(3)).finding).toEqual({ kind: 'stored-hash-unexpected', level: 1, index: size });
    await manager.delete(MerkleSubtreeHashRow, { level: 1, index: size });

    await manager.update(MerkleSubtreeHashRow, { level: 0, index: 5n }, { eventId: null });
    expect((await audit(3)).finding).toMatchObject({ kind: 'leaf-record-edited', leafIndex: 5n, loggedEventId: undefined, event: { eventId: story.events[5].eventId } });
  });

  /** The hash the tree had before the edit, recomputed from its two children. */
  async function hashFromChildren(level: number, index: bigint): Promise<string> {
    const child = async (i: bigint) => Buffer.from((await story.dataSource.manager.findOneByOrFail(MerkleSubtreeHashRow, { level: level - 1, index: i })).hash, 'hex');
    return Buffer.from(nodeHash(await child(2n * index), await child(2n * index + 1n))).toString('hex');
  }
});

describe('reading the stored events for the audit', () => {
  it('reads every event in pages, and reports an event whose JSON no longer parses as the end of what can be read', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'pangolin-audit-events-'));
    const file = join(directory, 'events.sqlite');
    const store = SqliteEventStore.open(file);
    try {
      const events = recordedEvents(storyEvents).slice(0, 10);
      await appendAll(store, events);
      const read = async () => {
        const all: AuditedEvent[] = [];
        for await (const event of storedEvents(store, 3)) all.push(event);
        return all;
      };
      expect((await read()).map((event) => ('event' in event ? event.event.eventId : event))).toEqual(events.map((event) => event.eventId));

      const db = new Database(file);
      db.prepare("UPDATE events SET data = substr(data, 2) WHERE position = 5").run();
      db.close();
      const read5 = await read();
      expect(read5).toHaveLength(5);
      expect(read5.slice(0, 4).map((event) => ('position' in event ? event.position : undefined))).toEqual([1n, 2n, 3n, 4n]);
      expect(read5[4]).toEqual({ afterPosition: 4n, unreadable: expect.any(String) });
    } finally {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
