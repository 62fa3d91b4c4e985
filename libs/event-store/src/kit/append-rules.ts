import { AppendResult, DuplicateEventId, ExpectedRevision, WrongExpectedRevision } from '../event-store.port';

/** The last event of a stream, as an append checks it: its revision and its position in the log. */
export interface StreamHead {
  revision: number;
  position: bigint;
}

/** What an append needs to know about a stored event whose id the batch names. */
export interface StoredEvent extends StreamHead {
  eventId: string;
  streamId: string;
}

/** The stream's revision as WrongExpectedRevision reports it: 'no-stream' when it has no event. */
export function actualRevision(head: StreamHead | undefined): number | 'no-stream' {
  return head ? head.revision : 'no-stream';
}

/** Throws WrongExpectedRevision unless the stream (`head`: its last event, if any) is where the writer expects it. */
export function requireExpected(streamId: string, expected: ExpectedRevision, head: StreamHead | undefined): void {
  const actual = actualRevision(head);
  if (expected !== 'any' && expected !== actual) throw new WrongExpectedRevision(streamId, expected, actual);
}

/** The result of an append that wrote nothing new to a stream at `head`: -1 and 0n when the stream does not exist. */
export function headResult(head: StreamHead | undefined): AppendResult {
  return { nextRevision: head?.revision ?? -1, lastPosition: head?.position ?? 0n, alreadyStored: false };
}

/** A batch may not name an id twice (a DuplicateEventId); returns the batch's ids, in order. */
export function rejectRepeatedIds(streamId: string, events: readonly { eventId: string }[]): string[] {
  const batchIds = new Set<string>();
  for (const { eventId } of events) {
    if (batchIds.has(eventId)) throw new DuplicateEventId(eventId, streamId);
    batchIds.add(eventId);
  }
  return [...batchIds];
}

/**
 * The port's replay rule. An append is a replay when every id of the batch is stored in this stream,
 * in batch order at consecutive revisions: the result of the original append is returned, whatever
 * the expected revision says (so a retry is safe). Any other reuse of a stored id, or an id repeated
 * within the batch, is a DuplicateEventId; the clash named is one in another stream if there is one.
 * Returns undefined when no id of the batch is stored.
 *
 * `lookup` gives the stored events among those with the batch's ids (an adapter may give more: the
 * others are ignored); it is not called for an empty batch. Where it searches is the adapter's
 * guarantee: the whole log for an adapter with an index of event ids (SQLite); only this stream for
 * one without (KurrentDB, where an id stored in another stream goes unnoticed). PostgreSQL applies
 * the same rule inside append_events, under its append lock.
 */
export function findReplay(
  streamId: string,
  events: readonly { eventId: string }[],
  lookup: (eventIds: readonly string[]) => Iterable<StoredEvent>,
): AppendResult | undefined {
  const batchIds = rejectRepeatedIds(streamId, events);
  if (batchIds.length === 0) return undefined;

  const wanted = new Set(batchIds);
  const storedById = new Map<string, StoredEvent>();
  for (const stored of lookup(batchIds)) if (wanted.has(stored.eventId)) storedById.set(stored.eventId, stored);
  if (storedById.size === 0) return undefined;

  const found = batchIds.map((eventId) => storedById.get(eventId));
  const first = found[0];
  const isReplay =
    first !== undefined && found.every((stored, index) => stored !== undefined && stored.streamId === streamId && stored.revision === first.revision + index);
  if (!isReplay) {
    const clash = found.find((stored) => stored !== undefined && stored.streamId !== streamId) ?? found.find((stored) => stored !== undefined)!;
    throw new DuplicateEventId(clash.eventId, clash.streamId);
  }
  const last = found[found.length - 1]!;
  return { nextRevision: last.revision, lastPosition: last.position, alreadyStored: true };
}

/** A count given by a caller (a limit, a revision): a non-negative safe integer, else a RangeError. */
export function requireCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}
