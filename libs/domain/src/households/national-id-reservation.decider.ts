import { Decider } from '../shared/decider';
import { Conflict } from '../shared/errors';
import { regionContains } from '../shared/region-code';

/**
 * A national ID number belongs to one household of the registry. Each number has a stream of its
 * own (streams.nationalId) holding which household holds it, so a second registration is refused
 * by every event store alike, before the household is recorded. The stream is named by a keyed
 * digest of the number, never the number (nationalIdDigest, in libs/application): the command
 * handler computes it and the decider only records it.
 */
export interface NationalIdHolder {
  householdId: string;
  householdCode: string;
  villageCode: string;
}

export type NationalIdEvent =
  | { type: 'NationalIdReserved'; data: NationalIdHolder & { reservedAt: string } }
  /** The household's personal data were erased: the number is free for a new registration. */
  | { type: 'NationalIdReleased'; data: { householdId: string; reason: string; releasedAt: string } };

/** `field` names where the number stands in the registration (e.g. personal.headNationalId), for the refusal. */
export type ReserveNationalId = { type: 'ReserveNationalId'; data: { field: string; holder: NationalIdHolder; registrarRegion: string; now: string } };
export type ReleaseNationalId = { type: 'ReleaseNationalId'; data: { householdId: string; reason: string; now: string } };
export type NationalIdCommand = ReserveNationalId | ReleaseNationalId;

export type NationalIdState = { heldBy: NationalIdHolder | null };

export const nationalIdDecider: Decider<NationalIdCommand, NationalIdState, NationalIdEvent> = {
  decide(command, { heldBy }) {
    if (command.type === 'ReleaseNationalId') {
      const { householdId, reason, now } = command.data;
      if (heldBy?.householdId !== householdId) return [];
      return [{ type: 'NationalIdReleased', data: { householdId, reason, releasedAt: now } }];
    }
    const { field, holder, registrarRegion, now } = command.data;
    // The same household again (a retried registration) keeps its number.
    if (heldBy?.householdId === holder.householdId) return [];
    if (heldBy !== null) {
      // A government learns which of its own households holds the number; of another region's, only that one does.
      if (regionContains(registrarRegion, heldBy.villageCode)) {
        throw new Conflict(`${field}: this national ID number is already registered to household ${heldBy.householdCode} (${heldBy.householdId}) in village ${heldBy.villageCode}`, 'household.national-id-taken', { field, householdCode: heldBy.householdCode, villageCode: heldBy.villageCode });
      }
      throw new Conflict(`${field}: this national ID number is already registered to a household outside your region`, 'household.national-id-taken-elsewhere', { field });
    }
    return [{ type: 'NationalIdReserved', data: { ...holder, reservedAt: now } }];
  },
  evolve: (_, event) => ({ heldBy: event.type === 'NationalIdReserved' ? { householdId: event.data.householdId, householdCode: event.data.householdCode, villageCode: event.data.villageCode } : null }),
  initialState: () => ({ heldBy: null }),
};
