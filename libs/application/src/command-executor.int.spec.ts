import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decider } from '@pangolin/domain';
import { EventStore, ForwardingEventStore, SqliteEventStore } from '@pangolin/event-store';
import { ActingContext, executeCommand, loadState } from './command-executor';

/** A stream recording which names were claimed; claiming one already claimed does nothing. */
type ClaimEvent = { type: 'Claimed'; data: { name: string } };
const claims: Decider<{ name: string }, Set<string>, ClaimEvent> = {
  decide: ({ name }, claimed) => (claimed.has(name) ? [] : [{ type: 'Claimed', data: { name } }]),
  evolve: (claimed, event) => claimed.add(event.data.name),
  initialState: () => new Set(),
};
const acting: ActingContext = { actor: 'test', correlationId: 'c', causationId: 'c' };

/** The store, counting reads of streams. */
class CountingReads extends ForwardingEventStore {
  reads = 0;

  override readStream(...args: Parameters<EventStore['readStream']>) {
    this.reads++;
    return super.readStream(...args);
  }
}

describe('executeCommand on a stream the caller has already loaded', () => {
  let directory: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'pangolin-command-loaded-'));
    store = SqliteEventStore.open(join(directory, 'events.sqlite'));
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('decides on what was loaded without reading the stream, and hands back the stream as it left it', async () => {
    await executeCommand(store, claims, 'claims-1', { name: 'a' }, acting);
    const loaded = await loadState(store, claims, 'claims-1');
    const counting = new CountingReads(store);

    const first = await executeCommand(counting, claims, 'claims-1', { name: 'b' }, acting, undefined, undefined, loaded);
    const second = await executeCommand(counting, claims, 'claims-1', { name: 'c' }, acting, undefined, undefined, first);

    expect(counting.reads).toBe(0);
    expect([...second.state]).toEqual(['a', 'b', 'c']);
    expect(second.revision).toBe(2);
    expect((await store.readStream('claims-1')).map((event) => event.data)).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  });

  it('decides again on the stream as it is when what was loaded is out of date', async () => {
    const stale = await loadState(store, claims, 'claims-1');
    await executeCommand(store, claims, 'claims-1', { name: 'a' }, acting);

    // On the stale state 'a' is unclaimed; on the stream as it is, claiming it again does nothing.
    const decided = await executeCommand(store, claims, 'claims-1', { name: 'a' }, acting, undefined, undefined, stale);

    expect(decided.events).toEqual([]);
    expect(decided.revision).toBe(0);
    expect(await store.readStream('claims-1')).toHaveLength(1);
  });
});
