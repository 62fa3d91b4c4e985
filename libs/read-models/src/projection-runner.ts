import { In, type DataSource, type EntityManager } from 'typeorm';
import type { EventStore, RecordedEvent, Subscription } from '@pangolin/event-store';
import type { Projection } from './projection';
import { ProjectionCheckpoint } from './checkpoint.entity';
import { writeLockOf } from './write-lock';

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
  onError?: (error: unknown, event: RecordedEvent) => void;
  /** Told after each event a projection applied and committed (not about events it skipped as already applied). */
  onApplied?: (projection: string, event: RecordedEvent) => void;
  /** At most this many events applied in one transaction (default 100; 1 applies each alone). */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 100;

/**
 * Feeds the event log to projections. Each (event, projection) pair is applied in one transaction
 * that also advances that projection's checkpoint, so a crash or a redelivery never loses or
 * doubles an effect: an event at or below the committed checkpoint is skipped.
 *
 * When the log is ahead (a catch-up, a burst of appends), the events already stored after the one
 * delivered are applied with it, up to `batchSize` in one transaction: a commit and the checkpoint
 * writes are paid once per batch, not once per event. The subscription then delivers those events
 * too, and they are skipped without a query.
 */
export class ProjectionRunner {
  private subscription: Subscription | undefined;
  private subscribedAfter = 0n;
  /** Every projection here has committed everything up to this position (0n: not known). */
  private committedThrough = 0n;

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
    const checkpoints = await Promise.all(this.projections.map((projection) => this.checkpointOf(this.dataSource.manager, projection.name)));
    this.subscribedAfter = checkpoints.reduce((lowest, position) => (position < lowest ? position : lowest), checkpoints[0] ?? 0n);
    this.committedThrough = this.subscribedAfter;
    this.subscription = this.store.subscribe(this.subscribedAfter, (event) => this.handle(event), {
      retryDelayMs: this.options.retryDelayMs,
      onError: this.options.onError,
    });
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  /** Resolves once every projection has applied everything up to `position`. */
  async caughtUpTo(position: bigint): Promise<void> {
    if (!this.subscription) throw new Error('projection runner is not started');
    if (position <= this.subscribedAfter) return;
    await this.subscription.caughtUpTo(position);
  }

  /**
   * Applies one event to every projection that has not seen it yet. Public so a caller that already
   * holds events (a rebuild, a test) can feed them without a subscription; redelivery is harmless.
   */
  async handle(event: RecordedEvent): Promise<void> {
    if (event.position <= this.committedThrough) return;
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    const batch = batchSize > 1 ? [event, ...(await this.store.readAll({ after: event.position, limit: batchSize - 1 }))] : [event];
    const last = batch[batch.length - 1].position;
    // One transaction for the batch and all projections (not one per projection): every projection
    // applies the events it has not seen, and the checkpoints advance with them, atomically.
    const applied = await writeLockOf(this.dataSource).run(() =>
      this.dataSource.transaction(async (tx) => {
        // Read inside the transaction: the committed checkpoints are the only truth about what was applied.
        // Locked on PostgreSQL: a runner of another process whose lease just ended may still be
        // committing the same events; this waits for it and then reads what it committed.
        const checkpoints = new Map(
          (
            await tx.find(ProjectionCheckpoint, {
              where: { name: In(this.projections.map(({ name }) => name)) },
              lock: tx.connection.options.type === 'postgres' ? { mode: 'pessimistic_write' } : undefined,
            })
          ).map((row) => [row.name, row.position]),
        );
        const appliedHere: [Projection, RecordedEvent][] = [];
        const forBatches = new Map<Projection, RecordedEvent[]>();
        for (const next of batch) {
          for (const projection of this.projections) {
            if ((checkpoints.get(projection.name) ?? 0n) >= next.position) continue;
            if (!projection.applyBatch) await projection.apply(next, tx);
            else if (forBatches.has(projection)) forBatches.get(projection)!.push(next);
            else forBatches.set(projection, [next]);
            appliedHere.push([projection, next]);
          }
        }
        for (const [projection, events] of forBatches) await projection.applyBatch!(events, tx);
        const behind = this.projections.filter(({ name }) => (checkpoints.get(name) ?? 0n) < last).map(({ name }) => name);
        await advanceCheckpoints(tx, behind, checkpoints, last);
        return appliedHere;
      }),
    );
    if (last > this.committedThrough) this.committedThrough = last;
    for (const [{ name }, applyEvent] of applied) this.options.onApplied?.(name, applyEvent);
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
 * Moves the checkpoints of `names` to `position`: one UPDATE for those that exist (this runs for
 * every event, and save() would read and write each row), an INSERT for those that do not yet.
 */
async function advanceCheckpoints(tx: EntityManager, names: readonly string[], existing: ReadonlyMap<string, bigint>, position: bigint): Promise<void> {
  const updatedAt = new Date().toISOString();
  const known = names.filter((name) => existing.has(name));
  const fresh = names.filter((name) => !existing.has(name));
  if (known.length) await tx.createQueryBuilder().update(ProjectionCheckpoint).set({ position, updatedAt }).where({ name: In(known) }).execute();
  if (fresh.length) await tx.insert(ProjectionCheckpoint, fresh.map((name) => ({ name, position, updatedAt })));
}
