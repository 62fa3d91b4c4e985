import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_BACKOFF_MS, isDatabaseUnavailable, StuckTracker, type EventStore, type RecordedEvent, type StuckWorker, type Subscription } from '@pangolin/event-store';
import type { Projection } from './projection';
import { ProjectionCheckpoint } from './checkpoint.entity';
import { runRebuildableWrite, writeLockOf } from './write-lock';
import { parkEvent, unparkEvent } from './dead-letters/parked-events';
import { preparedQuery, quotedTable } from './shared/raw-sql';

export interface ProjectionLag {
  name: string;
  checkpoint: bigint;
  head: bigint;
  /** Events the projection still has to apply. */
  behind: bigint;
}

export interface ProjectionRunnerOptions {
  /** Wait before a failed event is delivered again (the store retries it). */
  retryDelayMs?: number;
  /** Told of every failed attempt, with the projection when one alone failed (the event is the batch's first when a whole batch failed). */
  onError?: (error: unknown, event: RecordedEvent, projection?: string) => void;
  /** Attempts at one (event, projection) pair before the event is parked for that projection (default 3). */
  maxAttempts?: number;
  /** Wait before the second attempt at a pair, doubled before each further one (default 100 ms). */
  retryBackoffMs?: number;
  /** Told when an event is parked for a projection. */
  onParked?: (projection: string, event: RecordedEvent, error: unknown) => void;
  /** Told after each event a projection applied and committed (not about events it skipped as already applied). */
  onApplied?: (projection: string, event: RecordedEvent) => void;
  /** At most this many events applied in one transaction (default 4,000; 1 applies each alone). */
  batchSize?: number;
}

/**
 * Every projection applies a batch set by set (a query per table to load what it touches, multi-row
 * upserts to write it back), so a batch costs little more than its rows, and the commit, the
 * checkpoints and the statements are paid per batch: measured (bench/projection-catch-up.bench.ts,
 * 12,000-24,000 events), SQLite catch-up went from ~8,400 events/s with batches of 100 to ~13,600
 * with 500 and ~16,300 with 1,000 (~16,100 with 2,000); PostgreSQL from ~1,650 to ~3,500 and ~6,300.
 * Once the statements were cheaper, the commits weighed more: on SQLite a batch rewrites every page
 * its rows touch, and rows keyed by ids land all over the tables, so a batch of 4,000 writes half
 * the bytes of four of 1,000 (47 MB against 100 MB for 24,000 events): 1.5x faster with the disk
 * busy, within the noise on a quieter machine (2026-12-06, bench/RESULTS.md). A live runner that is
 * caught up still applies each event as it comes (nothing has piled up).
 */
const DEFAULT_BATCH_SIZE = 4_000;

/** What a transaction applied: each projection with its events, in log order. */
type Applied = [Projection, readonly RecordedEvent[]][];

/**
 * Feeds the event log to projections. Each (event, projection) pair is applied in one transaction
 * that also advances that projection's checkpoint, so a crash or a redelivery never loses or
 * doubles an effect: an event at or below the committed checkpoint is skipped.
 *
 * Whatever has piled up is applied together, live as in a catch-up: the events already stored after
 * the one delivered are applied with it, up to `batchSize` in one transaction, each projection
 * handed the whole batch (`applyBatch`): a commit, the checkpoint writes and each projection's
 * statements are paid once per batch, not once per event. The subscription reads pages of
 * `batchSize` events and hands the runner each event's page, so a batch is the rest of the page,
 * read once; it then delivers those events too, and they are skipped without a query.
 *
 * No single event stops the projections. If a batch fails, its events are applied again one at a
 * time, and an event that still fails, one projection at a time, so only the failing (event,
 * projection) pair is held back. That pair is tried `maxAttempts` times with a small backoff, then
 * parked: a dead-letter record (ParkedEventRow) is written and that projection's checkpoint moves
 * past the event in the same transaction, while every other event and projection flows on. The
 * last attempt runs in a savepoint of the transaction that parks, so an event is parked only when
 * the read database demonstrably works (an outage fails the whole transaction, and the event is
 * retried later, not parked). A projection that must never skip an event (`neverSkips`: the Merkle
 * log's leaves are dense) is retried instead, for as long as it fails, and reported as stuck.
 */
