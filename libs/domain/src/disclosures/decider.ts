import { Decider } from '../shared/decider';
import { Conflict, InvalidCommand } from '../shared/errors';
import { deterministicId } from '../shared/ids';
import type { DisclosureCommand, DisclosureEvent } from './events';
import type { DisclosureScope } from './report';
import type { DisclosurePeriod } from './period';

export const MAX_CORRECTION_NOTE_LENGTH = 1_000;

export interface DisclosureState {
  versions: number;
  lastCheckpointSize: bigint;
}

/** One report per scope and period, whatever the version: its id is derived from them. */
export function disclosureReportId(scope: DisclosureScope, period: Pick<DisclosurePeriod, 'from' | 'to'>): string {
  return deterministicId('disclosure-report', scope.kind === 'platform' ? 'platform' : `programme:${scope.programmeId}`, period.from, period.to);
}

export const disclosureStream = (reportId: string) => `disclosure-${reportId}`;

function decide(command: DisclosureCommand, state: DisclosureState): DisclosureEvent[] {
  const { now, correctionNote, ...data } = command.data;
  if (state.versions === 0 && correctionNote !== null) throw new InvalidCommand('correctionNote', 'must be absent on the first version of a report (nothing is corrected yet)');
  if (state.versions > 0) {
    if (correctionNote === null || correctionNote.trim() === '') {
      throw new Conflict(`report ${data.reportId} is already published (version ${state.versions}); a new version is a correction and needs a correctionNote`, 'disclosure.needs-correction-note', { version: state.versions });
    }
    if (BigInt(data.checkpoint.size) < state.lastCheckpointSize) throw new Conflict(`a correction must be computed at a checkpoint no older than version ${state.versions}'s`, 'disclosure.older-checkpoint', { version: state.versions });
  }
  if (correctionNote !== null && correctionNote.length > MAX_CORRECTION_NOTE_LENGTH) throw new InvalidCommand('correctionNote', `must be at most ${MAX_CORRECTION_NOTE_LENGTH} characters`);
  return [{ type: 'DisclosureReportPublished', data: { ...data, version: state.versions + 1, correctionNote, publishedAt: now } }];
}

function evolve(state: DisclosureState, event: DisclosureEvent): DisclosureState {
  return { versions: event.data.version, lastCheckpointSize: BigInt(event.data.checkpoint.size) };
}

export const disclosureDecider: Decider<DisclosureCommand, DisclosureState, DisclosureEvent> = {
  decide,
  evolve,
  initialState: () => ({ versions: 0, lastCheckpointSize: 0n }),
};
