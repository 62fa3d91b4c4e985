import { In, type EntityManager } from 'typeorm';
import { failureText, type RecordedEvent } from '@pangolin/event-store';
import { applyKeyset, decodeCursor, listOrder, Page, PageRequest, pageOf } from '../shared/paging';
import { ParkedEventRow } from './parked-event.entity';

/** What is known about an event a worker failed to apply. */
export interface EventFailure {
  worker: string;
  event: Pick<RecordedEvent, 'position' | 'eventId' | 'type'>;
  error: unknown;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

/** The message kept for an error: its message, at most 2,000 characters (a stack stays in the log). */
export function failureMessage(error: unknown): string {
  const text = failureText(error);
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}

/** Parks an event for a worker (again, after a rebuild: the record is replaced). */
export async function parkEvent(tx: EntityManager, failure: EventFailure): Promise<void> {
  const { worker, event } = failure;
  await tx.delete(ParkedEventRow, { worker, position: event.position });
  await tx.insert(ParkedEventRow, {
    worker,
    position: event.position,
    eventId: event.eventId,
    eventType: event.type,
    error: failureMessage(failure.error),
    attempts: failure.attempts,
    firstFailedAt: failure.firstFailedAt,
    lastFailedAt: failure.lastFailedAt,
    dismissedAt: null,
    dismissedBy: null,
    note: null,
  });
}

export type ParkedStatus = 'parked' | 'dismissed';

/** Dead letters, oldest position first. */
export const PARKED_EVENTS = listOrder('parked-events', [['parked.position', 'position'], ['parked.worker', 'text']]);

/**
 * One page of dead letters, oldest position first, from each database that keeps some (the
 * projections' among the views, the process managers' in the records store): a page of each,
 * merged in the same order.
 */
export async function listParkedEvents(managers: readonly EntityManager[], status: ParkedStatus, page: PageRequest): Promise<Page<ParkedEventRow>> {
  const after = page.cursor === undefined ? undefined : decodeCursor(PARKED_EVENTS, page.cursor);
  const rows: ParkedEventRow[] = [];
  for (const manager of managers) {
    const query = manager.createQueryBuilder(ParkedEventRow, 'parked').where(`parked.dismissedAt IS ${status === 'parked' ? '' : 'NOT '}NULL`);
    rows.push(...(await applyKeyset(query, PARKED_EVENTS, after).limit(page.limit + 1).getMany()));
  }
  rows.sort((a, b) => (a.position !== b.position ? (a.position < b.position ? -1 : 1) : a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : 0));
  return pageOf(rows, PARKED_EVENTS, page.limit, (row) => [row.position.toString(), row.worker]);
}

/** Events parked (not dismissed), per worker. */
export async function parkedCounts(manager: EntityManager): Promise<{ worker: string; parked: number }[]> {
  const rows: { worker: string; parked: string | number }[] = await manager
    .createQueryBuilder(ParkedEventRow, 'parked')
    .select('parked.worker', 'worker')
    .addSelect('COUNT(*)', 'parked')
    .where('parked.dismissedAt IS NULL')
    .groupBy('parked.worker')
    .orderBy('parked.worker')
    .getRawMany();
  return rows.map(({ worker, parked }) => ({ worker, parked: Number(parked) }));
}

export function findParkedEvent(manager: EntityManager, worker: string, position: bigint): Promise<ParkedEventRow | null> {
  return manager.findOneBy(ParkedEventRow, { worker, position });
}

/** Removes a worker's record of an event: it has now been applied. */
export async function unparkEvent(tx: EntityManager, worker: string, position: bigint): Promise<void> {
  await tx.delete(ParkedEventRow, { worker, position });
}

/** A replay failed again: the record says so. */
export async function recordReplayFailure(manager: EntityManager, worker: string, position: bigint, error: unknown, at: string): Promise<void> {
  await manager.increment(ParkedEventRow, { worker, position }, 'attempts', 1);
  await manager.update(ParkedEventRow, { worker, position }, { error: failureMessage(error), lastFailedAt: at });
}

export async function dismissParkedEvent(manager: EntityManager, worker: string, position: bigint, dismissal: { by: string; note: string; at: string }): Promise<void> {
  await manager.update(ParkedEventRow, { worker, position }, { dismissedAt: dismissal.at, dismissedBy: dismissal.by, note: dismissal.note });
}

/** Forgets the records of these projections (their read models are being rebuilt). */
export async function forgetParkedEvents(tx: EntityManager, workers: readonly string[]): Promise<void> {
  if (workers.length) await tx.delete(ParkedEventRow, { worker: In(workers) });
}
