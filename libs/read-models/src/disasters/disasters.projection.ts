import type { EntityManager } from 'typeorm';
import type { PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { DisasterDeclarationRow } from './disaster-declaration.entity';
import { DisasterPayoutRow } from './disaster-payout.entity';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return { declarations: new RowSet(tx, DisasterDeclarationRow), payouts: new RowSet(tx, DisasterPayoutRow) };
}

/** Disaster declarations and their payouts, one row per paid policy (never read here: appended). Applied a batch at a time (see RowSet). */
export class DisastersProjection implements Projection {
  readonly name = 'disasters';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

async function prefetch({ declarations }: Tables, events: readonly PangolinEvent[]): Promise<void> {
  await declarations.load('declarationId', keysIn(events, (event) => (event.type.startsWith('Disaster') ? (event.data as { declarationId: string }).declarationId : undefined)));
}

async function applyEvent({ declarations, payouts }: Tables, event: PangolinEvent): Promise<void> {
  switch (event.type) {
    case 'DisasterDeclared': {
      const { declarationId, declaredBy, peril, regionCodes, incidentFrom, incidentTo, severity, authorityReference, declaredAt } = event.data;
      await declarations.insert({
        declarationId, declaredBy, peril, regionCodes, incidentFrom, incidentTo, severity, authorityReference, declaredAt, answers: [], policiesPaid: 0, amountPaid: 0, currency: null,
      });
      return;
    }
    case 'DisasterDeclarationConfirmed':
    case 'DisasterDeclarationDisputed': {
      const { declarationId, insurerId } = event.data;
      const row = await declarations.getOrFail({ declarationId });
      const answer = event.type === 'DisasterDeclarationConfirmed'
        ? { insurerId, status: 'confirmed' as const, reason: null, answeredAt: event.data.confirmedAt, completedAt: null }
        : { insurerId, status: 'disputed' as const, reason: event.data.reason, answeredAt: event.data.disputedAt, completedAt: null };
      await declarations.update({ declarationId }, { answers: [...row.answers, answer] });
      return;
    }
    case 'DisasterPayoutBatchRecorded': {
      const { declarationId, insurerId, batchNumber, payouts: paid, recordedAt } = event.data;
      const row = await declarations.getOrFail({ declarationId });
      // Appended, not inserted: an insert reads its key first, which loads every payout of the
      // declaration so far (the first key column) for each batch, a cost growing with the payouts.
      // The declaration records each policy once (its decider drops those already paid).
      for (const { policyId, householdId, claimId, amount, payoutReference } of paid) {
        payouts.append({ declarationId, policyId, householdId, insurerId, claimId, amount: amount.amount, currency: amount.currency, payoutReference, batchNumber, paidAt: recordedAt });
      }
      const total = paid.reduce((sum, { amount }) => sum + amount.amount, 0);
      await declarations.update({ declarationId }, { policiesPaid: row.policiesPaid + paid.length, amountPaid: row.amountPaid + total, currency: paid[0]?.amount.currency ?? row.currency });
      return;
    }
    case 'DisasterPayoutsCompleted': {
      const { declarationId, insurerId, completedAt } = event.data;
      const row = await declarations.getOrFail({ declarationId });
      await declarations.update({ declarationId }, { answers: row.answers.map((answer) => (answer.insurerId === insurerId ? { ...answer, completedAt } : answer)) });
      return;
    }
  }
}
