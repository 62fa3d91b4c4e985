import { Logger, OnApplicationShutdown } from '@nestjs/common';

/**
 * A sweep run every `intervalMs` (0: never): the system's own commands that time makes due, such
 * as expiring policies and unpaid pledges. A failed run is logged; the next one tries again.
 */
export abstract class PeriodicSweep implements OnApplicationShutdown {
  protected abstract readonly logger: Logger;
  private timer?: NodeJS.Timeout;

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
