import type { DataSource, EntityManager } from 'typeorm';
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
    for (const projection of this.projections) {
      const applied = await writeLockOf(this.dataSource).run(() => this.dataSource.transaction(async (tx) => {
        // Read inside the transaction: the committed checkpoint is the only truth about what was applied.
        if ((await this.checkpointOf(tx, projection.name)) >= event.position) return false;
        await projection.apply(event, tx);
        await tx.save(ProjectionCheckpoint, { name: projection.name, position: event.position, updatedAt: new Date().toISOString() });
        return true;
      }));
      if (applied) this.options.onApplied?.(projection.name, event);
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
