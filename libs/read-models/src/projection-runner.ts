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
}

/**
 * Feeds the event log to projections. Each (event, projection) pair is applied in one transaction
 * that also advances that projection's checkpoint, so a crash or a redelivery never loses or
 * doubles an effect: an event at or below the committed checkpoint is skipped.
 */
export class ProjectionRunner {
  private subscription: Subscription | undefined;
  private subscribedAfter = 0n;

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
    // One transaction per event for all projections (not one per projection): every projection
    // that has not seen the event applies it, and their checkpoints advance with it, atomically.
    const applied = await writeLockOf(this.dataSource).run(() =>
      this.dataSource.transaction(async (tx) => {
        // Read inside the transaction: the committed checkpoints are the only truth about what was applied.
        const checkpoints = new Map((await tx.findBy(ProjectionCheckpoint, { name: In(this.projections.map(({ name }) => name)) })).map((row) => [row.name, row.position]));
        const pending = this.projections.filter(({ name }) => (checkpoints.get(name) ?? 0n) < event.position);
        for (const projection of pending) await projection.apply(event, tx);
        const updatedAt = new Date().toISOString();
        if (pending.length) await tx.save(ProjectionCheckpoint, pending.map(({ name }) => ({ name, position: event.position, updatedAt })));
        return pending;
      }),
    );
    for (const { name } of applied) this.options.onApplied?.(name, event);
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
