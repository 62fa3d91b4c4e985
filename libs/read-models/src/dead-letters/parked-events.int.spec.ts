import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@pangolin/event-store';
import type { PangolinEvent } from '@pangolin/domain';
import { ProjectionRunner } from '../projection-runner';
import type { Projection } from '../projection';
import { ProjectionCheckpoint } from '../checkpoint.entity';
import { allProjections } from '../registry';
import { resetProjections } from '../reset-projections';
import { ClaimRow } from '../catalogue/claim.entity';
import { merkleLogSize } from '../merkle-log/merkle-log.queries';
import { recordedEvents } from '../testing/recorded-events';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { policyOf, storyEvents, storyHouseholdKeys } from '../testing/story';
import { ParkedEventRow } from './parked-event.entity';
import { listParkedEvents, parkedCounts } from './parked-events';

const claimFiled = (claimId: string, policyId: string): PangolinEvent => ({
  type: 'ClaimFiled',
  data: { policyId, claimId, householdId: 'hh-2', incidentDate: '2024-06-01', kind: 'illness', amountClaimed: { amount: 1_000, currency: 'CNY' }, evidence: [], filedBy: { role: 'insurer', id: 'ins-1' }, filedAt: '2024-06-02T00:00:00.000Z' },
});

/** Appends events after the story's, with fresh ids, each to a stream of its own. */
async function appendAfterStory(story: ProjectedStory, events: PangolinEvent[]): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  for (const [index, event] of recordedEvents(events).entries()) {
    const streamId = `test-${event.eventId}-${Date.now()}`;
    const { lastPosition } = await story.store.append(streamId, 'no-stream', [{ ...event, eventId: `${streamId}-${index}` }]);
    recorded.push({ ...event, streamId, revision: 0, eventId: `${streamId}-${index}`, position: lastPosition });
  }
  return recorded;
}

/** Runs the runner until every projection reached the head, or fails after a deadline. */
async function runToHead(story: ProjectedStory, runner: ProjectionRunner): Promise<bigint> {
  const head = await story.store.headPosition();
  await runner.start();
  try {
    await Promise.race([runner.caughtUpTo(head), sleep(10_000).then(() => Promise.reject(new Error(`the projections did not reach ${head} within 10 s`)))]);
  } finally {
    await runner.stop();
  }
  return head;
}

