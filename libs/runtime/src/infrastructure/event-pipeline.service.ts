import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, In } from 'typeorm';
import { Clock, DisasterPayoutProcess, PersonalDataErasureProcess, PremiumAllocationProcess, ProcessManager, ProcessManagerRunner } from '@pangolin/application';
import { EventStore, failureText, RecordedEvent, StuckWorker } from '@pangolin/event-store';
import { allProjections, giftsHoldingMoneyFor, parkedCounts, policiesInDeclaredArea, programmeCandidates, ProjectionCheckpoint, ProjectionRunner, type Projection } from '@pangolin/read-models';
import { HouseholdKeyVault, TypeOrmCheckpointStore } from '@pangolin/records';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { PangolinMetrics } from '../operations/metrics';
import { CausedEvents, RecordingCausedEvents } from './caused-events';
import { CLOCK, EVENT_STORE, READ_DB, RECORDS_DB } from './tokens';
import { TypeOrmDeadLetterStore } from './typeorm-dead-letter-store';
import { LeasedWorker, PostgresWorkerLease } from './worker-lease';

/** How often a process that does not run a worker itself looks at that worker's checkpoint. */
const CHECKPOINT_POLL_MS = 25;

/**
 * Everything downstream of the event log, fed by the store's durable subscription: the
 * projections (read models) and the process managers (premium allocation, disaster payouts, personal-data erasure). Which process runs them
 * is PROCESS_ROLE's choice: `all` (the embedded default) runs them here; `api` runs none and
 * follows their checkpoints (the projections' among the views, the process managers' in the records store); `projector` runs them, each under a lease, so
 * that of several projectors exactly one runs each worker and another takes over if it dies.
 */
