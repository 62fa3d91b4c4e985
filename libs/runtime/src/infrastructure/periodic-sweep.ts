import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@pangolin/application';
import { EventStore } from '@pangolin/event-store';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { EventPipeline } from './event-pipeline.service';
import { CLOCK, EVENT_STORE, READ_DB } from './tokens';

/**
 * A sweep run every `intervalMs` (0: never): the system's own commands that time makes due, such
 * as expiring policies and unpaid pledges. A failed run is logged; the next one tries again.
 * Each finds what is due in the read database, commands it through the event store by the clock,
 * and settles the views on what it wrote; a sweeper declares no constructor of its own.
 */
@Injectable()
export abstract class PeriodicSweep implements OnApplicationShutdown {
  protected abstract readonly logger: Logger;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_STORE) protected readonly store: EventStore,
    @Inject(READ_DB) protected readonly db: DataSource,
    @Inject(PANGOLIN_CONFIG) protected readonly config: PangolinConfig,
    @Inject(CLOCK) protected readonly clock: Clock,
    protected readonly pipeline: EventPipeline,
  ) {}

  /** What the sweep does each time; returns the ids of what it changed. */
  abstract sweep(): Promise<string[]>;

  protected abstract get intervalMs(): number;

  start(): void {
    if (this.intervalMs === 0) return;
    this.timer = setInterval(() => this.sweep().catch((error) => this.logger.error(`${this.constructor.name} failed: ${error}`)), this.intervalMs);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
