import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_BACKOFF_MS, EventStore, isDatabaseUnavailable, RecordedEvent, StuckTracker, StuckWorker, Subscription } from '@pangolin/event-store';

/**
 * A process manager reacts to events by issuing commands (appends to other streams).
 * Its effects live in the event store, not in the read database, so its checkpoint cannot be
 * committed in the same transaction as its effect. Instead every effect it causes is idempotent
 * (deciders return [] for a command already applied, and event ids are derived from the
 * triggering event), and the checkpoint is saved after the effects, per batch of handled events
 * (see BatchedCheckpoint): a crash in between re-runs the handlers since the last save, which then
 * find nothing left to do. For the same reason a command's answer need not wait for the save: once
 * its event is handled, its effects are in the log, and a crash cannot undo them.
 */
/** Saves of a process manager's checkpoint are at least this far apart (so under load a save covers many events). */
export const DEFAULT_MIN_SAVE_INTERVAL_MS = 25;

/** Events of one page of the log a runner handles at the same time, at most (see ProcessManager.concurrencyKey). */
export const HANDLED_AT_ONCE = 64;

export interface ProcessManager {
  readonly name: string;
  handle(event: RecordedEvent): Promise<void>;
  /**
   * Optional. What handling `event` reads and changes, named so that two events with different keys
   * can be handled in either order, or at the same time, with the same result (e.g. each writes one
   * policy's stream and reads nothing another writes); an event the process does nothing with may get
   * a key of its own. Undefined: `event` is handled alone, after every event before it and before
   * any after it. The runner handles a stretch of consecutive keyed events of a page of the log,
   * all keys different, up to HANDLED_AT_ONCE at a time, so that their appends share commits.
   */
  concurrencyKey?(event: RecordedEvent): string | undefined;
}

export interface CheckpointStore {
  load(name: string): Promise<bigint>;
  /** `handled`: how many events this save covers since the previous one (for metrics). */
  save(name: string, position: bigint, handled?: number): Promise<void>;
}

/** An event a worker gave up on after its attempts. */
export interface WorkerFailure {
  worker: string;
  event: RecordedEvent;
  error: unknown;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

/** Where events a process manager cannot handle are parked (dead letters), and removed once replayed. */
export interface DeadLetterStore {
  park(failure: WorkerFailure): Promise<void>;
  unpark(worker: string, position: bigint): Promise<void>;
}

export interface ProcessManagerRunnerOptions {
  /** Told of every failed attempt. */
  onError?: (error: unknown, event: RecordedEvent) => void;
  /** Attempts at one event before it is parked (default 3). */
  maxAttempts?: number;
  /** Wait before the second attempt, doubled before each further one (default 100 ms). */
  retryBackoffMs?: number;
  /** Told when an event is parked. */
  onParked?: (worker: string, event: RecordedEvent, error: unknown) => void;
}

/**
 * Feeds the log to a process manager. An event it cannot handle is tried `maxAttempts` times with
 * a small backoff, then parked in `deadLetters` with its reason, and the process moves on. An
 * event store that does not answer at that moment is an outage, not a poison event: nothing is
 * parked, and the subscription delivers the event again later.
 */
export class ProcessManagerRunner {
  private subscription?: Subscription;
  private checkpoint?: BatchedCheckpoint;
  private readonly tracker = new StuckTracker();
  /** Events handled ahead of their delivery (see handleAhead), by position: what their delivery waits for. */
  private readonly ahead = new Map<bigint, () => Promise<void>>();
  /** Every handling started ahead and not finished: stop() waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly manager: ProcessManager,
    private readonly deadLetters: DeadLetterStore,
    private readonly options: ProcessManagerRunnerOptions = {},
  ) {}

  get name(): string {
    return this.manager.name;
  }

  async start(): Promise<void> {
    const from = await this.checkpoints.load(this.manager.name);
    this.stopping = false;
    this.tracker.started();
    const checkpoint = new BatchedCheckpoint(this.checkpoints, this.manager.name, this.options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS, this.options.onError);
    this.checkpoint = checkpoint;
    this.subscription = this.store.subscribe(
      from,
      async (event, read) => {
        try {
          await this.handleDelivered(event, read);
          checkpoint.handled(event);
          this.tracker.progressed();
        } catch (error) {
          this.tracker.failed(this.manager.name, event, error);
          throw error;
        }
      },
      { onError: this.options.onError },
    );
  }

  /**
   * Resolves once the events through `position` are handled: their effects are appended (the
   * checkpoint may be saved past them later; see BatchedCheckpoint).
   */
  async caughtUpTo(position: bigint): Promise<void> {
    if (!this.subscription) throw new Error(`process manager ${this.manager.name} is not running`);
    await this.subscription.caughtUpTo(position);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
    this.subscription = undefined;
    // Handled ahead but never delivered: their effects are stored (or not), and the checkpoint is
    // before them, so a restart handles them again, which finds nothing left to do.
    await Promise.allSettled(this.inFlight);
    this.ahead.clear();
    await this.checkpoint?.stop();
    this.checkpoint = undefined;
  }

  /** The event this process keeps failing on here, if any. */
  stuck(): StuckWorker | undefined {
    return this.tracker.stuck;
  }

  /** Handles a parked event again (after a fix) and, if that works, removes its record. Throws what the process throws. */
  async replay(event: RecordedEvent): Promise<void> {
    await this.manager.handle(event);
    await this.deadLetters.unpark(this.manager.name, event.position);
  }

