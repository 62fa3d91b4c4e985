import type { EntityManager } from 'typeorm';
import { postingsFor } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { pangolinEvent } from '../shared/pangolin-event';
import { LedgerPostingRow } from './ledger-posting.entity';
import { LedgerEntryRow } from './ledger-entry.entity';

/** Double-entry ledger of every money movement, as the domain's posting rules derive it from events. */
export class LedgerProjection implements Projection {
  readonly name = 'ledger';

  async apply(recorded: RecordedEvent, tx: EntityManager): Promise<void> {
    const postings = postingsFor(pangolinEvent(recorded), { eventId: recorded.eventId, position: recorded.position, occurredAt: recorded.metadata.occurredAt });
    for (const posting of postings) {
      const { postingId, kind, currency, giftIds, eventId, position } = posting;
      await tx.insert(LedgerPostingRow, { postingId, kind, currency, giftIds, eventId, position });
      await tx.insert(
        LedgerEntryRow,
        posting.entries.map((entry, line) => ({ postingId, line, account: entry.account, amount: entry.amount, currency, giftIds, eventId, position })),
      );
    }
  }
}
