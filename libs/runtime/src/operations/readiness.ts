import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '@pangolin/event-store';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { EventPipeline } from '../infrastructure/event-pipeline.service';
import { EVENT_STORE, READ_DB, RECORDS_DB } from '../infrastructure/tokens';
import { leasesHeld } from '../infrastructure/worker-lease';
import { LogForkStatus } from './log-fork-status';
import { PipelinePositions } from './pipeline-positions';

/** A store that does not answer within this time counts as unreachable (probes must not hang). */
const CHECK_TIMEOUT_MS = 5000;

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  /**
   * The checks that failed, as paths into `checks` (e.g. "readDb", "projections.gift-trace"; "projections"
   * when the positions could not be read at all); empty when ready. Why a store failed is logged, not
   * answered: the route is public.
   */
  failed: string[];
  checks: {
    eventStore: { ok: boolean; head?: string };
    readDb: { ok: boolean };
    /** The records store (logins, keys, signed checkpoints, the process managers' checkpoints). */
    records: { ok: boolean };
    /** Each projection, then each process manager; positions are decimal strings (64-bit). */
    projections: { name: string; kind: 'projection' | 'process-manager'; checkpoint: string; behind: string; ok: boolean }[];
    /**
     * Events parked (dead letters, see GET /admin/parked-events), per worker. They do not make the
     * instance unready: the worker has moved on and everything else is served.
     */
    parkedEvents: { worker: string; parked: number }[];
    /** Workers running here that keep failing on one event without progress: each fails the check `stuck.<worker>`. */
    stuck: { worker: string; position: string; eventId: string; since: string; failures: number }[];
    /** False when the Merkle log no longer extends the checkpoint last signed (a fork): `transparencyLog` fails. */
    transparencyLog: { ok: boolean; forkedFrom?: string };
    /**
     * Each background worker (the projections, the process manager): whether it runs in this process,
     * and whether it runs at all: here, or (server mode) in whichever process holds its lease.
     */
    workers: { name: string; runsHere: boolean; ok: boolean }[];
  };
}

/**
 * Whether this instance can serve: both stores answer, every projection and process manager
 * is at most READINESS_MAX_LAG events behind the head of the log (further behind, its views or
 * its reactions would be too stale to be worth routing traffic to), and every worker runs
 * somewhere: here, or (server mode) in the process holding its lease. Not ready either while a
 * worker running here keeps failing on one event (the Merkle log, which never skips one, or any
 * worker while its store fails), or while the Merkle log has forked from its signed checkpoints.
 * Parked events are listed but keep it ready: their workers have moved on.
 */
@Injectable()
export class Readiness {
  private readonly logger = new Logger(Readiness.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(RECORDS_DB) private readonly records: DataSource,
    @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig,
    private readonly positions: PipelinePositions,
    private readonly pipeline: EventPipeline,
    private readonly logFork: LogForkStatus,
  ) {}

  async check(): Promise<ReadinessReport> {
    const [eventStore, readDb, records] = await Promise.all([this.checkEventStore(), this.checkDatabase(this.db, 'the read database'), this.checkDatabase(this.records, 'the records store')]);
    const fork = this.logFork.current;
    const stuck = this.pipeline.stuckWorkers().map(({ worker, position, eventId, since, failures }) => ({ worker, position: position.toString(), eventId, since, failures }));
    const checks: ReadinessReport['checks'] = { eventStore, readDb, records, projections: [], workers: [], parkedEvents: [], stuck, transparencyLog: fork ? { ok: false, forkedFrom: fork.signedSize.toString() } : { ok: true } };
    const failed: string[] = [];
    if (!eventStore.ok) failed.push('eventStore');
    if (!readDb.ok) failed.push('readDb');
    if (!records.ok) failed.push('records');
    try {
      const maxLag = BigInt(this.config.readinessMaxLag);
      for (const { kind, name, checkpoint, behind } of await withTimeout(this.positions.read(), 'reading the checkpoints')) {
        const ok = behind <= maxLag;
        checks.projections.push({ name, kind, checkpoint: checkpoint.toString(), behind: behind.toString(), ok });
        if (!ok) failed.push(`projections.${name}`);
      }
    } catch (error) {
      this.logger.warn(`readiness: could not read the projections' positions: ${messageOf(error)}`);
      failed.push('projections');
    }
    try {
      checks.workers = await withTimeout(this.checkWorkers(), 'looking up the workers');
      for (const { name, ok } of checks.workers) if (!ok) failed.push(`workers.${name}`);
    } catch (error) {
      this.logger.warn(`readiness: could not tell whether the workers run: ${messageOf(error)}`);
      failed.push('workers');
    }
    for (const { worker } of stuck) failed.push(`stuck.${worker}`);
    if (fork) failed.push('transparencyLog');
    try {
      checks.parkedEvents = await withTimeout(this.pipeline.parkedCounts(), 'reading the parked events');
    } catch (error) {
      this.logger.warn(`readiness: could not count the parked events: ${messageOf(error)}`);
      failed.push('parkedEvents');
    }
    return { status: failed.length ? 'not-ready' : 'ready', failed, checks };
  }

  /**
   * A worker runs if it runs here or, with leases (a PostgreSQL read database), some session holds
   * its lease. After the database comes back, workers retake their leases a little after the stores
   * answer: until then this instance is not ready, since nothing would project or allocate.
   */
  private async checkWorkers(): Promise<ReadinessReport['checks']['workers']> {
    const workers = this.pipeline.workers();
    const { readDb } = this.config;
    const elsewhere = workers.filter(({ runsHere }) => !runsHere).map(({ name }) => name);
    const held = readDb.type === 'postgres' && elsewhere.length ? await leasesHeld((sql, parameters) => this.db.query(sql, parameters), readDb.schema, elsewhere) : new Set<string>();
    return workers.map(({ name, runsHere }) => ({ name, runsHere, ok: runsHere || held.has(name) }));
  }

  private async checkEventStore(): Promise<ReadinessReport['checks']['eventStore']> {
    try {
      return { ok: true, head: (await withTimeout(this.store.headPosition(), 'the event store')).toString() };
    } catch (error) {
      this.logger.warn(`readiness: the event store is not reachable: ${messageOf(error)}`);
      return { ok: false };
    }
  }

  private async checkDatabase(db: DataSource, name: string): Promise<{ ok: boolean }> {
    try {
      if (!db.isInitialized) throw new Error(`the connection to ${name} is closed`);
      await withTimeout(db.query('SELECT 1'), name);
      return { ok: true };
    } catch (error) {
      this.logger.warn(`readiness: ${name} is not reachable: ${messageOf(error)}`);
      return { ok: false };
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
