import type { RecordedEvent } from '../event-store.port';

/** Attempts at one event before a worker parks it (a dead letter), unless configured otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Wait before a worker's second attempt at an event, doubled before each further one. */
export const DEFAULT_RETRY_BACKOFF_MS = 100;

/** A subscriber retrying the same event without progress: what it fails on, since when, how often. */
export interface StuckWorker {
  worker: string;
  position: bigint;
  eventId: string;
  /** ISO-8601 time of the first of these consecutive failures. */
  since: string;
  failures: number;
  /** The last failure's message. */
  error: string;
}

/** Remembers the event a subscriber keeps failing on (consecutive failed deliveries), until it gets past it. */
export class StuckTracker {
  private current?: StuckWorker;

  failed(worker: string, event: Pick<RecordedEvent, 'position' | 'eventId'>, error: unknown): void {
    const again = this.current?.worker === worker && this.current.position === event.position;
    this.current = {
      worker,
      position: event.position,
      eventId: event.eventId,
      since: again ? this.current!.since : new Date().toISOString(),
      failures: again ? this.current!.failures + 1 : 1,
      error: failureText(error),
    };
  }

  progressed(): void {
    this.current = undefined;
  }

  /**
   * The worker starts (again, say after retaking its lease): what it failed on before it stopped is
   * no longer its to report. Another process may have got past that event meanwhile, and this run,
   * starting after it, would never deliver it to clear the report (readiness would fail for good).
   */
  started(): void {
    this.current = undefined;
  }

  get stuck(): StuckWorker | undefined {
    return this.current;
  }
}

/** An error as one line of text for operators: its name and message (the stack goes to the log). */
export function failureText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