export class ProjectionRunner {
  private subscription: Subscription | undefined;
  private subscribedAfter = 0n;
  /** Every projection here has committed everything up to this position (0n: not known). */
  private committedThrough = 0n;
  /** Callers of caughtUpTo told as soon as committedThrough reaches their position (see advanceTo). */
  private readonly committedWaiters = new Set<{ position: bigint; resolve: () => void }>();
  private readonly tracker = new StuckTracker();
  /** The pair that made the current delivery fail, if it was a projection that cannot skip. */
  private failing?: { worker: string; failedOn: RecordedEvent };

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    const names = new Set(projections.map((projection) => projection.name));
    if (names.size !== projections.length) throw new Error('projection names must be unique');
  }

  /** Subscribes from the lowest checkpoint, so the projection furthest behind gets every event it lacks. */
  async start(): Promise<void> {
    if (this.subscription) throw new Error('projection runner already started');
    this.tracker.started();
    const checkpoints = await Promise.all(this.projections.map((projection) => this.checkpointOf(this.dataSource.manager, projection.name)));
    this.subscribedAfter = checkpoints.reduce((lowest, position) => (position < lowest ? position : lowest), checkpoints[0] ?? 0n);
    this.committedThrough = this.subscribedAfter;
    const batchSize = this.batchSize();
    this.subscription = this.store.subscribe(this.subscribedAfter, (event, read) => this.handle(event, read), {
      retryDelayMs: this.options.retryDelayMs,
      onError: this.options.onError,
      // Pages as large as a batch: a batch is then the rest of the page, and no event is read twice.
      readBatchSize: batchSize > 1 ? batchSize : undefined,
      // A batch costs a commit however few events it holds: under load, take what is being appended with it.
      gatherPendingAppends: batchSize > 1,
    });
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
    this.committedWaiters.clear();
  }

  /**
   * Resolves once every projection has applied everything up to `position`: when the subscription
   * has delivered it, or earlier, when a batch that failed was applied event by event up to there
   * (the events before a failing one need not wait for its retries). Rejects if the subscription stops first.
   */
  async caughtUpTo(position: bigint): Promise<void> {
    if (!this.subscription) throw new Error('projection runner is not started');
    if (position <= this.subscribedAfter || position <= this.committedThrough) return;
    let waiter: { position: bigint; resolve: () => void } | undefined;
    const committed = new Promise<void>((resolve) => this.committedWaiters.add((waiter = { position, resolve })));
    try {
      await Promise.race([this.subscription.caughtUpTo(position), committed]);
    } finally {
      this.committedWaiters.delete(waiter!);
    }
  }

  /** Every projection has committed everything up to `position`: the callers of caughtUpTo waiting for it are told. */
  private committedUpTo(position: bigint): void {
    for (const waiter of this.committedWaiters) if (waiter.position <= position) waiter.resolve();
  }

  /**
   * Applies one event to every projection that has not seen it yet. Public so a caller that already
   * holds events (a rebuild, a test) can feed them without a subscription; redelivery is harmless.
   * `read`: the page of the log the event came in (see SubscriptionHandler); the events after it
   * there are applied with it. Without it, the events stored after it are read.
   */
  async handle(event: RecordedEvent, read?: readonly RecordedEvent[]): Promise<void> {
    if (event.position <= this.committedThrough) return;
    try {
      await this.applyFrom(event, read);
      this.tracker.progressed();
    } catch (error) {
      const { worker, failedOn } = this.failing ?? { worker: 'projections', failedOn: event };
      this.tracker.failed(worker, failedOn, error);
      throw error;
    } finally {
      this.failing = undefined;
    }
  }

  /** The event this runner keeps failing on, if any (cleared once it gets past it). */
  stuck(): StuckWorker | undefined {
    return this.tracker.stuck;
  }

  /**
   * Applies a parked event to its projection again (after a fix), in one transaction that also
   * removes its dead-letter record; the projection's checkpoint is already past it. Throws what the
   * projection throws, and then nothing changed.
   */
  async replay(projectionName: string, event: RecordedEvent): Promise<void> {
    const projection = this.projections.find(({ name }) => name === projectionName);
    if (!projection) throw new Error(`no projection is called ${projectionName}`);
    if (projection.neverSkips) throw new Error(`${projectionName} never parks an event, so it has none to replay`);
    await writeLockOf(this.dataSource).run(() =>
      this.dataSource.transaction(async (tx) => {
        await projection.apply(event, tx);
        await unparkEvent(tx, projection.name, event.position);
      }),
    );
    this.options.onApplied?.(projection.name, event);
  }

  private batchSize(): number {
    return this.options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  /** `event` and up to batchSize - 1 events after it: the rest of its page when given, else read from the store. */
  private async batchFrom(event: RecordedEvent, read: readonly RecordedEvent[] | undefined): Promise<RecordedEvent[]> {
    const batchSize = this.batchSize();
    if (batchSize <= 1) return [event];
    const at = read ? read.indexOf(event) : -1;
    if (at < 0) return [event, ...(await this.store.readAll({ after: event.position, limit: batchSize - 1 }))];
    return read!.slice(at, at + batchSize);
  }

  private async applyFrom(event: RecordedEvent, read: readonly RecordedEvent[] | undefined): Promise<void> {
    const batch = await this.batchFrom(event, read);
    const last = batch[batch.length - 1].position;
    let applied: Applied;
    try {
      applied = await this.applyTogether(batch);
    } catch (error) {
      this.options.onError?.(error, event);
      applied = [];
      for (const next of batch) {
        applied.push(...(await this.applyAlone(next, batch.length === 1)));
        // (committedThrough stays: a redelivery of the batch's first event must try the batch again.)
        this.committedUpTo(next.position);
      }
    }
    if (last > this.committedThrough) this.committedThrough = last;
    this.committedUpTo(last);
    const { onApplied } = this.options;
    if (onApplied) for (const [{ name }, events] of applied) for (const appliedEvent of events) onApplied(name, appliedEvent);
  }

  /**
   * Applies `batch` to every projection that has not seen its events, in one transaction for the
   * batch and all projections (not one per projection): the checkpoints advance with the effects,
   * atomically.
   */
  private applyTogether(batch: readonly RecordedEvent[]): Promise<Applied> {
    const projections = this.projections;
    const last = batch[batch.length - 1].position;
    // Rebuildable: a batch lost with its checkpoints to a power cut is applied again (see runRebuildableWrite).
    return runRebuildableWrite(this.dataSource, () =>
      this.dataSource.transaction(async (tx) => {
        const checkpoints = await committedCheckpoints(tx, projections.map(({ name }) => name));
        // Each projection's events of the batch (those after its checkpoint): what it applies, and what it applied.
        const appliedHere = new Map<Projection, RecordedEvent[]>();
        for (const next of batch) {
          for (const projection of projections) {
            if ((checkpoints.get(projection.name) ?? 0n) >= next.position) continue;
            if (!projection.applyBatch) await projection.apply(next, tx);
            const events = appliedHere.get(projection);
            if (events) events.push(next);
            else appliedHere.set(projection, [next]);
          }
        }
        for (const [projection, events] of appliedHere) if (projection.applyBatch) await projection.applyBatch(events, tx);
        const behind = projections.filter(({ name }) => (checkpoints.get(name) ?? 0n) < last).map(({ name }) => name);
        await advanceCheckpoints(tx, behind, checkpoints, last);
        return [...appliedHere];
      }),
    );
  }

  /**
   * One event, to every projection at once (unless that just failed); if that fails, to each
   * projection alone, side by side: their attempts take the write lock in turn, but their backoffs
   * run together, so an event several projections cannot apply holds the views up for one series
   * of retries, not one per projection (with the default backoff, seven failing projections waited
   * seven times 0.3 s). Throws the first projection's failure once every projection is done.
   */
  private async applyAlone(event: RecordedEvent, failedTogether: boolean): Promise<Applied> {
    if (!failedTogether) {
      try {
        return await this.applyTogether([event]);
      } catch (error) {
        this.options.onError?.(error, event);
      }
    }
    const outcomes = await Promise.allSettled(this.projections.map((projection) => this.applyToOne(projection, event)));
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return outcomes.flatMap((outcome) => (outcome as PromiseFulfilledResult<Applied>).value);
  }

  /** Tries one (event, projection) pair until it applies, or parks it after maxAttempts (never for a projection that must not skip). */
  private async applyToOne(projection: Projection, event: RecordedEvent): Promise<Applied> {
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const backoffMs = this.options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
    const firstFailedAt = new Date().toISOString();
    // The first attempt right away (the event failed with every projection at once, perhaps not because of this one), then with a backoff.
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      const mayPark = attempt >= maxAttempts && !projection.neverSkips;
      let failure: unknown;
      try {
        const outcome = await writeLockOf(this.dataSource).run(() =>
          this.dataSource.transaction(async (tx) => {
            const checkpoint = (await committedCheckpoints(tx, [projection.name])).get(projection.name);
            if ((checkpoint ?? 0n) >= event.position) return 'skipped';
            if (!mayPark) await projection.apply(event, tx);
            else {
              // In a savepoint: a failure of the projection leaves the transaction usable for parking.
              await tx.transaction((savepoint) => projection.apply(event, savepoint)).catch((error: unknown) => {
                // A database that went away is no fault of the event: it is retried, never parked.
                if (isDatabaseUnavailable(error)) throw error;
                failure = error;
              });
              if (failure !== undefined) await parkEvent(tx, { worker: projection.name, event, error: failure, attempts: attempt, firstFailedAt, lastFailedAt: new Date().toISOString() });
            }
            await advanceCheckpoints(tx, [projection.name], new Map(checkpoint === undefined ? [] : [[projection.name, checkpoint]]), event.position);
            return failure === undefined ? 'applied' : 'parked';
          }),
        );
        if (outcome === 'skipped') return [];
        if (outcome === 'applied') return [[projection, [event]]];
        this.options.onError?.(failure, event, projection.name);
        this.options.onParked?.(projection.name, event, failure);
        return [];
      } catch (error) {
        failure = error;
      }
      this.options.onError?.(failure, event, projection.name);
      if (attempt >= maxAttempts) {
        this.failing = { worker: projection.name, failedOn: event };
        throw failure;
      }
    }
  }

  async lag(): Promise<ProjectionLag[]> {
    const head = await this.store.headPosition();
    return Promise.all(
      this.projections.map(async ({ name }) => {
        const checkpoint = await this.checkpointOf(this.dataSource.manager, name);
        return { name, checkpoint, head, behind: head > checkpoint ? head - checkpoint : 0n };
      }),
    );
  }

  private async checkpointOf(manager: EntityManager, name: string): Promise<bigint> {
    const row = await manager.findOneBy(ProjectionCheckpoint, { name });
    return row?.position ?? 0n;
  }
}

