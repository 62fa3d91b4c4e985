/**
 * The writer thread of a SqliteEventStore on a file (see SqliteEventStore: appends off the event
 * loop). Commits each group it is sent on its own connection and answers with the outcomes; the
 * errors made portable (an Error crossing threads loses its class).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppendRequest, openConnection, SqliteAppends, toPortable } from './sqlite-appends';

export interface WriterSettings {
  filename: string;
  busyTimeoutMs: number;
}

export type WriterRequest = { group: readonly AppendRequest[] } | { close: true };

const { filename, busyTimeoutMs } = workerData as WriterSettings;
const db = openConnection(filename, busyTimeoutMs);
const appends = new SqliteAppends(db);
const port = parentPort!;

port.on('message', (request: WriterRequest) => {
  if ('close' in request) {
    db.close();
    port.close();
    return;
  }
  try {
    const { outcomes, headBefore, headAfter } = appends.commit(request.group);
    port.postMessage({ commit: { headBefore, headAfter, outcomes: outcomes.map((outcome) => ('refused' in outcome ? { refused: toPortable(outcome.refused) } : outcome)) } });
  } catch (error) {
    port.postMessage({ failed: toPortable(error) });
  }
});
