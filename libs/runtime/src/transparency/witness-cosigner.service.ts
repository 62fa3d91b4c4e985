import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { consistencyProofBetween, writeLockOf } from '@pangolin/read-models';
import { cosignatureOf, latestCheckpoint, latestCosignedSize, saveCosignature } from '@pangolin/records';
import { requestCosignature, type WitnessEndpoint } from '@pangolin/witness';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { READ_DB, RECORDS_DB } from '../infrastructure/tokens';
import { PangolinMetrics } from '../operations/metrics';

const REQUEST_TIMEOUT_MS = 5_000;
const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 60_000;

/**
 * Gathers witnesses' cosignatures (c2sp.org/tlog-witness) of the latest signed checkpoint and keeps
 * them beside it. Runs beside the platform's writes, never in their way: a witness that is down,
 * slow or refusing is logged, counted (pangolin_witness_requests_total) and asked again later.
 */
@Injectable()
export class WitnessCosigner implements OnApplicationShutdown {
  private readonly workers: WitnessWorker[];

  constructor(
    @Inject(READ_DB) views: DataSource,
    @Inject(RECORDS_DB) records: DataSource,
    @Inject(PANGOLIN_CONFIG) config: PangolinConfig,
    metrics: PangolinMetrics,
  ) {
    this.workers = config.transparency.witnesses.map((witness) => new WitnessWorker(witness, views, records, metrics));
  }

  /** Asks every witness, in the background, to cosign the latest checkpoint. Never throws or waits. */
  nudge(): void {
    for (const worker of this.workers) worker.nudge();
  }

  /** Waits, at most `timeoutMs`, until every witness has answered (either way) for a checkpoint of at least `size`. */
  async answered(size: bigint, timeoutMs: number): Promise<void> {
    if (this.workers.length === 0) return;
    this.nudge();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.workers.map((worker) => worker.answeredFor(size))), deadline]);
    clearTimeout(timer);
  }

  onApplicationShutdown(): void {
    for (const worker of this.workers) worker.stop();
  }
}

class WitnessWorker {
  private readonly logger: Logger;
  private running = false;
  private again = false;
  private stopped = false;
  private failures = 0;
  private retry?: NodeJS.Timeout;
  /** The size the witness last cosigned, as learned from its answers (or from the cosignatures kept). */
  private witnessSize?: bigint;
  private answeredSize = -1n;
  private waiters: { size: bigint; resolve: () => void }[] = [];

  constructor(
    private readonly witness: WitnessEndpoint,
    /** The Merkle tree (consistency proofs). */
    private readonly views: DataSource,
    /** The signed checkpoints and the cosignatures kept. */
    private readonly records: DataSource,
    private readonly metrics: PangolinMetrics,
  ) {
    this.logger = new Logger(`Witness ${witness.key.name}`);
  }

  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run();
  }

  answeredFor(size: bigint): Promise<void> {
    if (this.answeredSize >= size || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ size, resolve }));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      await this.cosignLatest();
    } while (this.again && !this.stopped);
    this.running = false;
  }

  private async cosignLatest(): Promise<void> {
    const manager = this.records.manager;
    const key = this.witness.key.verifierKey;
    let size: bigint | undefined;
    try {
      const checkpoint = await latestCheckpoint(manager);
      if (!checkpoint) return;
      size = checkpoint.size;
      if (await cosignatureOf(manager, checkpoint.size, key)) return;
      this.witnessSize ??= await latestCosignedSize(manager, key);
      const outcome = await requestCosignature(this.witness, checkpoint.note, this.witnessSize, (from) => consistencyProofBetween(this.views.manager, from, checkpoint.size), REQUEST_TIMEOUT_MS);
      if (outcome.witnessSize !== undefined) this.witnessSize = outcome.witnessSize;
      if (outcome.ok) {
        await writeLockOf(this.records).run(() => saveCosignature(manager, checkpoint.size, key, outcome.cosignature));
        this.metrics.witnessRequests.inc({ witness: this.witness.key.name, outcome: 'cosigned' });
        if (this.failures > 0) this.logger.log(`cosigns again, at size ${checkpoint.size}`);
        this.failures = 0;
        return;
      }
      const unreachable = outcome.reason.startsWith('unreachable');
      this.metrics.witnessRequests.inc({ witness: this.witness.key.name, outcome: unreachable ? 'unreachable' : 'refused' });
      this.failed(`did not cosign the checkpoint of size ${checkpoint.size} (${this.witness.url}): ${outcome.reason}`);
    } catch (error) {
      this.metrics.witnessRequests.inc({ witness: this.witness.key.name, outcome: 'unreachable' });
      this.failed(`asking for a cosignature failed: ${error instanceof Error ? error.message : error}`);
    } finally {
      if (size !== undefined) this.markAnswered(size);
    }
  }

  private failed(message: string): void {
    // The first failure of a streak is a warning; repeats are quieter until it cosigns again.
    if (this.failures === 0) this.logger.warn(`${message}; retrying in the background`);
    else this.logger.debug(message);
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.failures, LAST_RETRY_MS);
    this.failures++;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.nudge(), delay);
    this.retry.unref();
  }

  private markAnswered(size: bigint): void {
    if (size > this.answeredSize) this.answeredSize = size;
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.size > this.answeredSize) return true;
      waiter.resolve();
      return false;
    });
  }
}
