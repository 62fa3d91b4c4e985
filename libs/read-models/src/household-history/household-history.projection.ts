import type { EntityManager } from 'typeorm';
import type { PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { HouseholdHistoryPolicyRow, HouseholdHistoryRow } from './household-history.entity';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return { history: new RowSet(tx, HouseholdHistoryRow), policies: new RowSet(tx, HouseholdHistoryPolicyRow) };
}

/** A household's entries from one event: the households it concerns, and what to show of it. */
type Entries = { householdId: string; detail: Record<string, unknown> }[];

/**
 * Each household's history, an entry per event that concerns it, for the household's page. Kept
 * apart from the households view: appended to, a batch at a time; a claim decided on a policy's
 * stream is filed under the household the policy was requested for.
 */
export class HouseholdHistoryProjection implements Projection {
  readonly name = 'household-history';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

async function prefetch({ policies }: Tables, events: readonly PangolinEvent[]): Promise<void> {
  await policies.load('policyId', keysIn(events, (event) => (event.type === 'ClaimApproved' || event.type === 'ClaimRejected' ? event.data.policyId : undefined)));
}

async function applyEvent({ history, policies }: Tables, event: PangolinEvent, recorded: RecordedEvent): Promise<void> {
  if (event.type === 'PolicyRequested') await policies.insert({ policyId: event.data.policyId, householdId: event.data.householdId });
  for (const { householdId, detail } of await entriesOf(event, policies)) {
    history.append({ householdId, position: recorded.position, type: event.type, eventId: recorded.eventId, occurredAt: recorded.metadata.occurredAt, detail });
  }
}

async function entriesOf(event: PangolinEvent, policies: RowSet<HouseholdHistoryPolicyRow>): Promise<Entries> {
  const one = (householdId: string, detail: Record<string, unknown>): Entries => [{ householdId, detail }];
  switch (event.type) {
    case 'HouseholdRegistered': {
      const { householdId, householdCode, villageCode, category, size } = event.data;
      return one(householdId, { householdCode, villageCode, category, size });
    }
    case 'HouseholdEligibilityVerified':
      return one(event.data.householdId, { category: event.data.category });
    case 'HouseholdEligibilityRevoked':
    case 'HouseholdPersonalDataErased':
      return one(event.data.householdId, { reason: event.data.reason });
    case 'GiftPledged':
      return event.data.target.kind === 'household' ? one(event.data.target.householdId, { giftId: event.data.giftId, amount: event.data.amount, productId: event.data.target.productId }) : [];
    case 'GiftAllocated': {
      const { householdId, giftId, policyId, productId, amount } = event.data;
      return one(householdId, { giftId, policyId, productId, amount });
    }
    case 'PolicyRequested': {
      const { householdId, policyId, productId, insurerId, premium, sumInsured } = event.data;
      return one(householdId, { policyId, productId, insurerId, premium, sumInsured });
    }
    case 'PolicyIssued': {
      const { householdId, policyId, policyNumber, insurerId, startDate, endDate, premium } = event.data;
      return one(householdId, { policyId, policyNumber, insurerId, startDate, endDate, premium });
    }
    case 'PolicyCancelled': {
      const { householdId, policyId, reason, effectiveDate, unearnedPremium } = event.data;
      return one(householdId, { policyId, reason, effectiveDate, unearnedPremium });
    }
    case 'PolicyExpired':
      return one(event.data.householdId, { policyId: event.data.policyId, endDate: event.data.endDate });
    case 'ClaimFiled': {
      const { householdId, policyId, claimId, incidentDate, kind, amountClaimed, filedBy, declarationId } = event.data;
      return one(householdId, { policyId, claimId, incidentDate, kind, amountClaimed, filedBy: filedBy.role, ...(declarationId ? { declarationId } : {}) });
    }
    case 'ClaimApproved':
    case 'ClaimRejected': {
      const policy = await policies.get({ policyId: event.data.policyId });
      if (!policy) return [];
      const { policyId, claimId } = event.data;
      return one(policy.householdId, event.type === 'ClaimApproved' ? { policyId, claimId, approvedAmount: event.data.approvedAmount, inFull: event.data.inFull } : { policyId, claimId, reason: event.data.reason });
    }
    case 'ClaimPaid': {
      const { householdId, policyId, claimId, amount } = event.data;
      return one(householdId, { policyId, claimId, amount });
    }
    default:
      return [];
  }
}
