import { DataSource } from 'typeorm';
import { SqliteEventStore } from '@pangolin/event-store';
import type { RecordedEvent } from '@pangolin/event-store';
import { openTestReadStore } from './test-read-store';
import { allProjections } from '../registry';
import { ProjectionRunner } from '../projection-runner';
import { appendAll, recordedEvents } from './recorded-events';
import { storyEvents, storyHouseholdKey } from './story';
import { HouseholdDataKeyRow } from '../personal-data/household-data-key.entity';

export interface ProjectedStory {
  store: SqliteEventStore;
  dataSource: DataSource;
  events: RecordedEvent[];
  close(): Promise<void>;
}

/** The story appended to an in-memory event store and projected into in-memory read models by the runner. */
export async function projectedStory(): Promise<ProjectedStory> {
  const store = SqliteEventStore.open(':memory:', { pollIntervalMs: 5 });
  const { dataSource, drop } = await openTestReadStore();
  await storeStoryKeys(dataSource);
  const events = recordedEvents(storyEvents);
  await appendAll(store, events);
  const runner = new ProjectionRunner(store, dataSource, allProjections(), { retryDelayMs: 1 });
  await runner.start();
  await runner.caughtUpTo(await store.headPosition());
  await runner.stop();
  return {
    store,
    dataSource,
    events,
    close: async () => {
      await drop();
      await store.close();
    },
  };
}

/** Puts the keys of the story's households into the read store's key vault, as the write side would have. */
export async function storeStoryKeys(dataSource: DataSource): Promise<void> {
  const householdIds = storyEvents.flatMap((event) => (event.type === 'HouseholdRegistered' ? [event.data.householdId] : []));
  const createdAt = '2023-12-01T09:00:00.000Z';
  await dataSource.getRepository(HouseholdDataKeyRow).insert(householdIds.map((householdId) => ({ householdId, key: storyHouseholdKey(householdId).toString('base64'), createdAt })));
}
