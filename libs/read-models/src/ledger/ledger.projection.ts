import type { EntityManager } from 'typeorm';
import { postingsFor, type PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, RowSet } from '../shared/row-set';
import { LedgerPostingRow } from './ledger-posting.entity';
import { LedgerEntryRow } from './ledger-entry.entity';
import { LedgerPostingGiftRow } from './ledger-posting-gift.entity';
import { LedgerTotalRow } from './ledger-total.entity';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return { postings: new RowSet(tx, LedgerPostingRow), entries: new RowSet(tx, LedgerEntryRow), postingGifts: new RowSet(tx, LedgerPostingGiftRow), totals: new RowSet(tx, LedgerTotalRow) };
}

/** Double-entry ledger of every money movement, as the domain's posting rules derive it from events, and its total per currency. Appended to, a batch at a time. */
export class LedgerProjection implements Projection {
  readonly name = 'ledger';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, async () => {}, appendPostings);
  }
}

async function appendPostings({ postings, entries, postingGifts, totals }: Tables, event: PangolinEvent, recorded: RecordedEvent): Promise<void> {
  for (const posting of postingsFor(event, { eventId: recorded.eventId, position: recorded.position, occurredAt: recorded.metadata.occurredAt })) {
    const { postingId, kind, currency, giftIds, eventId, position } = posting;
    postings.append({ postingId, kind, currency, giftIds, eventId, position });
    for (const giftId of new Set(giftIds)) postingGifts.append({ giftId, position, postingId });
    for (const [line, entry] of posting.entries.entries()) entries.append({ postingId, line, account: entry.account, amount: entry.amount, currency, giftIds, eventId, position });
    const sum = posting.entries.reduce((total, entry) => total + entry.amount, 0);
    const kept = await totals.get({ currency });
    if (kept) totals.change(kept, { total: kept.total + sum });
    else await totals.insert({ currency, total: sum });
  }
}
