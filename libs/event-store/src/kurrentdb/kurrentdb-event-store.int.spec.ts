import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '../contract';
import { KurrentDbEventStore } from './kurrentdb-event-store';

/** No server is started here: these tests run only against one the environment names. */
const connectionString = process.env.KURRENTDB_CONNECTION_STRING;
if (!connectionString) {
  console.warn(
    'KurrentDB adapter tests SKIPPED: set KURRENTDB_CONNECTION_STRING (e.g. kurrentdb://127.0.0.1:2113?tls=false) to run them against a server',
  );
}

describe('KurrentDbEventStore without a server', () => {
  it('refuses to connect when nothing answers at the address', async () => {
    await expect(KurrentDbEventStore.connect('kurrentdb://127.0.0.1:1?tls=false&maxDiscoverAttempts=1')).rejects.toThrow();
  });
});

(connectionString ? describe : describe.skip)('KurrentDbEventStore (KurrentDB at KURRENTDB_CONNECTION_STRING)', () => {
  /** Every run works in streams of its own: the store sees only its prefix, in $all too. */
  const streamPrefix = `pangolin-test-${randomUUID()}/`;

  eventStoreContract(
    'KurrentDbEventStore',
    () => KurrentDbEventStore.connect(connectionString!, { streamPrefix, resubscribeDelayMs: 100 }),
    KurrentDbEventStore.capabilities,
  );
});
