import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** First key of every lease's two-part advisory lock, so Pangolin's leases cannot collide with other locks. */
const LEASE_NAMESPACE = 0x5041_4e47; // "PANG"

/**
 * Who runs a background worker (the projections, the process manager) when several projector
 * processes share one PostgreSQL database: the holder of a session-level advisory lock, held on a
 * connection of its own. If the process dies, PostgreSQL ends its session and frees the lock, and
 * another projector takes the worker over from the committed checkpoints.
 */
export class PostgresWorkerLease {
  private client?: Client;

  constructor(private readonly url: string, readonly workerName: string) {}

  /** Takes the lease if nobody holds it; `onLost` is called if the connection holding it fails. */
  async tryAcquire(onLost: (reason: string) => void): Promise<boolean> {
    const client = new Client({ connectionString: this.url, application_name: `pangolin lease ${this.workerName}` });
    await client.connect();
    const { rows } = await client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS acquired', [LEASE_NAMESPACE, this.workerName]);
    if (!rows[0].acquired) {
      await client.end();
      return false;
    }
    client.on('error', (error) => onLost(error.message));
    client.on('end', () => this.client === client && onLost('lease connection closed'));
    this.client = client;
    return true;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `worker` while this process holds its lease, and keeps trying to take the lease while it
 * does not. Without a lease (embedded mode: one process) it simply runs the worker.
 */
export class LeasedWorker {
  private readonly logger = new Logger(LeasedWorker.name);
  private lease?: PostgresWorkerLease;
  private retry?: NodeJS.Timeout;
  private running = false;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly worker: Worker,
    private readonly newLease: (() => PostgresWorkerLease) | undefined,
    private readonly retryMs: number,
  ) {}

  /** Whether the worker runs in this process now. */
  get active(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (!this.newLease) {
      await this.worker.start();
      this.running = true;
      return;
    }
    await this.tryToRun();
  }

  private async tryToRun(): Promise<void> {
    if (this.stopped || !this.newLease) return;
    const lease = this.newLease();
    try {
      if (await lease.tryAcquire((reason) => void this.lost(reason))) {
        this.lease = lease;
        await this.worker.start();
        this.running = true;
        this.logger.log(`took over ${this.name}`);
        return;
      }
    } catch (error) {
      this.logger.warn(`cannot take the ${this.name} lease yet: ${error instanceof Error ? error.message : error}`);
      await lease.release();
    }
    this.retry = setTimeout(() => void this.tryToRun(), this.retryMs);
  }

  private async lost(reason: string): Promise<void> {
    if (!this.running) return;
    this.logger.warn(`lost the ${this.name} lease (${reason}); stopping it here`);
    this.running = false;
    await this.worker.stop();
    await this.lease?.release();
    this.lease = undefined;
    this.retry = setTimeout(() => void this.tryToRun(), this.retryMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    if (this.running) await this.worker.stop();
    this.running = false;
    await this.lease?.release();
    this.lease = undefined;
  }
}
