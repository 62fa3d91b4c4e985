import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';
import { SqliteEventStore, type RecordedEvent } from '@pangolin/event-store';
import { sealPersonalData } from '@pangolin/application';
import { ProjectionRunner } from './projection-runner';
import type { Projection } from './projection';
import { ProjectionCheckpoint } from './checkpoint.entity';
import { resetProjections } from './reset-projections';
import { allProjections, readModelEntities } from './registry';
import { openReadDataSource } from './data-source';
import { DonorViewProjection } from './donor-view/donor-view.projection';
import { LedgerEntryRow } from './ledger/ledger-entry.entity';
import { LedgerPostingRow } from './ledger/ledger-posting.entity';
import { LedgerPostingGiftRow } from './ledger/ledger-posting-gift.entity';
import { LedgerTotalRow } from './ledger/ledger-total.entity';
import { householdsInRegion, findHousehold } from './households/households.queries';
import { giftsOfDonor, giftTrace } from './donor-view/donor-view.queries';
import { insurerView } from './insurer-view/insurer-view.queries';
import { dashboard } from './government-dashboard/government-dashboard.queries';
import { publicView } from './public-view/public-view.queries';
import { accountBalances, ledgerTotal } from './ledger/ledger.queries';
import { INSURER, REGION, storyEvents, storyHouseholdKey, storyHouseholdKeys } from './testing/story';
import { appendAll, recordedEvents } from './testing/recorded-events';
import { projectedStory, type ProjectedStory } from './testing/projected-story';

const ALL = { limit: 500 };

/** Everything the queries answer about the story, to compare read models before and after. */
async function everything(manager: EntityManager) {
  const donors = ['donor-a', 'donor-b', 'donor-c', 'donor-e'];
  return {
    households: await householdsInRegion(manager, { regionPrefix: REGION.county }, ALL),
    gifts: await Promise.all(donors.map((donorId) => giftsOfDonor(manager, donorId, {}, ALL))),
    traces: await Promise.all(['gift-1', 'gift-2', 'gift-3', 'gift-4', 'gift-5'].map((giftId) => giftTrace(manager, giftId))),
    insurer: await insurerView(manager, INSURER, '2024-10-01'),
    dashboard: await dashboard(manager, REGION.county),
    public: await publicView(manager),
    balances: await accountBalances(manager, {}, ALL),
    ledgerTotal: await ledgerTotal(manager),
  };
}

