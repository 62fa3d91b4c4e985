import type { EntityManager } from 'typeorm';
import { keysetPage, listOrder, mapPage, type Page, type PageRequest } from '../shared/paging';
import { PublicMoneyMovementRow } from './public-money-movement.entity';
import type { PublicMovementKind } from './money-feed.projection';

export interface PublicMoneyMovement {
  /** The event id, suffixed `:<index>` when the event moves money more than once. */
  id: string;
  kind: string;
  amount: { amount: number; currency: string };
  occurredAt: string;
  /** The log position and id of the event that records it: its inclusion proof is at /transparency/events/:eventId/inclusion-proof. */
  position: string;
  eventId: string;
}

const FEED = listOrder('public-money-movements', [['movement.position', 'position'], ['movement.postingId', 'text']], 'DESC');

/** A page of the public money movements, newest first, optionally of one kind. */
export async function moneyFeed(manager: EntityManager, page: PageRequest, filter: { kind?: PublicMovementKind } = {}): Promise<Page<PublicMoneyMovement>> {
  const query = manager.createQueryBuilder(PublicMoneyMovementRow, 'movement');
  if (filter.kind) query.where('movement.kind = :kind', { kind: filter.kind });
  const rows = await keysetPage(query, FEED, page, (row) => [row.position.toString(), row.postingId]);
  return mapPage(rows, ({ postingId, kind, amount, currency, occurredAt, position, eventId }) => ({ id: postingId, kind, amount: { amount, currency }, occurredAt, position: position.toString(), eventId }));
}