describe('an event a projection cannot apply', () => {
  let story: ProjectedStory;
  beforeEach(async () => {
    story = await projectedStory();
  });
  afterEach(() => story.close());

  it('is parked for that projection after its attempts, while every other event and projection flows on; replayed after a fix, it applies', async () => {
    // The catalogue needs the claim's policy: this one is not requested yet.
    const [poison] = await appendAfterStory(story, [claimFiled('claim-poison', 'policy-later'), claimFiled('claim-healthy', policyOf('hh-2'))]);
    const errors: unknown[] = [];
    const parked: [string, bigint][] = [];
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys), {
      retryDelayMs: 1,
      retryBackoffMs: 1,
      maxAttempts: 3,
      onError: (error) => errors.push(error),
      onParked: (projection, event) => parked.push([projection, event.position]),
    });
    const head = await runToHead(story, runner);

    expect(parked).toEqual([['catalogue', poison.position]]);
    // The batch, the event with every projection, then the catalogue alone three times (the last in the savepoint that parks).
    expect(errors).toHaveLength(5);
    const [record] = (await listParkedEvents([story.dataSource.manager], 'parked', { limit: 10 })).items;
    expect(record).toMatchObject({ worker: 'catalogue', position: poison.position, eventId: poison.eventId, eventType: 'ClaimFiled', attempts: 3, dismissedAt: null });
    expect(record.error).toMatch(/ClaimFiled|PolicyRow|Could not find/);
    expect(record.firstFailedAt <= record.lastFailedAt).toBe(true);
    expect(await parkedCounts(story.dataSource.manager)).toEqual([{ worker: 'catalogue', parked: 1 }]);
    // Every checkpoint is at the head, the later claim shows, and the Merkle log has every event.
    expect((await story.dataSource.manager.find(ProjectionCheckpoint)).map(({ position }) => position)).toEqual(allProjections(storyHouseholdKeys).map(() => head));
    expect(await story.dataSource.manager.findOneBy(ClaimRow, { claimId: 'claim-healthy' })).not.toBeNull();
    expect(await story.dataSource.manager.findOneBy(ClaimRow, { claimId: 'claim-poison' })).toBeNull();
    expect(await merkleLogSize(story.dataSource.manager)).toBe(head);
    expect(runner.stuck()).toBeUndefined();

    // Still broken: the replay fails and changes nothing.
    await expect(runner.replay('catalogue', poison)).rejects.toThrow();
    expect(await story.dataSource.manager.count(ParkedEventRow)).toBe(1);

    // The fix: the policy the claim names is requested; the replay now applies the claim and removes the record.
    const requested = storyEvents.find((event) => event.type === 'PolicyRequested')!;
    await appendAfterStory(story, [{ ...requested, data: { ...requested.data, policyId: 'policy-later' } } as PangolinEvent]);
    await runToHead(story, new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys), { retryDelayMs: 1 }));
    await runner.replay('catalogue', poison);
    expect(await story.dataSource.manager.findOneBy(ClaimRow, { claimId: 'claim-poison' })).toMatchObject({ policyId: 'policy-later' });
    expect(await story.dataSource.manager.count(ParkedEventRow)).toBe(0);
  }, 30_000);

  it('is retried by every projection that cannot apply it side by side, not one projection after another', async () => {
    const [poison] = await appendAfterStory(story, [claimFiled('claim-z', 'policy-later')]);
    const failing = (name: string): Projection => ({
      name,
      async apply(event: RecordedEvent, _tx: EntityManager) {
        if (event.eventId === poison.eventId) throw new Error(`${name} cannot apply it`);
      },
    });
    const runner = new ProjectionRunner(story.store, story.dataSource, [failing('first'), failing('second'), failing('third')], { retryBackoffMs: 20, maxAttempts: 3 });
    await runToHead(story, runner);

    const records = (await listParkedEvents([story.dataSource.manager], 'parked', { limit: 10 })).items;
    expect(records.map(({ worker, position }) => [worker, position]).sort()).toEqual([['first', poison.position], ['second', poison.position], ['third', poison.position]]);
    // Each projection's retries (its first failure to its parking) overlap every other's: one after another, they would not.
    for (const a of records) for (const b of records) expect(a.firstFailedAt <= b.lastFailedAt).toBe(true);
  }, 30_000);

  it('parks again after a rebuild of the read models, which forgets the old record', async () => {
    const [poison] = await appendAfterStory(story, [claimFiled('claim-poison', 'policy-later')]);
    const options = { retryDelayMs: 1, retryBackoffMs: 1 };
    await runToHead(story, new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys), options));
    await resetProjections(story.dataSource);
    expect(await story.dataSource.manager.count(ParkedEventRow)).toBe(0);
    await runToHead(story, new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys), options));
    expect(await story.dataSource.manager.find(ParkedEventRow)).toMatchObject([{ worker: 'catalogue', position: poison.position }]);
  }, 30_000);

  it('is retried for a projection that must not skip, which reports itself stuck and is never parked', async () => {
    const [poison] = await appendAfterStory(story, [claimFiled('claim-x', policyOf('hh-2'))]);
    let broken = true;
    const strict: Projection = {
      name: 'strict',
      neverSkips: true,
      async apply(event: RecordedEvent, _tx: EntityManager) {
        if (broken && event.eventId === poison.eventId) throw new Error('cannot apply this one yet');
      },
    };
    const runner = new ProjectionRunner(story.store, story.dataSource, [strict], { retryBackoffMs: 1, maxAttempts: 2, batchSize: 10 });
    const before = story.events[story.events.length - 3];
    for (const failures of [1, 2]) {
      await expect(runner.handle(before)).rejects.toThrow('cannot apply this one yet');
      expect(runner.stuck()).toMatchObject({ worker: 'strict', position: poison.position, eventId: poison.eventId, failures, error: 'Error: cannot apply this one yet' });
    }
    expect(await story.dataSource.manager.count(ParkedEventRow)).toBe(0);
    expect(await story.dataSource.manager.findOneBy(ProjectionCheckpoint, { name: 'strict' })).toMatchObject({ position: poison.position - 1n });

    broken = false;
    await runner.handle(before);
    expect(runner.stuck()).toBeUndefined();
    expect(await story.dataSource.manager.findOneBy(ProjectionCheckpoint, { name: 'strict' })).toMatchObject({ position: poison.position });
  }, 30_000);

  it('is not reported stuck by a runner that stopped on it and starts again after another got past it (a lease lost and retaken)', async () => {
    const [poison] = await appendAfterStory(story, [claimFiled('claim-y', policyOf('hh-2'))]);
    let broken = true;
    const strict = (): Projection => ({
      name: 'strict',
      neverSkips: true,
      async apply(event: RecordedEvent, _tx: EntityManager) {
        if (broken && event.eventId === poison.eventId) throw new Error('cannot apply this one yet');
      },
    });
    const runner = new ProjectionRunner(story.store, story.dataSource, [strict()], { retryBackoffMs: 1, maxAttempts: 2, batchSize: 10 });
    await expect(runner.handle(story.events[story.events.length - 3])).rejects.toThrow('cannot apply this one yet');
    expect(runner.stuck()).toMatchObject({ worker: 'strict', position: poison.position });

    // Another process (holding the lease now) gets past the event; this runner then starts again, after it, with nothing new to apply.
    broken = false;
    await runToHead(story, new ProjectionRunner(story.store, story.dataSource, [strict()], { batchSize: 10 }));
    await runner.start();
    try {
      expect(runner.stuck()).toBeUndefined();
    } finally {
      await runner.stop();
    }
  }, 30_000);
});
