import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, In } from 'typeorm';
import { PremiumAllocationProcess, ProcessManagerRunner } from '@pangolin/application';
import { EventStore, RecordedEvent } from '@pangolin/event-store';
import { allProjections, giftsHoldingMoneyFor, programmeCandidates, ProjectionCheckpoint, ProjectionRunner } from '@pangolin/read-models';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { PangolinMetrics } from '../operations/metrics';
import { EVENT_STORE, READ_DB } from './tokens';
import { TypeOrmCheckpointStore } from './typeorm-checkpoint-store';
import { LeasedWorker, PostgresWorkerLease } from './worker-lease';

/** How often a process that does not run a worker itself looks at that worker's checkpoint. */
const CHECKPOINT_POLL_MS = 25;

/**
 * Everything downstream of the event log, fed by the store's durable subscription: the
 * projections (read models) and the premium-allocation process manager. Which process runs them
 * is PROCESS_ROLE's choice: `all` (the embedded default) runs them here; `api` runs none and
 * follows their checkpoints in the read database; `projector` runs them, each under a lease, so
 * that of several projectors exactly one runs each worker and another takes over if it dies.
 */
@Injectable()
export class EventPipeline implements OnApplicationShutdown {
  private readonly logger = new Logger(EventPipeline.name);
  private readonly projections: ProjectionRunner;
  private readonly allocation: ProcessManagerRunner;
  private readonly checkpoints: TypeOrmCheckpointStore;
  private readonly projectionNames = allProjections().map((projection) => projection.name);
  private readonly processName: string;
  private projectionsWorker?: LeasedWorker;
  private allocationWorker?: LeasedWorker;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig,
    metrics: PangolinMetrics,
  ) {
    const onError = (name: string) => (error: unknown, event: RecordedEvent) =>
      this.logger.error(`${name} failed on event ${event.position} (${event.type}); retrying: ${error instanceof Error ? error.stack : error}`);
    this.projections = new ProjectionRunner(store, db, allProjections(), { onError: onError('projection'), onApplied: metrics.projectionApplied, batchSize: config.projectionBatchSize });
    this.checkpoints = new TypeOrmCheckpointStore(db);
    const process = new PremiumAllocationProcess(store, {
      // The read model must include every event up to now before it is asked.
      uncoveredEligible: async (regionCode, productId) => {
        await this.projectionsReached(await store.headPosition(), Infinity);
        return programmeCandidates(db.manager, regionCode, productId);
      },
      giftsHoldingMoneyFor: async (target) => {
        await this.projectionsReached(await store.headPosition(), Infinity);
        return giftsHoldingMoneyFor(db.manager, target);
      },
    });
    this.processName = process.name;
    this.allocation = new ProcessManagerRunner(store, metrics.countingHandled(this.checkpoints), process, onError('premium allocation'));
  }

  /** Starts the workers, if this process runs them. */
  async start(): Promise<void> {
    if (this.config.processRole === 'api') return;
    const { readDb } = this.config;
    const lease = (name: string) => (readDb.type === 'postgres' ? () => new PostgresWorkerLease(readDb, name) : undefined);
    this.projectionsWorker = new LeasedWorker('projections', this.projections, lease('projections'), this.config.leaseRetryMs);
    this.allocationWorker = new LeasedWorker(this.processName, this.allocation, lease(this.processName), this.config.leaseRetryMs);
    await this.projectionsWorker.start();
    await this.allocationWorker.start();
  }

  /**
   * Waits until the process manager has dealt with `position` and with whatever it caused in turn,
   * and the views show all of it; gives up quietly after SETTLE_TIMEOUT_MS (the work still
   * completes in the background; only the answer comes before it).
   */
  async settle(position: bigint): Promise<boolean> {
    const deadline = Date.now() + this.config.settleTimeoutMs;
    let target = position;
    for (;;) {
      if (!(await this.allocationReached(target, deadline))) return false;
      const head = await this.store.headPosition();
      if (head <= target) break;
      target = head;
    }
    return this.projectionsReached(target, deadline);
  }

  private projectionsReached(position: bigint, deadline: number): Promise<boolean> {
    return this.reached(this.projectionsWorker, this.projections, position, deadline, async () => {
      const rows = await this.db.manager.findBy(ProjectionCheckpoint, { name: In(this.projectionNames) });
      return rows.length < this.projectionNames.length ? 0n : rows.reduce((lowest, row) => (row.position < lowest ? row.position : lowest), rows[0].position);
    });
  }

  private allocationReached(position: bigint, deadline: number): Promise<boolean> {
    return this.reached(this.allocationWorker, this.allocation, position, deadline, () => this.checkpoints.load(this.processName));
  }

  /**
   * A worker running here says when it has got there; one running elsewhere is followed through
   * its committed checkpoint (also the fallback if it stops here while we wait).
   */
  private async reached(worker: LeasedWorker | undefined, runner: { caughtUpTo(position: bigint): Promise<void> }, position: bigint, deadline: number, checkpoint: () => Promise<bigint>): Promise<boolean> {
    if (worker?.active) {
      const timedOut = sleep(Math.min(Math.max(0, deadline - Date.now()), 2 ** 31 - 1), 'timeout' as const, { ref: false });
      const outcome = await Promise.race([runner.caughtUpTo(position).then(() => 'reached' as const, () => 'stopped' as const), timedOut]);
      if (outcome !== 'stopped') return outcome === 'reached';
    }
    for (;;) {
      if ((await checkpoint()) >= position) return true;
      if (Date.now() >= deadline) return false;
      await sleep(CHECKPOINT_POLL_MS);
    }
  }

  /** The workers of the pipeline (wherever they run) and whether each runs in this process now. */
  workers(): { name: string; runsHere: boolean }[] {
    return [
      { name: 'projections', runsHere: this.projectionsWorker?.active ?? false },
      { name: this.processName, runsHere: this.allocationWorker?.active ?? false },
    ];
  }

  /** Each projection's checkpoint against the head of the log (read from the database: true wherever the projections run). */
  projectionLag() {
    return this.projections.lag();
  }

  /** Stops the workers running here (at shutdown, or to hold the pipeline still in a test). */
  async stopWorkers(): Promise<void> {
    await this.allocationWorker?.stop();
    await this.projectionsWorker?.stop();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stopWorkers();
  }
}
