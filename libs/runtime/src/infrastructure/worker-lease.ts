import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { POSTGRES_KEEPALIVE } from '@pangolin/event-store';

/** First key of every lease's two-part advisory lock, so Pangolin's leases cannot collide with other locks. */
export const LEASE_NAMESPACE = 0x5041_4e47; // "PANG"

/** Where the leases live: the read database (its schema scopes them, so platforms on other schemas of one database do not share them). */
export interface LeaseDatabase {
  url: string;
  schema: string;
  /** How long opening the lease's connection may take. */
  connectTimeoutMs: number;
}

/** The text whose hash is the second key of a worker's advisory lock. */
export function leaseKey(schema: string, workerName: string): string {
  return `${schema}/${workerName}`;
}

/**
 * Who runs a background worker (the projections, the process manager) when several projector
 * processes share one PostgreSQL database: the holder of a session-level advisory lock, held on a
 * connection of its own. If the process dies, PostgreSQL ends its session and frees the lock, and
 * another projector takes the worker over from the committed checkpoints.
 */
export class PostgresWorkerLease {
  private client?: Client;

  constructor(private readonly database: LeaseDatabase, readonly workerName: string) {}

  /** Takes the lease if nobody holds it; `onLost` is called (perhaps more than once) if the connection holding it fails. */
  async tryAcquire(onLost: (reason: string) => void): Promise<boolean> {
    const client = new Client({
      connectionString: this.database.url,
      connectionTimeoutMillis: this.database.connectTimeoutMs,
      ...POSTGRES_KEEPALIVE,
      application_name: `pangolin lease ${this.workerName}`,
    });
    let held = false;
    // Listening from the start: a connection that fails before the lock is taken rejects the call
    // below, but still emits 'error', which unheard would crash the process.
    client.on('error', (error) => held && onLost(error.message));
    client.on('end', () => held && onLost('lease connection closed'));
    try {
      await client.connect();
      const { rows } = await client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS acquired', [
        LEASE_NAMESPACE,
        leaseKey(this.database.schema, this.workerName),
      ]);
      held = rows[0].acquired;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (!held) {
      await client.end().catch(() => undefined);
      return false;
    }
    this.client = client;
    return true;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/**
 * Which of `workerNames` some session, of any process, holds the lease of (read from pg_locks
 * through `query`, a connection to the read database).
 */
export async function leasesHeld(query: (sql: string, parameters: unknown[]) => Promise<{ name: string }[]>, schema: string, workerNames: readonly string[]): Promise<Set<string>> {
  // A two-part advisory lock shows its keys as classid and objid (an oid: the int4 hash read unsigned), objsubid 2.
  const rows = await query(
    `SELECT worker.name FROM unnest($2::text[], $3::text[]) AS worker(name, key)
     WHERE EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = $1::bigint::oid AND l.objid = (hashtext(worker.key)::bigint & 4294967295)::oid)`,
    [LEASE_NAMESPACE, workerNames, workerNames.map((name) => leaseKey(schema, name))],
  );
  return new Set(rows.map((row) => row.name));
}

export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `worker` while this process holds its lease, and keeps trying to take the lease while it
 * does not (also after losing it: a restarted database, a terminated connection). Without a lease
 * (embedded mode: one process) it simply runs the worker.
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
      if (await lease.tryAcquire((reason) => void this.lost(lease, reason))) {
        this.lease = lease;
        await this.worker.start();
        if (this.lease !== lease) {
          // Lost while the worker started: lost() has released the lease and planned the next try.
          await this.worker.stop();
          return;
        }
        this.running = true;
        this.logger.log(`took over ${this.name}`);
        return;
      }
    } catch (error) {
      this.logger.warn(`cannot take the ${this.name} lease yet: ${error instanceof Error ? error.message : error}`);
      if (this.lease === lease) this.lease = undefined;
      await lease.release();
    }
    this.retryLater();
  }

  private async lost(lease: PostgresWorkerLease, reason: string): Promise<void> {
    if (this.lease !== lease) return;
    this.lease = undefined;
    this.logger.warn(`lost the ${this.name} lease (${reason}); stopping it here`);
    const wasRunning = this.running;
    this.running = false;
    try {
      if (wasRunning) await this.worker.stop();
    } catch (error) {
      this.logger.error(`stopping ${this.name} failed: ${error instanceof Error ? error.message : error}`);
    }
    await lease.release();
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.tryToRun().catch((error) => this.logger.error(`running ${this.name} failed: ${error instanceof Error ? error.message : error}`)), this.retryMs);
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
