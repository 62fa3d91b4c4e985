import { connectKurrentDb, EventStore, PostgresEventStore, SqliteEventStore } from '@pangolin/event-store';
import { redacted } from '@pangolin/read-models';
import { PangolinConfig } from '../config/configuration';

/** The event store adapter the configuration names. An unreachable server stops start-up with what, where and how to fix it. */
export async function openEventStore(config: PangolinConfig['eventStore'], { syncOffTheEventLoop = false }: { syncOffTheEventLoop?: boolean } = {}): Promise<EventStore> {
  if (config.kind === 'sqlite') return SqliteEventStore.open(config.path, { syncOffTheEventLoop });
  const server = config.kind === 'postgres' ? 'PostgreSQL' : 'KurrentDB';
  try {
    return config.kind === 'postgres' ? await PostgresEventStore.connect(config.url, { schema: config.schema, connectTimeoutMs: config.connectTimeoutMs, statementTimeoutMs: config.statementTimeoutMs }) : await connectKurrentDb(config.url);
  } catch (error) {
    throw new Error(
      `cannot reach the ${server} event store at ${redacted(config.url)} (EVENT_STORE_URL): ${error instanceof Error ? error.message || error.name : error}. ` +
        `Start ${server}, or correct EVENT_STORE_URL, or use EVENT_STORE=sqlite for the embedded store.`,
    );
  }
}
