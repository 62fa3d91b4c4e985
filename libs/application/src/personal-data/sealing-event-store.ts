import { isSealedPersonalData, type HouseholdPersonalData, type HouseholdRegisteredData, type SealedPersonalData } from '@pangolin/domain';
import { sealPersonalData } from './personal-data-seal';
import { ForwardingEventStore, type AppendResult, type EventStore, type ExpectedRevision, type NewEvent } from '@pangolin/event-store';

/** Where household keys come from: one key per household, created on first use and the same ever after (until destroyed). */
export interface HouseholdKeySource {
  keyFor(householdId: string): Promise<Uint8Array>;
}

/**
 * Any event store, with household personal data sealed on the way in: the personal data of a
 * HouseholdRegistered is encrypted under its household's key before the inner store sees it, so
 * the log (and every Merkle leaf over it) only ever holds ciphertext. Every other event, and
 * everything read, passes through unchanged.
 */
export class SealingEventStore extends ForwardingEventStore {
  constructor(inner: EventStore, private readonly keys: HouseholdKeySource) {
    super(inner);
  }

  override async append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const sealed: NewEvent[] = [];
    for (const event of events) sealed.push(await this.sealed(event));
    return this.inner.append(streamId, expected, sealed);
  }

  private async sealed(event: NewEvent): Promise<NewEvent> {
    if (event.type !== 'HouseholdRegistered') return event;
    const data = event.data as HouseholdRegisteredData<HouseholdPersonalData | SealedPersonalData>;
    if (typeof data?.householdId !== 'string' || typeof data.personal !== 'object' || data.personal === null) {
      throw new TypeError(`HouseholdRegistered event ${event.eventId} has no householdId or no personal data to seal`);
    }
    // Already sealed (an event copied as the log recorded it): sealing again would lose it.
    if (isSealedPersonalData(data.personal)) return event;
    const key = await this.keys.keyFor(data.householdId);
    return { ...event, data: { ...data, personal: sealPersonalData(data.personal, key, data.householdId) } satisfies HouseholdRegisteredData<SealedPersonalData> };
  }
}
