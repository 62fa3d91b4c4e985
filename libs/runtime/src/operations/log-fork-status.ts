import { Injectable } from '@nestjs/common';
import type { LogForkedError } from '@pangolin/records';

/**
 * Whether the Merkle log still extends the checkpoint last signed: the checkpoint publisher finds
 * out each time it signs, and readiness reports it. Shared through InfrastructureModule, as the
 * publisher runs in the API and in the projector.
 */
@Injectable()
export class LogForkStatus {
  private fork?: LogForkedError;

  /** The outcome of an attempt to sign: the fork it found, or undefined when the log extended the last checkpoint. */
  report(fork: LogForkedError | undefined): void {
    this.fork = fork;
  }

  get current(): LogForkedError | undefined {
    return this.fork;
  }
}
