import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventStore } from '@pangolin/event-store';
import { catchUpTrails } from '@pangolin/read-models';
import { latestCheckpoint, LogForkedError, signCheckpoint, type SignedCheckpointRow } from '@pangolin/records';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { EVENT_STORE, READ_DB, RECORDS_DB } from '../infrastructure/tokens';
import { LogForkStatus } from '../operations/log-fork-status';
import { WitnessCosigner } from './witness-cosigner.service';

/**
 * Signs checkpoints of the Merkle log: every CHECKPOINT_INTERVAL_MS when the log has grown, and on
 * demand (an auditor's request, or a receipt that needs a checkpoint holding its events). Signing a
 * size is idempotent, so several processes may publish side by side. Each checkpoint is then offered
 * to the witnesses (TRANSPARENCY_WITNESSES) in the background.
 */
@Injectable()
export class CheckpointPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(CheckpointPublisher.name);
  private timer?: NodeJS.Timeout;
  /** A one-off signing for a promise the schedule would not honour in time (see signWithin). */
  private promiseTimer?: NodeJS.Timeout;
  private lastLoggedSize = -1n;

  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(RECORDS_DB) private readonly records: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig,
    private readonly forkStatus: LogForkStatus,
    private readonly cosigner: WitnessCosigner,
  ) {}

  start(): void {
    const { checkpointIntervalMs } = this.config.transparency;
    // A log from before the trail map has its trails rebuilt from the events now, in the background (signing waits for it).
    void this.catchUpTrails();
    this.cosigner.nudge();
    if (checkpointIntervalMs === 0) return;
    this.timer = setInterval(() => this.publish().catch((error) => this.logger.error(`signing a checkpoint failed: ${error instanceof Error ? error.message : error}`)), checkpointIntervalMs);
  }

  /** Signs the log at its current size (unless already signed) and returns that checkpoint; undefined while the log is empty. */
  async publish(): Promise<SignedCheckpointRow | undefined> {
    const { origin, signerKey } = this.config.transparency;
    let checkpoint: SignedCheckpointRow | undefined;
    await this.catchUpTrails();
    try {
      checkpoint = await signCheckpoint(this.db, this.records, { origin, signerKey });
      this.forkStatus.report(undefined);
    } catch (error) {
      if (error instanceof LogForkedError) this.forkStatus.report(error);
      throw error;
    }
    if (checkpoint) this.cosigner.nudge();
    if (checkpoint && checkpoint.size > this.lastLoggedSize) {
      this.lastLoggedSize = checkpoint.size;
      this.logger.log(`checkpoint of the transparency log at size ${checkpoint.size}, root ${checkpoint.rootHash}`);
    }
    return checkpoint;
  }

  /**
   * Brings the trail map's tables up to the log before signing, so the checkpoint commits to the map:
   * once for a log from before trail maps, and for leaves a projector appended meanwhile. Nothing to
   * do otherwise. On failure the checkpoint is signed without the map (receipts then report their
   * completeness unproven) and the reason is logged.
   */
  private async catchUpTrails(): Promise<void> {
    try {
      const leaves = await catchUpTrails(this.db, this.store);
      if (leaves > 0n) this.logger.log(`the trail map caught up with ${leaves} leaves of the log`);
    } catch (error) {
      this.logger.error(`catching up the trail map failed, so this checkpoint carries none: ${error instanceof Error ? error.message : error}`);
    }
  }

  /** The latest signed checkpoint if it holds leaf `index`, else one signed now; undefined if the log does not hold that leaf yet. */
  async checkpointHolding(index: bigint): Promise<SignedCheckpointRow | undefined> {
    const latest = await latestCheckpoint(this.records.manager);
    if (latest && latest.size > index) return latest;
    const signed = await this.publish();
    return signed && signed.size > index ? signed : undefined;
  }

  /**
   * A promise was given that the log's current leaves are in a checkpoint within `delayMs`: unless
   * the schedule signs often enough, sign once before then (10 s before, or halfway for short delays).
   * One pending signing serves every promise given before it fires, since it signs the log as it is then.
   */
  signWithin(delayMs: number): void {
    const { checkpointIntervalMs } = this.config.transparency;
    if ((checkpointIntervalMs > 0 && checkpointIntervalMs <= delayMs / 2) || this.promiseTimer) return;
    this.promiseTimer = setTimeout(() => {
      this.promiseTimer = undefined;
      this.publish().catch((error) => this.logger.error(`signing a checkpoint for a promise failed: ${error instanceof Error ? error.message : error}`));
    }, Math.max(delayMs / 2, delayMs - 10_000));
    this.promiseTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearTimeout(this.promiseTimer);
  }
}
