import type { EntityManager } from 'typeorm';
import { postingsFor, type PostingKind } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, RowSet } from '../shared/row-set';
import { PublicMoneyMovementRow } from './public-money-movement.entity';

/** The ledger's postings the public feed shows; moving premium from a gift's escrow to a policy is bookkeeping inside the platform. */
export const PUBLIC_MOVEMENT_KINDS = ['gift-received', 'premium-paid-to-insurer', 'claim-paid', 'unearned-premium-refunded', 'remainder-refunded'] as const satisfies readonly PostingKind[];
export type PublicMovementKind = (typeof PUBLIC_MOVEMENT_KINDS)[number];

const SHOWN: ReadonlySet<string> = new Set(PUBLIC_MOVEMENT_KINDS);

/**
 * The public feed of money movements: the ledger's postings (the domain's posting rules) without
 * their accounts, so nobody is named. Appended to, a batch at a time.
 */
export class MoneyFeedProjection implements Projection {
  readonly name = 'money-feed';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets({ movements: new RowSet(tx, PublicMoneyMovementRow) }, events, async () => {}, async ({ movements }, event, recorded) => {
      for (const posting of postingsFor(event, { eventId: recorded.eventId, position: recorded.position, occurredAt: recorded.metadata.occurredAt })) {
        if (!SHOWN.has(posting.kind)) continue;
        // Each posting moves one amount: its receiving side.
        const amount = posting.entries.reduce((sum, entry) => (entry.amount > 0 ? sum + entry.amount : sum), 0);
        const { postingId, kind, currency, eventId, position, occurredAt } = posting;
        movements.append({ postingId, position, kind, amount, currency, occurredAt, eventId });
      }
    });
  }
}
