import { EventStore, KurrentDbEventStore, PostgresEventStore, SqliteEventStore } from '@pangolin/event-store';
import { PangolinConfig } from '../config/configuration';

/** The event store adapter the configuration names. Server stores are checked for reachability here. */
export async function openEventStore(config: PangolinConfig['eventStore']): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite':
      return SqliteEventStore.open(config.path);
    case 'postgres':
      return PostgresEventStore.connect(config.url, { schema: config.schema });
    case 'kurrentdb':
      return KurrentDbEventStore.connect(config.url);
  }
}
