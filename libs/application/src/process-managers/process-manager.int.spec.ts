import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NewEvent, RecordedEvent, SqliteEventStore } from '@pangolin/event-store';
import { CheckpointStore, DeadLetterStore, HANDLED_AT_ONCE, ProcessManager, ProcessManagerRunner } from './process-manager';

const EVENTS = 300;

/** Checkpoints in memory, each save taking a little while (as a database write does); the saves are recorded. */
class SlowCheckpoints implements CheckpointStore {
  readonly saves: { position: bigint; handled: number }[] = [];
  failNextSaves = 0;
  private position = 0n;

  async load(): Promise<bigint> {
    return this.position;
  }

  async save(_name: string, position: bigint, handled = 1): Promise<void> {
    // A timed pause, not a poll: the write's own duration.
    await sleep(2);
    if (this.failNextSaves > 0) {
      this.failNextSaves--;
      throw new Error('the read database is restarting');
    }
    this.position = position;
    this.saves.push({ position, handled });
  }
}

/** Waits (at most 5 s) until `condition` holds, checking every millisecond or so. */
async function waitUntil(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 5 s`);
    await sleep(1);
  }
}

/** Waits (at most 5 s) until the recorded saves reach `position`. */
const savedThrough = (checkpoints: SlowCheckpoints, position: bigint) => waitUntil(`the checkpoint at ${position}`, () => (checkpoints.saves.at(-1)?.position ?? 0n) >= position);

class RecordingProcess implements ProcessManager {
  readonly name = 'recording';
  readonly handled: bigint[] = [];

  async handle(event: RecordedEvent): Promise<void> {
    this.handled.push(event.position);
  }
}

const noDeadLetters: DeadLetterStore = {
  park: async ({ event }) => {
    throw new Error(`nothing should be parked, got event ${event.position}`);
  },
  unpark: async () => undefined,
};

const newEvent = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'Something',
  data: { i },
  metadata: { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
});

describe('process manager runner: checkpoint per batch of handled events', () => {
  let directory: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'pangolin-pm-checkpoint-'));
    store = SqliteEventStore.open(join(directory, 'events.sqlite'), { pollIntervalMs: 5 });
    for (let i = 0; i < EVENTS; i += 50) await store.append(`stream-${i}`, 'no-stream', Array.from({ length: 50 }, (_, j) => newEvent(i + j)));
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('handles every event once and in order, saving the checkpoint far less often than once per event', async () => {
    const checkpoints = new SlowCheckpoints();
    const process = new RecordingProcess();
    const runner = new ProcessManagerRunner(store, checkpoints, process, noDeadLetters);
    await runner.start();
    await runner.caughtUpTo(BigInt(EVENTS));
    // Caught up means handled (the effects are stored); the checkpoint follows, and a stop saves what is left.
    expect(process.handled).toHaveLength(EVENTS);
    await runner.stop();

    expect(process.handled).toEqual(Array.from({ length: EVENTS }, (_, i) => BigInt(i + 1)));
    expect(checkpoints.saves.at(-1)?.position).toBe(BigInt(EVENTS));
    expect(checkpoints.saves.reduce((sum, { handled }) => sum + handled, 0)).toBe(EVENTS);
    // Events are handled while a save is under way, so one save covers many of them.
    expect(checkpoints.saves.length).toBeLessThan(EVENTS / 5);
    expect(checkpoints.saves.map(({ position }) => position)).toEqual([...checkpoints.saves.map(({ position }) => position)].sort((a, b) => (a < b ? -1 : 1)));

    // Started again from its checkpoint, it is caught up at once.
    const again = new ProcessManagerRunner(store, checkpoints, new RecordingProcess(), noDeadLetters);
    await again.start();
    await again.caughtUpTo(BigInt(EVENTS));
    await again.stop();
  });

  it('reports a failed save and tries it again until it succeeds, also once every event is handled', async () => {
    const checkpoints = new SlowCheckpoints();
    checkpoints.failNextSaves = 2;
    const errors: unknown[] = [];
    const process = new RecordingProcess();
    const runner = new ProcessManagerRunner(store, checkpoints, process, noDeadLetters, { retryBackoffMs: 5, onError: (error) => errors.push(error) });
    await runner.start();
    await runner.caughtUpTo(BigInt(EVENTS));
    await savedThrough(checkpoints, BigInt(EVENTS));
    await runner.stop();

    expect(process.handled).toHaveLength(EVENTS);
    expect(checkpoints.saves.at(-1)?.position).toBe(BigInt(EVENTS));
    expect(checkpoints.saves.reduce((sum, { handled }) => sum + handled, 0)).toBe(EVENTS);
    expect(errors.map((error) => (error as Error).message)).toEqual(['the read database is restarting', 'the read database is restarting']);
  });

  it('is not reported stuck once it starts again after another process got past the event it failed on (a lease lost and retaken)', async () => {
    const checkpoints = new SlowCheckpoints();
    const failing: ProcessManager = {
      name: 'recording',
      async handle(event: RecordedEvent) {
        if (event.position === 10n) throw new Error('cannot handle this one yet');
      },
    };
    // Parking fails too, so the runner keeps failing on the event, as on one it must not skip.
    const refusingDeadLetters: DeadLetterStore = { park: async () => Promise.reject(new Error('the records store is away')), unpark: async () => undefined };
    const runner = new ProcessManagerRunner(store, checkpoints, failing, refusingDeadLetters, { retryBackoffMs: 1, maxAttempts: 2 });
    await runner.start();
    await waitUntil('the runner reporting the event it fails on', () => runner.stuck()?.position === 10n);
    await runner.stop();

    // Another process, holding the lease meanwhile, got past it; this one then starts again after it.
    await checkpoints.save('recording', BigInt(EVENTS));
    await runner.start();
    try {
      expect(runner.stuck()).toBeUndefined();
    } finally {
      await runner.stop();
    }
  });

  it('is caught up once the events are handled, without waiting for the checkpoint to be saved', async () => {
    // Saves are held back until released.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const heldSaves = new SlowCheckpoints();
    const held: CheckpointStore = {
      load: () => heldSaves.load(),
      save: async (name, position, handled) => {
        await released;
        await heldSaves.save(name, position, handled);
      },
    };
    const process = new RecordingProcess();
    const runner = new ProcessManagerRunner(store, held, process, noDeadLetters);
    await runner.start();
    const caughtUp = runner.caughtUpTo(BigInt(EVENTS)).then(() => 'caught up' as const);
    // The deadline's timer is unreferenced: it must not keep Jest alive once the test is over.
    expect(await Promise.race([caughtUp, sleep(3_000, 'timed out' as const, { ref: false })])).toBe('caught up');
    expect(heldSaves.saves).toEqual([]);
    release();
    await runner.stop();
    expect(heldSaves.saves.at(-1)?.position).toBe(BigInt(EVENTS));
  });
});

/** Keyed events ('Keyed', data.key) may go alongside each other; 'Alone' events may not. Records what ran at the same time as what. */
class OverlapRecordingProcess implements ProcessManager {
  readonly name = 'overlaps';
  readonly handled: bigint[] = [];
  readonly attempts = new Map<bigint, number>();
  readonly violations: string[] = [];
  maxAtOnce = 0;
  /** Positions whose first attempt fails as a lost database connection would. */
  failOnce = new Set<bigint>();
  /** Each handling waits for this before it finishes. */
  gate: Promise<void> = Promise.resolve();
  private readonly active = new Map<bigint, RecordedEvent>();

  concurrencyKey(event: RecordedEvent): string | undefined {
    return event.type === 'Keyed' ? (event.data as { key: string }).key : undefined;
  }

  async handle(event: RecordedEvent): Promise<void> {
    this.attempts.set(event.position, (this.attempts.get(event.position) ?? 0) + 1);
    for (const other of this.active.values()) {
      if (event.type === 'Alone' || other.type === 'Alone') this.violations.push(`${event.position} ran alongside ${other.position}, one of them alone`);
      else if (this.concurrencyKey(event) === this.concurrencyKey(other)) this.violations.push(`${event.position} ran alongside ${other.position}, same key`);
    }
    this.active.set(event.position, event);
    this.maxAtOnce = Math.max(this.maxAtOnce, this.active.size);
    try {
      await this.gate;
      // A timed pause, not a poll: the handling's own duration, so that handlings overlap.
      await sleep(1);
      if (this.failOnce.delete(event.position)) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      this.handled.push(event.position);
    } finally {
      this.active.delete(event.position);
    }
  }
}

describe('process manager runner: events handled alongside each other', () => {
  let directory: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'pangolin-pm-concurrent-'));
    store = SqliteEventStore.open(join(directory, 'events.sqlite'), { pollIntervalMs: 5 });
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const append = (events: { type: string; key?: string }[]) =>
    store.append(`stream-${randomUUID()}`, 'no-stream', events.map(({ type, key }, i) => ({ ...newEvent(i), type, data: { key } })));

  it('handles a stretch of keyed events at once, one key at a time, and an unkeyed event alone', async () => {
    // 120 keyed events repeating 40 keys, one alone, then 179 keyed events with keys of their own: one page.
    await append(Array.from({ length: 120 }, (_, i) => ({ type: 'Keyed', key: `repeating-${i % 40}` })));
    await append([{ type: 'Alone' }]);
    await append(Array.from({ length: 179 }, (_, i) => ({ type: 'Keyed', key: `own-${i}` })));
    const checkpoints = new SlowCheckpoints();
    const process = new OverlapRecordingProcess();
    const runner = new ProcessManagerRunner(store, checkpoints, process, noDeadLetters);
    await runner.start();
    await runner.caughtUpTo(BigInt(EVENTS));
    await runner.stop();

    expect(process.violations).toEqual([]);
    expect([...process.handled].sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: EVENTS }, (_, i) => BigInt(i + 1)));
    expect(process.maxAtOnce).toBe(HANDLED_AT_ONCE);
    // The alone event came after every event before it, and before every event after it.
    const alone = process.handled.indexOf(121n);
    expect(process.handled.slice(0, alone).every((position) => position < 121n)).toBe(true);
    expect(checkpoints.saves.at(-1)?.position).toBe(BigInt(EVENTS));
  });

  it('retries an event of a stretch that failed for want of its database, and handles every other event once', async () => {
    await append(Array.from({ length: EVENTS }, (_, i) => ({ type: 'Keyed', key: `own-${i}` })));
    const process = new OverlapRecordingProcess();
    process.failOnce.add(10n);
    const errors: unknown[] = [];
    const runner = new ProcessManagerRunner(store, new SlowCheckpoints(), process, noDeadLetters, { onError: (error) => errors.push(error) });
    await runner.start();
    await runner.caughtUpTo(BigInt(EVENTS));
    await runner.stop();

    // Reported by the runner's attempt and by the subscription that delivers the event again.
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => (error as Error).message === 'connect ECONNREFUSED 127.0.0.1:5432')).toBe(true);
    expect(process.attempts.get(10n)).toBe(2);
    expect([...process.attempts.entries()].filter(([position, attempts]) => position !== 10n && attempts !== 1)).toEqual([]);
    expect([...process.handled].sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: EVENTS }, (_, i) => BigInt(i + 1)));
  });

  it('stops only once the handlings it started ahead have finished', async () => {
    await append(Array.from({ length: EVENTS }, (_, i) => ({ type: 'Keyed', key: `own-${i}` })));
    const process = new OverlapRecordingProcess();
    let release!: () => void;
    process.gate = new Promise<void>((resolve) => (release = resolve));
    const runner = new ProcessManagerRunner(store, new SlowCheckpoints(), process, noDeadLetters);
    await runner.start();
    await waitUntil(`${HANDLED_AT_ONCE} handlings started`, () => process.attempts.size >= HANDLED_AT_ONCE);
    let handledWhenStopped: number | undefined;
    const stopped = runner.stop().then(() => (handledWhenStopped = process.handled.length));
    release();
    await stopped;
    // Every handling started had finished when stop() resolved, and none started after.
    // A timed pause, not a poll: room for a handling that would wrongly start after the stop.
    await sleep(20);
    expect(process.handled.length).toBe(handledWhenStopped);
    expect(process.attempts.size).toBe(handledWhenStopped);
  });
});