describe('ProjectionRunner', () => {
  let story: ProjectedStory;
  beforeEach(async () => {
    story = await projectedStory();
  });
  afterEach(() => story.close());

  it('brings every projection to the head of the log', async () => {
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys));
    const head = BigInt(storyEvents.length);
    expect(await runner.lag()).toEqual(allProjections(storyHouseholdKeys).map(({ name }) => ({ name, checkpoint: head, head, behind: 0n })));
  });

  it('changes nothing when the same events are delivered again', async () => {
    const before = await everything(story.dataSource.manager);
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys));
    for (const event of story.events) await runner.handle(event);
    await runner.handle(story.events[20]);
    expect(await everything(story.dataSource.manager)).toEqual(before);
  });

  it('feeds a projection that is behind from its own checkpoint while the others skip what they have', async () => {
    const before = await everything(story.dataSource.manager);
    await story.dataSource.transaction(async (tx) => {
      await tx.clear(LedgerEntryRow);
      await tx.clear(LedgerPostingRow);
      await tx.clear(LedgerPostingGiftRow);
      await tx.clear(LedgerTotalRow);
      await tx.delete(ProjectionCheckpoint, { name: 'ledger' });
    });
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys));
    expect((await runner.lag()).find(({ name }) => name === 'ledger')).toMatchObject({ checkpoint: 0n, behind: BigInt(storyEvents.length) });

    await runner.start();
    await runner.caughtUpTo(await story.store.headPosition());
    await runner.stop();
    expect(await everything(story.dataSource.manager)).toEqual(before);
  });

  it('follows new appends live', async () => {
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys), { retryDelayMs: 1 });
    await runner.start();
    const [registered] = recordedEvents([
      {
        type: 'HouseholdRegistered',
        data: {
          householdId: 'hh-6',
          householdCode: 'HH-440305002001-FFFF',
          villageCode: REGION.village21,
          registeredBy: REGION.county,
          category: 'disaster-affected',
          size: 6,
          personal: sealPersonalData({ headName: 'Head of hh-6', headNationalId: 'ID-hh-6', members: [], address: 'Road 2' }, storyHouseholdKey('hh-6'), 'hh-6'),
          registeredAt: '2024-09-01T00:00:00.000Z',
        },
      },
    ]);
    const { lastPosition } = await story.store.append(registered.streamId, 'no-stream', [{ ...registered, eventId: 'event-live' }]);
    await runner.caughtUpTo(lastPosition);
    await runner.stop();
    expect(await findHousehold(story.dataSource.manager, 'hh-6')).toMatchObject({ householdCode: 'HH-440305002001-FFFF', eligible: false });
    expect((await householdsInRegion(story.dataSource.manager, { regionPrefix: REGION.village21 }, ALL)).items.find((household) => household.householdId === 'hh-6')?.personal).toMatchObject({ headName: 'Head of hh-6' });
    expect((await dashboard(story.dataSource.manager, REGION.village21)).registered).toBe(3);
  });

  it('applies a catch-up in batches of the pages the subscription read, reading no event twice', async () => {
    await resetProjections(story.dataSource);
    const batches: bigint[][] = [];
    const recording: Projection = {
      name: 'recording',
      apply: (event) => Promise.resolve(void batches.push([event.position])),
      applyBatch: (events) => Promise.resolve(void batches.push(events.map(({ position }) => position))),
    };
    const readAll = jest.spyOn(story.store, 'readAll');
    const runner = new ProjectionRunner(story.store, story.dataSource, [recording], { batchSize: 10 });
    await runner.start();
    await runner.caughtUpTo(await story.store.headPosition());
    await runner.stop();

    expect(readAll).not.toHaveBeenCalled();
    expect(batches.flat()).toEqual(story.events.map(({ position }) => position));
    expect(batches.slice(0, -1).every((batch) => batch.length === 10)).toBe(true);
  });

  it('rebuilds the same read models after a reset', async () => {
    const before = await everything(story.dataSource.manager);
    await resetProjections(story.dataSource);
    for (const entity of readModelEntities) expect(await story.dataSource.manager.count(entity)).toBe(0);

    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys));
    await runner.start();
    await runner.caughtUpTo(await story.store.headPosition());
    await runner.stop();
    expect(await everything(story.dataSource.manager)).toEqual(before);
  });
});

describe('ProjectionRunner after a failure', () => {
  it('rolls back the failed effect with its checkpoint, so the retry applies it exactly once', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'pangolin-read-models-'));
    const store = SqliteEventStore.open(':memory:', { pollIntervalMs: 5 });
    const dataSource = await openReadDataSource({ type: 'sqlite', path: join(directory, 'read.db') });
    try {
      expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      await appendAll(store, recordedEvents(storyEvents));

      // Writes its change, then fails the first time it sees each allocation: as if the process died before commit.
      const donorView = new DonorViewProjection();
      const failedOnce = new Set<string>();
      const crashingDonorView: Projection = {
        name: donorView.name,
        async apply(event: RecordedEvent, tx: EntityManager) {
          await donorView.apply(event, tx);
          if (event.type === 'GiftAllocated' && !failedOnce.has(event.eventId)) {
            failedOnce.add(event.eventId);
            throw new Error('crash before commit');
          }
        },
      };
      const errors: unknown[] = [];
      const runner = new ProjectionRunner(store, dataSource, [crashingDonorView], { retryDelayMs: 1, onError: (error) => errors.push(error) });
      await runner.start();
      await runner.caughtUpTo(await store.headPosition());
      await runner.stop();

      expect(errors).toHaveLength(4);
      const gifts = (await giftsOfDonor(dataSource.manager, 'donor-b', {}, ALL)).items;
      expect(gifts.map((gift) => [gift.allocated.amount, gift.escrowBalance.amount])).toEqual([[10_000, 4_507]]);
      expect((await giftTrace(dataSource.manager, 'gift-2'))?.allocations.items).toHaveLength(2);
    } finally {
      await dataSource.destroy();
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
