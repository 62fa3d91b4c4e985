import { DataSource } from 'typeorm';
import { SqliteEventStore } from '@pangolin/event-store';
import type { RecordedEvent } from '@pangolin/event-store';
import { openTestReadStore } from './test-read-store';
import { allProjections } from '../registry';
import { ProjectionRunner } from '../projection-runner';
import { appendAll, recordedEvents } from './recorded-events';
import { storyEvents } from './story';

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
