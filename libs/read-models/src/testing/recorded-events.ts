import { disclosureStream, streams, type PangolinEvent } from '@pangolin/domain';
import type { EventStore, RecordedEvent } from '@pangolin/event-store';

/** The stream a catalogued event belongs to, as the command side writes it. */
export function streamOf(event: PangolinEvent): string {
  switch (event.type) {
    case 'HouseholdRegistered':
    case 'HouseholdEligibilityVerified':
    case 'HouseholdEligibilityRevoked':
    case 'HouseholdPersonalDataErased':
      return streams.household(event.data.householdId);
    case 'ProductPublished':
    case 'ProductRevised':
    case 'ProductRetired':
      return streams.product(event.data.productId);
    case 'ProgrammeLaunched':
    case 'ProgrammeClosed':
      return streams.programme(event.data.programmeId);
    case 'GiftPledged':
    case 'GiftPaymentConfirmed':
    case 'ProgrammeAllocationPlanned':
    case 'GiftAllocated':
    case 'GiftRemainderHeld':
    case 'GiftRemainderRefunded':
    case 'GiftPremiumRefundCredited':
    case 'GiftPledgeExpired':
    case 'GiftPledgeWithdrawn':
      return streams.gift(event.data.giftId);
    case 'PremiumContributionAccepted':
    case 'PremiumContributionDeclined':
    case 'PremiumFullyFunded':
    case 'PremiumFundingReopened':
      return streams.premiumFunding(event.data.householdId, event.data.productId);
    case 'PaymentReferenceReserved':
      return streams.paymentReference(event.data.paymentReference);
    case 'PolicyNumberReserved':
      return streams.policyNumber(event.data.insurerId, event.data.policyNumber);
    case 'NationalIdReserved':
    case 'NationalIdReleased':
      throw new Error(`${event.type} names no stream of its own: its stream is named by a keyed digest of the number`);
    case 'DisasterDeclared':
    case 'DisasterDeclarationConfirmed':
    case 'DisasterDeclarationDisputed':
    case 'DisasterPayoutBatchRecorded':
    case 'DisasterPayoutsCompleted':
      return streams.disasterDeclaration(event.data.declarationId);
    case 'DisclosureReportPublished':
      return disclosureStream(event.data.reportId);
    default:
      return streams.policy(event.data.policyId);
  }
}

/** Hand-written events as the store would record them: positions 1, 2, ... and per-stream revisions. */
export function recordedEvents(events: readonly PangolinEvent[]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map((event, index) => {
    const streamId = streamOf(event);
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    return {
      eventId: `event-${index + 1}`,
      streamId,
      revision,
      position: BigInt(index + 1),
      type: event.type,
      data: event.data,
      metadata: { actor: 'test', correlationId: `correlation-${index + 1}`, causationId: `cause-${index + 1}`, occurredAt: new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString(), schemaVersion: 1 },
    };
  });
}

/** Appends recorded events to a store one by one, so the store gives them the same positions. */
export async function appendAll(store: EventStore, events: readonly RecordedEvent[]): Promise<void> {
  for (const { streamId, eventId, type, data, metadata } of events) await store.append(streamId, 'any', [{ eventId, type, data, metadata }]);
}
