import { DataSource } from 'typeorm';
import { SqliteEventStore } from '@pangolin/event-store';
import type { RecordedEvent } from '@pangolin/event-store';
import { openTestReadStore } from './test-read-store';
import type { DatabaseContents } from '../data-source';
import { allProjections } from '../registry';
import type { HouseholdKeys } from '../households/households.projection';
import { ProjectionRunner } from '../projection-runner';
import { appendAll, recordedEvents } from './recorded-events';
import { storyEvents, storyHouseholdKeys } from './story';

export interface ProjectedStory {
  store: SqliteEventStore;
  dataSource: DataSource;
  /** A test records store beside the views, when asked for (see projectedStory). */
  records: DataSource;
  events: RecordedEvent[];
  close(): Promise<void>;
}

/**
 * The story appended to an in-memory event store and projected into in-memory read models by the
 * runner. `records`: the contents of a records store to open beside them (@pangolin/records'
 * RECORDS_DATABASE, for tests that sign checkpoints), dropped with them.
 */
export async function projectedStory(options: { householdKeys?: HouseholdKeys; records?: DatabaseContents } = {}): Promise<ProjectedStory> {
  const { householdKeys = storyHouseholdKeys } = options;
  const store = SqliteEventStore.open(':memory:', { pollIntervalMs: 5 });
  const { dataSource, drop } = await openTestReadStore();
  const records = options.records ? await openTestReadStore(options.records) : undefined;
  const events = recordedEvents(storyEvents);
  await appendAll(store, events);
  const runner = new ProjectionRunner(store, dataSource, allProjections(householdKeys), { retryDelayMs: 1 });
  await runner.start();
  await runner.caughtUpTo(await store.headPosition());
  await runner.stop();
  return {
    store,
    dataSource,
    get records() {
      if (!records) throw new Error('this story was projected without a records store (projectedStory({ records }))');
      return records.dataSource;
    },
    events,
    close: async () => {
      await drop();
      await records?.drop();
      await store.close();
    },
  };
}