/**
 * The committed checkpoints of `names`, read inside the transaction that applies events (the only
 * truth about what was applied). Locked on PostgreSQL: a runner of another process whose lease just
 * ended may still be committing the same events; this waits for it and then reads what it committed.
 */
async function committedCheckpoints(tx: EntityManager, names: readonly string[]): Promise<Map<string, bigint>> {
  const lock = tx.connection.options.type === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await preparedQuery<{ name: string; position: number | string | bigint }>(
    tx,
    `SELECT "name", "position" FROM ${quotedTable(tx, ProjectionCheckpoint)} WHERE "name" IN (${names.map(() => '?').join(', ')})${lock}`,
    names,
  );
  return new Map(rows.map((row) => [row.name, BigInt(row.position)]));
}

/**
 * Moves the checkpoints of `names` to `position`: one UPDATE for those that exist (this runs for
 * every batch, as prepared statements: TypeORM's path costs more than the statements), an INSERT
 * for those that do not yet.
 */
async function advanceCheckpoints(tx: EntityManager, names: readonly string[], existing: ReadonlyMap<string, bigint>, position: bigint): Promise<void> {
  const updatedAt = new Date().toISOString();
  const table = quotedTable(tx, ProjectionCheckpoint);
  const known = names.filter((name) => existing.has(name));
  const fresh = names.filter((name) => !existing.has(name));
  const placeholders = (count: number, each: string) => Array.from({ length: count }, () => each).join(', ');
  if (known.length) await preparedQuery(tx, `UPDATE ${table} SET "position" = ?, "updatedAt" = ? WHERE "name" IN (${placeholders(known.length, '?')})`, [position.toString(), updatedAt, ...known]);
  if (fresh.length) await preparedQuery(tx, `INSERT INTO ${table} ("name", "position", "updatedAt") VALUES ${placeholders(fresh.length, '(?, ?, ?)')}`, fresh.flatMap((name) => [name, position.toString(), updatedAt]));
}
