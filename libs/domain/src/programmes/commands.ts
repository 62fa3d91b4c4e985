/**
 * `launcherRegion` / `closerRegion` is the region code of the acting government, or null when a
 * platform administrator acts (no region limit).
 */
export type LaunchProgramme = {
  type: 'LaunchProgramme';
  data: { programmeId: string; name: string; regionCode: string; productId: string; launcherRegion: string | null; now: string };
};

export type CloseProgramme = {
  type: 'CloseProgramme';
  data: { programmeId: string; reason: string; closerRegion: string | null; now: string };
};

export type ProgrammeCommand = LaunchProgramme | CloseProgramme;