  /** Handles a delivered event: waits for it if it was handled ahead, or handles it, with the stretch of the page after it that may go alongside. */
  private handleDelivered(event: RecordedEvent, read: readonly RecordedEvent[] | undefined): Promise<void> {
    const early = this.ahead.get(event.position);
    if (early) {
      this.ahead.delete(event.position);
      return early();
    }
    const stretch = this.independentStretch(event, read);
    if (stretch.length <= 1) return this.handleOrPark(event);
    this.handleAhead(stretch);
    return this.handleDelivered(event, read);
  }

  /** `event` and the events after it in `read` that may be handled with it: keyed, keys all different, none handled ahead already. */
  private independentStretch(event: RecordedEvent, read: readonly RecordedEvent[] | undefined): RecordedEvent[] {
    const keyOf = this.manager.concurrencyKey?.bind(this.manager);
    if (!keyOf || !read || keyOf(event) === undefined) return [event];
    const stretch: RecordedEvent[] = [];
    const keys = new Set<string>();
    for (let index = read.findIndex((candidate) => candidate.position === event.position); index >= 0 && index < read.length; index++) {
      const next = read[index]!;
      const key = keyOf(next);
      if (key === undefined || keys.has(key) || this.ahead.has(next.position)) break;
      keys.add(key);
      stretch.push(next);
    }
    return stretch.length > 0 ? stretch : [event];
  }

  /**
   * Starts handling `events`, HANDLED_AT_ONCE at a time; each event's delivery waits for its
   * handling, or starts it if none has. After a failure (or once stopping) no more are started
   * ahead: the subscription retries the failed event first, and the later ones are handled as they
   * are delivered.
   */
  private handleAhead(events: readonly RecordedEvent[]): void {
    const handlings: (Promise<void> | undefined)[] = new Array(events.length);
    const start = (index: number) => (handlings[index] ??= this.handleOrPark(events[index]!));
    events.forEach((event, index) => this.ahead.set(event.position, () => start(index)));
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && !this.stopping && next < events.length) {
        const index = next++;
        try {
          // Its delivery awaits the same promise and sees the failure.
          await start(index);
        } catch {
          failed = true;
        }
      }
    };
    const workers = Promise.all(Array.from({ length: Math.min(HANDLED_AT_ONCE, events.length) }, worker));
    this.inFlight.add(workers);
    void workers.finally(() => this.inFlight.delete(workers));
  }

  private async handleOrPark(event: RecordedEvent): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const backoffMs = this.options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
    const firstFailedAt = new Date().toISOString();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.manager.handle(event);
      } catch (error) {
        this.options.onError?.(error, event);
        // A database that went away (event store or read database) is no fault of the event: the
        // subscription delivers it again later, and it is never parked for that.
        if (isDatabaseUnavailable(error)) throw error;
        if (attempt < maxAttempts) {
          await sleep(backoffMs * 2 ** (attempt - 1));
          continue;
        }
        // Throws if the event store does not answer: then the failure says nothing about the event.
        await this.store.headPosition();
        await this.deadLetters.park({ worker: this.manager.name, event, error, attempts: attempt, firstFailedAt, lastFailedAt: new Date().toISOString() });
        this.options.onParked?.(this.manager.name, event, error);
        return;
      }
    }
  }
}

/**
 * A process manager's checkpoint, saved per batch of handled events rather than after each one:
 * one save at a time, at most one every `minSaveIntervalMs` (each is a commit, an fsync, of the
 * read database), and every event handled meanwhile is covered by the next save. Safe
 * because the process manager's effects are idempotent: a crash before a save re-handles the events
 * since the previous one, which find nothing left to do. A failed save is reported and tried again
 * after `retryDelayMs` (doubling, up to 5 s) until it succeeds or the checkpoint is stopped.
 */
export class BatchedCheckpoint {
  private handledThrough: RecordedEvent | undefined;
  private unsaved = 0;
  private saving: Promise<void> | undefined;
  private stopping = false;
  private lastSaveStartedAt = 0;

  constructor(
    private readonly store: CheckpointStore,
    private readonly name: string,
    private readonly retryDelayMs: number,
    private readonly onError: (error: unknown, lastHandled: RecordedEvent) => void = () => undefined,
    private readonly minSaveIntervalMs = DEFAULT_MIN_SAVE_INTERVAL_MS,
  ) {}

  /** `event` and every event before it are handled: saved with the next save (started now if none is under way). */
  handled(event: RecordedEvent): void {
    this.handledThrough = event;
    this.unsaved++;
    this.saving ??= this.saveWhileUnsaved();
  }

  /** Waits for the save under way and what it has left to save; a save that fails from now on is not tried again. */
  async stop(): Promise<void> {
    this.stopping = true;
    while (this.saving) await this.saving;
  }

  private async saveWhileUnsaved(): Promise<void> {
    let delayMs = this.retryDelayMs;
    try {
      while (this.unsaved > 0 && this.handledThrough) {
        // At most one save per interval: the events handled meanwhile join it (a stop saves at once).
        const wait = this.lastSaveStartedAt + this.minSaveIntervalMs - Date.now();
        // Unreferenced: a pending save never keeps a finished process alive (stop() saves at once).
        if (wait > 0 && !this.stopping) await sleep(wait, undefined, { ref: false });
        const [event, handled] = [this.handledThrough, this.unsaved];
        this.unsaved = 0;
        this.lastSaveStartedAt = Date.now();
        try {
          await this.store.save(this.name, event.position, handled);
          delayMs = this.retryDelayMs;
        } catch (error) {
          this.unsaved += handled;
          this.onError(error, event);
          // Stopped: the checkpoint stays behind, which is safe (see above).
          if (this.stopping) return;
          await sleep(delayMs, undefined, { ref: false });
          delayMs = Math.min(delayMs * 2, 5_000);
        }
      }
    } finally {
      this.saving = undefined;
    }
  }
}
