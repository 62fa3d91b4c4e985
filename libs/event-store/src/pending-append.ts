import { AppendResult, ExpectedRevision } from './event-store.port';

/** An event as an adapter stores it: its payload and metadata already JSON text. */
export interface SerializedEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

/** An append waiting for the next group its adapter writes together (one transaction, one commit). */
export interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: readonly SerializedEvent[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}
