import { Decider } from '../shared/decider';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { assertRegionCode, regionContains } from '../shared/region-code';
import { ProgrammeCommand } from './commands';
import { ProgrammeEvent } from './events';

/** `launchedBy` of a programme launched by a platform administrator rather than a government. */
export const ADMIN_LAUNCHER = 'admin';
const MAX_NAME_LENGTH = 200;

export type ProgrammeState =
  | { launched: false }
  | { launched: true; name: string; regionCode: string; productId: string; launchedBy: string; closed: boolean };

function decide(command: ProgrammeCommand, state: ProgrammeState): ProgrammeEvent[] {
  switch (command.type) {
    case 'LaunchProgramme': {
      const { programmeId, name, regionCode, productId, launcherRegion, now } = command.data;
      if (name.trim() === '' || name.length > MAX_NAME_LENGTH) throw new InvalidCommand('name', `must be 1 to ${MAX_NAME_LENGTH} characters`);
      assertRegionCode(regionCode, 'regionCode');
      if (productId.trim() === '') throw new InvalidCommand('productId', 'must not be empty');
      assertActorScope(launcherRegion, 'launcherRegion', regionCode, `region ${regionCode}`);
      if (state.launched) throw new Conflict(`programme ${programmeId} is already launched`, 'programme.already-launched');
      return [{ type: 'ProgrammeLaunched', data: { programmeId, name, regionCode, productId, launchedBy: launcherRegion ?? ADMIN_LAUNCHER, launchedAt: now } }];
    }
    case 'CloseProgramme': {
      const { programmeId, reason, closerRegion, now } = command.data;
      if (reason.trim() === '') throw new InvalidCommand('reason', 'must not be empty');
      if (!state.launched) throw new NotFound(`programme ${programmeId}`);
      assertActorScope(closerRegion, 'closerRegion', state.regionCode, `programme ${programmeId}`);
      if (state.closed) throw new Conflict(`programme ${programmeId} is already closed`, 'programme.closed');
      return [{ type: 'ProgrammeClosed', data: { programmeId, reason, closedAt: now } }];
    }
  }
}

function evolve(state: ProgrammeState, event: ProgrammeEvent): ProgrammeState {
  switch (event.type) {
    case 'ProgrammeLaunched': {
      const { name, regionCode, productId, launchedBy } = event.data;
      return { launched: true, name, regionCode, productId, launchedBy, closed: false };
    }
    case 'ProgrammeClosed':
      return state.launched ? { ...state, closed: true } : state;
  }
}

export const programmeDecider: Decider<ProgrammeCommand, ProgrammeState, ProgrammeEvent> = {
  decide,
  evolve,
  initialState: () => ({ launched: false }),
};

/** A government may act only on a programme region inside its own; an administrator (null) anywhere. */
function assertActorScope(actorRegion: string | null, actorRegionField: string, regionCode: string, what: string): void {
  if (actorRegion === null) return;
  assertRegionCode(actorRegion, actorRegionField);
  if (!regionContains(actorRegion, regionCode)) throw new Forbidden(`${what} is outside region ${actorRegion}`, 'region.outside-yours', { yourRegion: actorRegion });
}
