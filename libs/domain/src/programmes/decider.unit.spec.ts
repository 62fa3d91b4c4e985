import { foldEvents } from '../shared/decider';
import { deciderSpecification } from '../shared/decider-specification';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { LaunchProgramme } from './commands';
import { programmeDecider } from './decider';
import { ProgrammeEvent } from './events';

const spec = deciderSpecification(programmeDecider);

const programmeId = 'prog-1';
const now = '2025-02-01T00:00:00.000Z';
const later = '2025-12-31T00:00:00.000Z';

const launch = (overrides: Partial<LaunchProgramme['data']> = {}): LaunchProgramme => ({
  type: 'LaunchProgramme',
  data: { programmeId, name: 'Nanshan cover 2025', regionCode: '440305', productId: 'prod-1', launcherRegion: '4403', now, ...overrides },
});
const close = (closerRegion: string | null = '440305', reason = 'budget year ended') =>
  ({ type: 'CloseProgramme', data: { programmeId, reason, closerRegion, now: later } }) as const;

const launched: ProgrammeEvent = {
  type: 'ProgrammeLaunched',
  data: { programmeId, name: 'Nanshan cover 2025', regionCode: '440305', productId: 'prod-1', launchedBy: '4403', launchedAt: now },
};
const closed: ProgrammeEvent = { type: 'ProgrammeClosed', data: { programmeId, reason: 'budget year ended', closedAt: later } };

describe('programme decider', () => {
  describe('LaunchProgramme', () => {
    it('launches a programme in a region inside the government region', () => {
      spec.given([]).when(launch()).then([launched]);
    });

    it('lets a government launch a programme for exactly its own region', () => {
      spec
        .given([])
        .when(launch({ launcherRegion: '440305' }))
        .then([{ type: 'ProgrammeLaunched', data: { ...launched.data, launchedBy: '440305' } }]);
    });

    it('lets an administrator launch a programme for any region, even a whole province', () => {
      spec
        .given([])
        .when(launch({ launcherRegion: null, regionCode: '44' }))
        .then([{ type: 'ProgrammeLaunched', data: { ...launched.data, regionCode: '44', launchedBy: 'admin' } }]);
    });

    it('forbids a government launching outside its region', () => {
      spec.given([]).when(launch({ launcherRegion: '4401' })).thenThrows(Forbidden, /region 440305 is outside region 4401/);
      spec.given([]).when(launch({ launcherRegion: '440305', regionCode: '4403' })).thenThrows(Forbidden);
    });

    it('refuses to launch twice', () => {
      spec.given([launched]).when(launch()).thenThrows(Conflict, /already launched/);
    });

    it.each<[string, Partial<LaunchProgramme['data']>, RegExp]>([
      ['an empty name', { name: '' }, /^name/],
      ['a name over 200 characters', { name: 'x'.repeat(201) }, /^name/],
      ['a region code that is not a division code', { regionCode: '4403051' }, /^regionCode/],
      ['an empty product', { productId: ' ' }, /^productId/],
      ['an empty launcher region', { launcherRegion: '' }, /^launcherRegion/],
    ])('rejects %s', (_, overrides, message) => {
      spec.given([]).when(launch(overrides)).thenThrows(InvalidCommand, message);
    });
  });

  describe('CloseProgramme', () => {
    it('closes a running programme', () => {
      spec.given([launched]).when(close()).then([closed]);
    });

    it('lets an administrator close any programme', () => {
      spec.given([launched]).when(close(null)).then([closed]);
    });

    it('refuses to close a closed programme', () => {
      spec.given([launched, closed]).when(close()).thenThrows(Conflict, /already closed/);
    });

    it('cannot close an unknown programme', () => {
      spec.given([]).when(close()).thenThrows(NotFound, /prog-1/);
    });

    it('forbids a government outside the programme region', () => {
      spec.given([launched]).when(close('440306')).thenThrows(Forbidden, /outside region 440306/);
      // A town inside the county does not govern the whole county's programme.
      spec.given([launched]).when(close('440305001')).thenThrows(Forbidden);
    });

    it('requires a reason', () => {
      spec.given([launched]).when(close('440305', '')).thenThrows(InvalidCommand, /reason/);
    });
  });

  it('exposes the region, product and whether it is closed', () => {
    expect(programmeDecider.initialState()).toEqual({ launched: false });
    expect(foldEvents(programmeDecider, [launched])).toEqual({
      launched: true,
      name: 'Nanshan cover 2025',
      regionCode: '440305',
      productId: 'prod-1',
      launchedBy: '4403',
      closed: false,
    });
    expect(foldEvents(programmeDecider, [launched, closed])).toMatchObject({ closed: true });
  });
});
