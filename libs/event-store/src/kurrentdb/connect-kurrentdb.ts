import type { EventStore } from '../event-store.port';

/**
 * Connects the KurrentDB adapter. Its client (gRPC, protobuf, OpenTelemetry: some 230 modules) is
 * loaded here, on first use, so that processes on the embedded or PostgreSQL store start without it.
 */
export async function connectKurrentDb(url: string): Promise<EventStore> {
  const { KurrentDbEventStore } = await import('./kurrentdb-event-store');
  return KurrentDbEventStore.connect(url);
}