@Injectable()
export class EventPipeline implements OnApplicationShutdown {
  private readonly logger = new Logger(EventPipeline.name);
  private readonly projections: ProjectionRunner;
  /** The process managers, each with its own checkpoint, run as its own worker. */
  private readonly processes: ProcessWorker[];
  private readonly checkpoints: TypeOrmCheckpointStore;
  private readonly projectionNames: string[];
  private readonly parkingProjections: string[];
  private projectionsWorker?: LeasedWorker;
  /** What the process managers appended here, by correlation id (see settle). */
  private readonly caused = new CausedEvents();
  /** Whether the process managers can run in this process only (no lease: no other process runs them). */
  private processesOnlyHere = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(RECORDS_DB) private readonly records: DataSource,
    @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig,
    metrics: PangolinMetrics,
    @Inject(CLOCK) clock: Clock,
  ) {
    const { maxAttempts, retryBackoffMs } = config.deadLetters;
    const onError = (name: string) => (error: unknown, event: RecordedEvent, worker = name) => {
      metrics.workerFailures.inc({ worker });
      this.logger.error(`${worker} failed on event ${event.position} (${event.type}); retrying: ${error instanceof Error ? error.stack : error}`);
    };
    const onParked = (worker: string, event: RecordedEvent, error: unknown) => {
      metrics.eventsParked.inc({ worker });
      this.logger.error(`${worker} parked event ${event.position} (${event.type}, ${event.eventId}) after ${maxAttempts} attempts and moved on: ${failureText(error)}. See GET /admin/parked-events`);
    };
    const retries = { maxAttempts, retryBackoffMs, onParked };
    const householdKeys = new HouseholdKeyVault(records);
    const projections: Projection[] = allProjections(householdKeys);
    this.projectionNames = projections.map(({ name }) => name);
    this.parkingProjections = projections.filter(({ neverSkips }) => !neverSkips).map(({ name }) => name);
    this.projections = new ProjectionRunner(store, db, projections, { ...retries, onError: onError('projections'), onApplied: metrics.projectionApplied, batchSize: config.projectionBatchSize });
    // Process managers keep their checkpoints in the records store: deleting the views must not make them act again.
    this.checkpoints = new TypeOrmCheckpointStore(records);
    const caused = new RecordingCausedEvents(store, this.caused);
    const allocation = new PremiumAllocationProcess(caused, {
      // The read model must include every event up to now before it is asked.
      uncoveredEligible: async (regionCode, productId, page) => {
        await this.projectionsReached(await store.headPosition());
        return programmeCandidates(db.manager, regionCode, productId, page);
      },
      giftsHoldingMoneyFor: async (target) => {
        await this.projectionsReached(await store.headPosition());
        return giftsHoldingMoneyFor(db.manager, target);
      },
    }, () => clock.now());
    const payouts = new DisasterPayoutProcess(caused, {
      policiesInArea: async (query) => {
        await this.projectionsReached(await store.headPosition());
        return policiesInDeclaredArea(db.manager, query);
      },
    }, () => clock.now(), config.disasterPayoutBatchSize);
    const erasure = new PersonalDataErasureProcess(householdKeys);
    this.processes = [allocation, payouts, erasure].map((process: ProcessManager) => ({
      name: process.name,
      // A process manager's dead letters are records: its checkpoint has moved past them.
      runner: new ProcessManagerRunner(store, metrics.countingHandled(this.checkpoints), process, new TypeOrmDeadLetterStore(records), { ...retries, onError: onError(process.name) }),
    }));
  }

  /** Starts the workers, if this process runs them. */
  async start(): Promise<void> {
    if (this.config.processRole === 'api') return;
    const { readDb } = this.config;
    const lease = (name: string) => (readDb.type === 'postgres' ? () => new PostgresWorkerLease(readDb, name) : undefined);
    this.projectionsWorker = new LeasedWorker('projections', this.projections, lease('projections'), this.config.leaseRetryMs);
    this.processesOnlyHere = readDb.type !== 'postgres';
    await this.projectionsWorker.start();
    for (const process of this.processes) {
      process.worker = new LeasedWorker(process.name, process.runner, lease(process.name), this.config.leaseRetryMs);
      await process.worker.start();
    }
  }

  /**
   * Waits until the process manager has dealt with `position` and with whatever it caused in turn,
   * and the views show all of it; gives up quietly after SETTLE_TIMEOUT_MS (the work still
   * completes in the background; only the answer comes before it).
   *
   * With the request's `correlationId` (which the process manager copies onto the events it appends
   * because of it), only the request's own consequences are followed, not the rest of the log: under
   * load the answer does not wait for what other requests set off meanwhile. Without it, everything
   * up to the head of the log at each step is.
   */
  async settle(position: bigint, correlationId?: string): Promise<boolean> {
    const deadline = new Deadline(this.config.settleTimeoutMs);
    try {
      let target = position;
      let scannedThrough = position;
      for (;;) {
        if (!(await this.processesReached(target, deadline))) return false;
        if (correlationId === undefined) {
          const head = await this.store.headPosition();
          if (head <= target) break;
          target = head;
          continue;
        }
        // Everything the process manager did because of events up to `target` is in the log by now.
        // When it runs only here, its appends were recorded on the way (no read of the log needed).
        const recorded = this.processesOnlyHere && this.processes.every(({ worker }) => worker?.active) ? this.caused.lastAfter(correlationId, target) : 'unknown';
        let lastCaused = target;
        if (recorded !== 'unknown') lastCaused = recorded ?? target;
        else {
          const later = await this.store.readAll({ after: scannedThrough });
          if (later.length > 0) scannedThrough = later[later.length - 1]!.position;
          const caused = later.filter((event) => event.metadata.correlationId === correlationId);
          if (caused.length > 0) lastCaused = caused[caused.length - 1]!.position;
        }
        if (lastCaused <= target) break;
        target = lastCaused;
      }
      return await this.projectionsReached(target, deadline);
    } finally {
      deadline.cancel();
    }
  }

  private projectionsReached(position: bigint, deadline?: Deadline): Promise<boolean> {
    return this.reached(this.projectionsWorker, this.projections, position, deadline, async () => {
      const rows = await this.db.manager.findBy(ProjectionCheckpoint, { name: In(this.projectionNames) });
      return rows.length < this.projectionNames.length ? 0n : rows.reduce((lowest, row) => (row.position < lowest ? row.position : lowest), rows[0].position);
    });
  }

  private async processesReached(position: bigint, deadline: Deadline): Promise<boolean> {
    for (const { name, worker, runner } of this.processes) {
      if (!(await this.reached(worker, runner, position, deadline, () => this.checkpoints.load(name)))) return false;
    }
    return true;
  }

  /**
   * A worker running here says when it has got there; one running elsewhere is followed through
   * its committed checkpoint (also the fallback if it stops here while we wait). No deadline: waits as long as it takes.
   */
  private async reached(worker: LeasedWorker | undefined, runner: { caughtUpTo(position: bigint): Promise<void> }, position: bigint, deadline: Deadline | undefined, checkpoint: () => Promise<bigint>): Promise<boolean> {
    if (worker?.active) {
      const progress = runner.caughtUpTo(position).then(() => 'reached' as const, () => 'stopped' as const);
      const outcome = await (deadline ? Promise.race([progress, deadline.passed]) : progress);
      if (outcome !== 'stopped') return outcome === 'reached';
    }
    for (;;) {
      if ((await checkpoint()) >= position) return true;
      if (deadline?.hasPassed()) return false;
      await sleep(CHECKPOINT_POLL_MS);
    }
  }

  /** The workers of the pipeline (wherever they run) and whether each runs in this process now. */
  workers(): { name: string; runsHere: boolean }[] {
    return [
      { name: 'projections', runsHere: this.projectionsWorker?.active ?? false },
      ...this.processes.map(({ name, worker }) => ({ name, runsHere: worker?.active ?? false })),
    ];
  }

  /** Each projection's checkpoint against the head of the log (read from the database: true wherever the projections run). */
  projectionLag() {
    return this.projections.lag();
  }

  /** The workers running in this process that keep failing on one event (a worker running elsewhere reports in its own process). */
  stuckWorkers(): StuckWorker[] {
    const running = [
      this.projectionsWorker?.active ? this.projections.stuck() : undefined,
      ...this.processes.map(({ worker, runner }) => (worker?.active ? runner.stuck() : undefined)),
    ];
    return running.filter((stuck): stuck is StuckWorker => stuck !== undefined);
  }

  /** The projections and process managers that park events they cannot apply (all but those that must never skip one). */
  get parkingWorkers(): string[] {
    return [...this.parkingProjections, ...this.processes.map(({ name }) => name)];
  }

  /** Where `worker` keeps its parked events: a projection among the views (a rebuild parks them again), a process manager in the records store. */
  deadLettersOf(worker: string): DataSource {
    return this.processes.some(({ name }) => name === worker) ? this.records : this.db;
  }

  /** Events parked (not dismissed), per worker, from both databases. */
  async parkedCounts(): Promise<{ worker: string; parked: number }[]> {
    return [...(await parkedCounts(this.db.manager)), ...(await parkedCounts(this.records.manager))];
  }

  /**
   * Applies a parked event to its projection, or hands it to its process manager, again (after a
   * fix); success removes its record. Throws what the worker throws, and then the record stays.
   */
  async replayParked(worker: string, position: bigint): Promise<void> {
    const [event] = await this.store.readAll({ after: position - 1n, limit: 1 });
    if (!event || event.position !== position) throw new Error(`the log holds no event at position ${position}`);
    const process = this.processes.find(({ name }) => name === worker);
    if (process) await process.runner.replay(event);
    else await this.projections.replay(worker, event);
  }

  /** Stops the workers running here (at shutdown, or to hold the pipeline still in a test). */
  async stopWorkers(): Promise<void> {
    for (const { worker } of this.processes) await worker?.stop();
    await this.projectionsWorker?.stop();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stopWorkers();
  }
}

/** One timer per settle, however many waits it takes, cleared when the settle is done (an uncleared one per wait piled up under load). */
class Deadline {
  private readonly at: number;
  private timer?: NodeJS.Timeout;
  private passedPromise?: Promise<'timeout'>;

  constructor(ms: number) {
    this.at = Date.now() + ms;
  }

  /** Resolves when the deadline passes (made on first use). */
  get passed(): Promise<'timeout'> {
    this.passedPromise ??= new Promise((resolve) => {
      // Unreferenced: a pending deadline never keeps a finished process alive.
      this.timer = setTimeout(() => resolve('timeout'), Math.min(Math.max(0, this.at - Date.now()), 2 ** 31 - 1));
      this.timer.unref();
    });
    return this.passedPromise;
  }

  hasPassed(): boolean {
    return Date.now() >= this.at;
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}

interface ProcessWorker {
  name: string;
  runner: ProcessManagerRunner;
  worker?: LeasedWorker;
}
