import type { EntityManager } from 'typeorm';
import { keysetPage, listOrder, mapPage, type Page, type PageRequest } from '../shared/paging';
import { HouseholdHistoryRow } from './household-history.entity';

export interface HouseholdHistoryEntry {
  type: string;
  occurredAt: string;
  /** The event's log position and id: its inclusion proof is at /transparency/events/:eventId/inclusion-proof. */
  position: string;
  eventId: string;
  detail: Record<string, unknown>;
}

const HISTORY = listOrder('household-history', [['entry.position', 'position']]);

/** A page of a household's history, oldest first. */
export async function householdHistory(manager: EntityManager, householdId: string, page: PageRequest): Promise<Page<HouseholdHistoryEntry>> {
  const query = manager.createQueryBuilder(HouseholdHistoryRow, 'entry').where('entry.householdId = :householdId', { householdId });
  const rows = await keysetPage(query, HISTORY, page, (row) => [row.position.toString()]);
  return mapPage(rows, ({ type, occurredAt, position, eventId, detail }) => ({ type, occurredAt, position: position.toString(), eventId, detail }));
}
