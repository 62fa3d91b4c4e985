import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CheckpointStore } from '@pangolin/application';
import type { RecordedEvent } from '@pangolin/event-store';

/** Where each projection and process manager stands against the head of the log. */
export interface PipelinePosition {
  kind: 'projection' | 'process-manager';
  name: string;
  checkpoint: bigint;
  head: bigint;
  behind: bigint;
}

/**
 * Pangolin's Prometheus metrics, in a registry of their own (one per running application, so two
 * platforms in one process, as in the tests, never mix their figures), with Node's default
 * process metrics beside them. Served at GET /metrics.
 */
@Injectable()
export class PangolinMetrics {
  private readonly logger = new Logger(PangolinMetrics.name);
  readonly registry = new Registry();
  private positions?: () => Promise<PipelinePosition[]>;
  private parked?: () => Promise<{ worker: string; parked: number }[]>;

  readonly eventsAppended = new Counter({
    name: 'pangolin_events_appended_total',
    help: 'Events written to the event store (idempotent replays write none), by stream category (the stream id before its first "-").',
    labelNames: ['stream_category'] as const,
    registers: [this.registry],
  });

  readonly appendDuration = new Histogram({
    name: 'pangolin_append_duration_seconds',
    help: 'Time taken by event store appends, refused ones included.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly eventsProjected = new Counter({
    name: 'pangolin_events_projected_total',
    help: 'Events applied to a read model, by projection.',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  readonly eventsHandled = new Counter({
    name: 'pangolin_process_manager_events_handled_total',
    help: 'Events a process manager has dealt with (its checkpoint moved past them), by process.',
    labelNames: ['process'] as const,
    registers: [this.registry],
  });

  readonly projectionLag: Gauge<'projection'> = new Gauge({
    name: 'pangolin_projection_lag_events',
    help: 'Events in the log a projection has not applied yet (head position minus its checkpoint), read at scrape time.',
    labelNames: ['projection'] as const,
    registers: [this.registry],
    collect: (): Promise<void> => this.collectLag(this.projectionLag, 'projection', 'projection'),
  });

  readonly processLag: Gauge<'process'> = new Gauge({
    name: 'pangolin_process_manager_lag_events',
    help: 'Events in the log a process manager has not dealt with yet (head position minus its checkpoint), read at scrape time.',
    labelNames: ['process'] as const,
    registers: [this.registry],
    collect: (): Promise<void> => this.collectLag(this.processLag, 'process-manager', 'process'),
  });

  readonly workerFailures = new Counter({
    name: 'pangolin_worker_failures_total',
    help: 'Failed attempts at applying an event, by worker (a projection, "projections" when a whole batch or event failed, or a process manager); each is retried, then parked.',
    labelNames: ['worker'] as const,
    registers: [this.registry],
  });

  readonly eventsParked = new Counter({
    name: 'pangolin_events_parked_total',
    help: 'Events a projection or process manager parked (dead letters) after its attempts, by worker.',
    labelNames: ['worker'] as const,
    registers: [this.registry],
  });

  readonly parkedEvents: Gauge<'worker'> = new Gauge({
    name: 'pangolin_parked_events',
    help: 'Events parked and neither replayed nor dismissed, by worker, read from the read database at scrape time.',
    labelNames: ['worker'] as const,
    registers: [this.registry],
    collect: (): Promise<void> => this.collectParked(),
  });

  readonly witnessRequests = new Counter({
    name: 'pangolin_witness_requests_total',
    help: 'Checkpoints submitted to witnesses (TRANSPARENCY_WITNESSES) for cosigning, by witness name and outcome (cosigned, refused, unreachable); a failure is retried later and never holds up writes.',
    labelNames: ['witness', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'pangolin_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern (never the raw URL; "unmatched" when no route matched) and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'pangolin_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its response, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Tells the lag gauges where to read positions from at each scrape. */
  observePositions(read: () => Promise<PipelinePosition[]>): void {
    this.positions = read;
  }

  /** Tells the parked-events gauge where to read the counts from at each scrape. */
  observeParked(read: () => Promise<{ worker: string; parked: number }[]>): void {
    this.parked = read;
  }

  /** The Prometheus text exposition of every metric (the lag gauges are read from the stores now). */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** For ProjectionRunner's onApplied option. */
  readonly projectionApplied = (projection: string, _event: RecordedEvent): void => {
    this.eventsProjected.inc({ projection });
  };

  /** A process manager's checkpoint store that also counts the events it has dealt with (each save says how many it covers). */
  countingHandled(checkpoints: CheckpointStore): CheckpointStore {
    return {
      load: (name) => checkpoints.load(name),
      save: async (name, position, handled = 1) => {
        await checkpoints.save(name, position);
        this.eventsHandled.inc({ process: name }, handled);
      },
    };
  }

  private async collectParked(): Promise<void> {
    this.parkedEvents.reset();
    if (!this.parked) return;
    try {
      for (const { worker, parked } of await this.parked()) this.parkedEvents.set({ worker }, parked);
    } catch (error) {
      this.logger.warn(`parked events are not available for /metrics: ${error instanceof Error ? error.message : error}`);
    }
  }

  private async collectLag<L extends string>(gauge: Gauge<L>, kind: PipelinePosition['kind'], label: L): Promise<void> {
    gauge.reset();
    if (!this.positions) return;
    let positions: PipelinePosition[];
    try {
      positions = await this.positions();
    } catch (error) {
      // A store that cannot be read leaves the gauge without series rather than failing the whole scrape.
      this.logger.warn(`${kind} lag is not available for /metrics: ${error instanceof Error ? error.message : error}`);
      return;
    }
    for (const position of positions) if (position.kind === kind) gauge.set({ [label]: position.name } as Partial<Record<L, string>>, Number(position.behind));
  }
}

/** The bounded label for a stream: its category, the part of the id before the first "-" (gift, policy, funding...). */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : 'other';
}
