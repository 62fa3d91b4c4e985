import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PremiumAllocationProcess, ProcessManagerRunner } from '@pangolin/application';
import { EventStore, RecordedEvent } from '@pangolin/event-store';
import { allProjections, giftsHoldingMoneyFor, programmeCandidates, ProjectionRunner } from '@pangolin/read-models';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { PangolinMetrics } from '../operations/metrics';
import { EVENT_STORE, READ_DB } from './tokens';
import { TypeOrmCheckpointStore } from './typeorm-checkpoint-store';

/**
 * Everything downstream of the event log, fed by the store's durable subscription:
 * the projections (read models) and the premium-allocation process manager.
 */
@Injectable()
export class EventPipeline implements OnApplicationShutdown {
  private readonly logger = new Logger(EventPipeline.name);
  readonly projections: ProjectionRunner;
  readonly allocation: ProcessManagerRunner;
  private started = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) db: DataSource,
    @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig,
    metrics: PangolinMetrics,
  ) {
    const onError = (name: string) => (error: unknown, event: RecordedEvent) =>
      this.logger.error(`${name} failed on event ${event.position} (${event.type}); retrying: ${error instanceof Error ? error.stack : error}`);
    this.projections = new ProjectionRunner(store, db, allProjections(), { onError: onError('projection'), onApplied: metrics.projectionApplied });
    this.allocation = new ProcessManagerRunner(
      store,
      metrics.countingHandled(new TypeOrmCheckpointStore(db)),
      new PremiumAllocationProcess(store, {
        // The read model must include every event up to now before it is asked.
        uncoveredEligible: async (regionCode, productId) => {
          await this.projections.caughtUpTo(await store.headPosition());
          return programmeCandidates(db.manager, regionCode, productId);
        },
        giftsHoldingMoneyFor: async (target) => {
          await this.projections.caughtUpTo(await store.headPosition());
          return giftsHoldingMoneyFor(db.manager, target);
        },
      }),
      onError('premium allocation'),
    );
  }

  async start(): Promise<void> {
    await this.projections.start();
    await this.allocation.start();
    this.started = true;
  }

  /**
   * Waits until the process manager has dealt with `position` and with whatever it caused in turn,
   * and the views show all of it; gives up quietly after SETTLE_TIMEOUT_MS (the work still
   * completes in the background; only the answer comes before it).
   */
  async settle(position: bigint): Promise<boolean> {
    if (!this.started) return false;
    const deadline = Date.now() + this.config.settleTimeoutMs;
    const beforeDeadline = async (work: Promise<void>) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
      try {
        return await Promise.race([work.then(() => true as const), timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    let target = position;
    for (;;) {
      if (!(await beforeDeadline(this.allocation.caughtUpTo(target)))) return false;
      const head = await this.store.headPosition();
      if (head <= target) break;
      target = head;
    }
    return beforeDeadline(this.projections.caughtUpTo(target));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.allocation.stop();
    await this.projections.stop();
  }
}
