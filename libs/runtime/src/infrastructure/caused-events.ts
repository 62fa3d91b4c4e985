import { ForwardingEventStore, type AppendResult, type EventStore, type ExpectedRevision, type NewEvent } from '@pangolin/event-store';

/** Correlation ids remembered; the oldest are forgotten beyond this (a settle long past needs none of them). */
const REMEMBERED_CORRELATIONS = 10_000;

/**
 * Where the events a process manager of this process appended went, by correlation id: the last
 * position of each. EventPipeline.settle follows a request's consequences with it instead of reading
 * the log after the request's event for each step (a query per request that grew with the load).
 * Only the latest REMEMBERED_CORRELATIONS ids are kept; `lastAfter` says when it cannot tell.
 */
export class CausedEvents {
  private readonly lastByCorrelation = new Map<string, bigint>();
  /** The highest position among forgotten entries: an event up to here may no longer be found. */
  private forgottenThrough = 0n;

  constructor(private readonly remembered = REMEMBERED_CORRELATIONS) {}

  record(correlationId: string, position: bigint): void {
    const known = this.lastByCorrelation.get(correlationId);
    // Deleted and set again: the Map keeps insertion order, so the first entry is the one least recently appended to.
    this.lastByCorrelation.delete(correlationId);
    this.lastByCorrelation.set(correlationId, known !== undefined && known > position ? known : position);
    if (this.lastByCorrelation.size <= this.remembered) return;
    const [oldest, last] = this.lastByCorrelation.entries().next().value!;
    this.lastByCorrelation.delete(oldest);
    if (last > this.forgottenThrough) this.forgottenThrough = last;
  }

  /**
   * The position of the last event appended with `correlationId`, if it is after `after`; undefined
   * when there is none; 'unknown' when entries that might hold one were forgotten. (An event after
   * `after` is either still recorded or was forgotten with a position above `after`.)
   */
  lastAfter(correlationId: string, after: bigint): bigint | undefined | 'unknown' {
    if (after < this.forgottenThrough) return 'unknown';
    const last = this.lastByCorrelation.get(correlationId);
    return last !== undefined && last > after ? last : undefined;
  }
}

/** An event store whose appends (by the process manager it is given to) are recorded in `caused`. */
export class RecordingCausedEvents extends ForwardingEventStore {
  constructor(inner: EventStore, private readonly caused: CausedEvents) {
    super(inner);
  }

  override async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const result = await this.inner.append(streamId, expected, events);
    if (events.length > 0) this.caused.record(events[0]!.metadata.correlationId, result.lastPosition);
    return result;
  }
}
