import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAfterEach, eventStoreContract, newEvent } from '../contract';
import { AppendResult, DuplicateEventId, RecordedEvent, WrongExpectedRevision } from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'pangolin-event-store-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const newDatabaseFile = () => join(directory, `${randomUUID()}.sqlite`);

eventStoreContract('SqliteEventStore on a file', () => SqliteEventStore.open(newDatabaseFile(), { pollIntervalMs: 20 }));

eventStoreContract('SqliteEventStore on a file, syncing its WAL off the event loop', () =>
  SqliteEventStore.open(newDatabaseFile(), { pollIntervalMs: 20, syncOffTheEventLoop: true }),
);

eventStoreContract('SqliteEventStore in memory', () => SqliteEventStore.open(':memory:'));

describe('SqliteEventStore', () => {
  const closing = closeAfterEach();
  const open = (file: string) => closing(SqliteEventStore.open(file, { pollIntervalMs: 20 }));

  it('creates the schema on open, once, in WAL mode', async () => {
    const file = newDatabaseFile();
    expect(await open(file).headPosition()).toBe(0n);
    await open(file).append('stream', 'no-stream', [newEvent()]);

    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM schema_version').pluck().all()).toEqual([1]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('refuses a file written with another schema version', async () => {
    const file = newDatabaseFile();
    await open(file).close();
    const db = new Database(file);
    db.prepare('UPDATE schema_version SET version = 2').run();
    db.close();

    expect(() => open(file)).toThrow(/schema version 2/);
  });

  it('keeps events across close and reopen', async () => {
    const file = newDatabaseFile();
    const writer = open(file);
    await writer.append('account-1', 'no-stream', [newEvent(), newEvent()]);
    const written = await writer.readAll();
    await writer.close();

    const reopened = open(file);
    expect(await reopened.readAll()).toEqual(written);
    expect((await reopened.append('account-1', 1, [newEvent()])).lastPosition).toBe(3n);
  });

  it('wakes its own subscriptions on append, without waiting for the next poll', async () => {
    // With an hour between polls, only the in-process wake-up can deliver the event before jest's timeout.
    const store = closing(SqliteEventStore.open(':memory:', { pollIntervalMs: 3_600_000 }));
    const delivered: RecordedEvent[] = [];
    const subscription = store.subscribe(0n, async (event) => {
      delivered.push(event);
    });
    await subscription.caughtUpTo(0n);

    const { lastPosition } = await store.append('stream', 'no-stream', [newEvent()]);
    await subscription.caughtUpTo(lastPosition);

    expect(delivered.map((event) => event.position)).toEqual([1n]);
  });

  it('stops its subscriptions on close', async () => {
    const store = open(newDatabaseFile());
    const subscription = store.subscribe(0n, async () => {});

    await store.close();

    await expect(subscription.caughtUpTo(1n)).rejects.toThrow(/stopped/);
    expect(() => store.subscribe(0n, async () => {})).toThrow(/closed/);
  });

  describe('group commit', () => {
    it('checks each append of a group on its own: the refused ones fail alone, the others are stored in order', async () => {
      const store = open(newDatabaseFile());
      await store.append('taken', 'no-stream', [newEvent()]);
      const reused = newEvent();
      await store.append('holder', 'no-stream', [reused]);

      // Made in one turn of the event loop, so committed as one group.
      const outcomes = await Promise.allSettled([
        store.append('a', 'no-stream', [newEvent()]),
        store.append('taken', 'no-stream', [newEvent()]),
        store.append('b', 'no-stream', [newEvent(), newEvent()]),
        store.append('c', 'no-stream', [reused]),
        store.append('a', 0, [newEvent()]),
        store.append('a', 0, [newEvent()]),
      ]);

      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
      expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventId);
      expect((outcomes[5] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
      const stored = await store.readAll({ after: 2n });
      expect(stored.map(({ streamId, revision, position }) => [streamId, revision, position])).toEqual([
        ['a', 0, 3n],
        ['b', 0, 4n],
        ['b', 1, 5n],
        ['a', 1, 6n],
      ]);
      expect((outcomes[4] as PromiseFulfilledResult<AppendResult>).value).toEqual({ nextRevision: 1, lastPosition: 6n, alreadyStored: false });
    });

    it('replays a retry that comes in the same group as the original', async () => {
      const store = open(newDatabaseFile());
      const batch = [newEvent(), newEvent()];

      const [original, retry] = await Promise.all([store.append('s', 'no-stream', batch), store.append('s', 'no-stream', batch)]);

      expect(original).toEqual({ nextRevision: 1, lastPosition: 2n, alreadyStored: false });
      expect(retry).toEqual({ nextRevision: 1, lastPosition: 2n, alreadyStored: true });
    });

    it('writes the appends made together in one commit, and acknowledges them once it is done', async () => {
      const file = newDatabaseFile();
      const writer = open(file);
      const reader = open(file);
      await writer.append('first', 'no-stream', [newEvent()]);
      const walBefore = statSync(`${file}-wal`).size;

      const results = await Promise.all(Array.from({ length: 20 }, (_, n) => writer.append(`stream-${n}`, 'no-stream', [newEvent()])));

      // A commit appends a frame to the WAL for each page it changed (here a few: the table, its indexes,
      // the sequence); 20 commits, one per append, would write at least 20 frames.
      const raw = new Database(file, { readonly: true });
      const frameSize = 24 + Number(raw.pragma('page_size', { simple: true }));
      raw.close();
      expect((statSync(`${file}-wal`).size - walBefore) / frameSize).toBeLessThan(10);
      expect(await reader.headPosition()).toBe(21n);
      expect(results.map((result) => result.lastPosition).sort((a, b) => Number(a - b))).toEqual(Array.from({ length: 20 }, (_, n) => BigInt(n + 2)));
    });

    it('syncing off the event loop: acknowledges an append, and hands it to readers of the log, only once the WAL is synced', async () => {
      const file = newDatabaseFile();
      const store = closing(SqliteEventStore.open(file, { pollIntervalMs: 60_000, syncOffTheEventLoop: true }));
      const seen: bigint[] = [];
      const subscription = store.subscribe(0n, async (event) => void seen.push(event.position));
      let acknowledged = false;
      const appended = store.append('synced', 'no-stream', [newEvent()]).then((result) => ((acknowledged = true), result));
      // The group commit runs on this turn's setImmediate; the sync's completion comes no sooner than the next turn's I/O.
      await new Promise((resolve) => setImmediate(resolve));
      expect(await store.headPosition()).toBe(1n);
      expect(await store.readAll()).toEqual([]);
      expect(acknowledged).toBe(false);
      expect(await appended).toMatchObject({ lastPosition: 1n });
      expect((await store.readAll()).map((event) => event.position)).toEqual([1n]);

      const results = await Promise.all(Array.from({ length: 10 }, (_, n) => store.append(`synced-${n}`, 'no-stream', [newEvent()])));
      expect(results.map((result) => result.lastPosition).sort((a, b) => Number(a - b))).toEqual(Array.from({ length: 10 }, (_, n) => BigInt(n + 2)));
      await subscription.caughtUpTo(11n);
      expect(seen).toEqual(Array.from({ length: 11 }, (_, n) => BigInt(n + 1)));
      await subscription.stop();
      expect(await open(file).headPosition()).toBe(11n);
    });

    it('commits the appends still waiting when it is closed', async () => {
      const file = newDatabaseFile();
      const store = SqliteEventStore.open(file);
      const appended = store.append('s', 'no-stream', [newEvent()]);
      await store.close();

      expect(await appended).toMatchObject({ lastPosition: 1n });
      expect(await open(file).headPosition()).toBe(1n);
    });
  });

  it('lets a subscription that gathers read the appends made in reaction to a commit together with it', async () => {
    // No polling: only the appends wake the subscriptions, so each read follows a commit.
    const store = closing(SqliteEventStore.open(newDatabaseFile(), { pollIntervalMs: 60_000 }));
    const pageSizes = (gatherPendingAppends: boolean) => {
      const sizes: number[] = [];
      const subscription = store.subscribe(0n, async (event, read) => {
        if (read?.[0] === event) sizes.push(read.length);
      }, { gatherPendingAppends });
      return { sizes, subscription };
    };
    const gathering = pageSizes(true);
    const plain = pageSizes(false);
    // Both caught up and waiting for the next append.
    await store.append('order-0', 'no-stream', [newEvent()]);
    await Promise.all([gathering.subscription.caughtUpTo(1n), plain.subscription.caughtUpTo(1n)]);
    // A timed pause, not a poll: time for their next reads to find nothing and pause (a read under way would take order-1 alone).
    await new Promise((resolve) => setTimeout(resolve, 50));

    await store.append('order-1', 'no-stream', [newEvent()]).then(() => store.append('order-2', 'no-stream', [newEvent()]));
    await Promise.all([gathering.subscription.caughtUpTo(3n), plain.subscription.caughtUpTo(3n)]);
    expect(gathering.sizes.slice(1)).toEqual([2]);
    expect(plain.sizes.slice(1)).toEqual([1, 1]);
  });

  it('gives every subscription the events from one read, including events another connection appended', async () => {
    const file = newDatabaseFile();
    const writer = open(file);
    const store = open(file);
    await store.append('own', 'no-stream', [newEvent()]);
    await writer.append('other', 'no-stream', [newEvent(), newEvent()]);
    await store.append('own', 0, [newEvent()]);
    const deliveries = [[], [], []].map((delivered: RecordedEvent[]) => ({
      delivered,
      subscription: store.subscribe(0n, async (event) => {
        delivered.push(event);
      }),
    }));
    await Promise.all(deliveries.map(({ subscription }) => subscription.caughtUpTo(4n)));

    const all = await writer.readAll();
    expect(all.map((event) => [event.streamId, event.position])).toEqual([['own', 1n], ['other', 2n], ['other', 3n], ['own', 4n]]);
    for (const { delivered } of deliveries) expect(delivered).toEqual(all);
    expect(await store.readAll({ after: 1n, limit: 2 })).toEqual(all.slice(1, 3));
  });

  describe('two connections on one file', () => {
    it("delivers one connection's appends to the other's subscription, by polling", async () => {
      const file = newDatabaseFile();
      const writer = open(file);
      const reader = open(file);
      const delivered: RecordedEvent[] = [];
      const subscription = reader.subscribe(0n, async (event) => {
        delivered.push(event);
      });

      await writer.append('order-1', 'no-stream', [newEvent(), newEvent()]);
      await writer.append('order-2', 'no-stream', [newEvent()]);
      await subscription.caughtUpTo(await writer.headPosition());

      expect(delivered).toEqual(await writer.readAll());
    });

    it("checks expected revisions and replays against the other connection's writes", async () => {
      const file = newDatabaseFile();
      const first = open(file);
      const second = open(file);
      const batch = [newEvent()];
      await first.append('order-1', 'no-stream', batch);

      await expect(second.append('order-1', 'no-stream', [newEvent()])).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(await second.append('order-1', 'no-stream', batch)).toMatchObject({ alreadyStored: true, lastPosition: 1n });
    });

    it("reads a stream it knows in memory afresh once the other connection has written to it", async () => {
      const file = newDatabaseFile();
      const first = open(file);
      const second = open(file);
      await first.append('order-1', 'no-stream', [newEvent()]);
      expect(await second.readStream('order-1')).toHaveLength(1);
      await second.append('order-1', 0, [newEvent()]);
      expect(await first.readStream('order-1')).toHaveLength(2);

      await first.append('order-1', 1, [newEvent()]);
      const read = await second.readStream('order-1');
      expect(read.map(({ revision }) => revision)).toEqual([0, 1, 2]);
      // Each reader gets its own array: changing it changes nothing stored.
      read.pop();
      expect(await second.readStream('order-1')).toEqual(await first.readStream('order-1'));
    });
  });

  /**
   * A child process appends through the real store, reporting each acknowledged event, and is killed
   * with SIGKILL mid-stream while this process appends to the same file. SIGKILL ends the process,
   * not the machine (the OS still writes out its page cache), so this shows that an acknowledged append
   * is committed rather than held by the process, that an interrupted transaction is rolled back on
   * reopen, and that two processes can write one file. Surviving power loss rests on synchronous=FULL,
   * which no test here can demonstrate.
   */
  it('keeps every acknowledged event when a writing process is killed', async () => {
    const file = newDatabaseFile();
    const child = spawn(process.execPath, ['-e', CHILD_WRITER, require.resolve('@swc/core'), require.resolve('./sqlite-event-store.ts'), file]);
    let output = '';
    let errors = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    /** Only complete lines: a line is printed after its append resolved. */
    const acknowledged = () => output.split('\n').slice(0, -1);
    const acknowledgedAtLeast = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (acknowledged().length < count) return;
          child.stdout.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        child.once('exit', () => reject(new Error(`the writer exited early: ${errors}`)));
        check();
      });

    await acknowledgedAtLeast(20);
    const store = open(file);
    const parentEvents = Array.from({ length: 20 }, () => newEvent());
    for (const [revision, event] of parentEvents.entries()) {
      await store.append('parent', revision === 0 ? 'no-stream' : revision - 1, [event]);
      // A timed pause, not a poll: gives the child's writes room to interleave with ours.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // The child's revision as stored now, not as printed so far: its output may lag behind.
    const [childLatest] = await store.readStream('child', { direction: 'backwards', limit: 1 });
    await acknowledgedAtLeast(childLatest.revision + 1 + 50);
    child.kill('SIGKILL');
    await exited;
    await store.close();

    const reopened = open(file);
    const childStream = await reopened.readStream('child');
    const acknowledgedIds = acknowledged();
    expect(childStream.length).toBeGreaterThanOrEqual(acknowledgedIds.length);
    expect(childStream.slice(0, acknowledgedIds.length).map((event) => event.eventId)).toEqual(acknowledgedIds);
    expect(childStream.map((event) => event.revision)).toEqual(childStream.map((_, index) => index));
    expect((await reopened.readStream('parent')).map((event) => event.eventId)).toEqual(parentEvents.map((event) => event.eventId));
    const head = await reopened.headPosition();
    expect((await reopened.readAll()).map((event) => event.position)).toEqual(Array.from({ length: Number(head) }, (_, index) => BigInt(index + 1)));
  }, 30_000);
});

/**
 * Runs in a plain `node -e`: loads the TypeScript store through @swc/core, then appends one event
 * at a time to stream "child", printing each event id once its append has resolved.
 * Arguments: the @swc/core module, the store module, the database file.
 */
const CHILD_WRITER = `
const fs = require('node:fs');
const [swcModule, storeModule, file] = process.argv.slice(1);
const { transformSync } = require(swcModule);
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
const { SqliteEventStore } = require(storeModule);
const store = SqliteEventStore.open(file);
const metadata = { actor: 'system:crash-test', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString(), schemaVersion: 1 };
(async () => {
  let expected = 'no-stream';
  for (let count = 0; count < 1000000; count++) {
    const eventId = 'child-' + count;
    ({ nextRevision: expected } = await store.append('child', expected, [{ eventId, type: 'Counted', data: { count }, metadata }]));
    fs.writeSync(1, eventId + '\\n');
  }
})();
`;
