import { eventData } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { ProcessManager } from '../process-managers/process-manager';

/** Where household keys can be destroyed: the records store. */
export interface HouseholdKeyDestroyer {
  /** Destroys the household's key; nothing happens if it has none (so handling an erasure twice is harmless). */
  destroy(householdId: string): Promise<void>;
}

/**
 * Carries out a household's erasure: once `HouseholdPersonalDataErased` is in the log, the key that
 * seals its personal data is destroyed, and with it the data in every copy of the log. The views
 * drop the plaintext on the event itself; the key is the application's record, so the application,
 * not a view, destroys it. Its checkpoint is kept in the records store beside the keys; destroying
 * is idempotent, so a crash between the effect and the checkpoint only destroys nothing twice.
 */
export class PersonalDataErasureProcess implements ProcessManager {
  readonly name = 'personal-data-erasure';

  constructor(private readonly keys: HouseholdKeyDestroyer) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'HouseholdPersonalDataErased') await this.keys.destroy(eventData(event, 'HouseholdPersonalDataErased').householdId);
  }

  /** Each erasure touches only its household's key; every other event is nothing to this process. */
  concurrencyKey(event: RecordedEvent): string {
    return event.type === 'HouseholdPersonalDataErased' ? `household:${eventData(event, 'HouseholdPersonalDataErased').householdId}` : `unhandled:${event.position}`;
  }
}
