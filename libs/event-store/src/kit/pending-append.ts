import { AppendResult, ExpectedRevision } from '../event-store.port';
import { SerializedEvent } from './serialization';

/** An append waiting for the next group its adapter writes together (one transaction, one commit). */
export interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: readonly SerializedEvent[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}
