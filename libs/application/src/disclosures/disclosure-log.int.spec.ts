import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disclosureFigures, disclosurePeriod, disclosureReportId, disclosureStream, type DisclosureEvent, type DisclosureScope } from '@pangolin/domain';
import { SqliteEventStore } from '@pangolin/event-store';
import { appendAll, recordedEvents } from '../../../read-models/src/testing/recorded-events';
import { PROGRAMME, storyEvents } from '../../../read-models/src/testing/story';
import { auditDisclosures, computeDisclosure } from './disclosure-log';

/** The read-models' story (households, a programme, gifts, policies, claims in 2024) in a real embedded store. */
describe('disclosure reports computed from, and audited against, the event log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pangolin-disclosure-'));
  const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  const story = recordedEvents(storyEvents);
  const period = disclosurePeriod({ from: '2024-01-01', to: '2024-12-31' });
  const programme: DisclosureScope = { kind: 'programme', programmeId: PROGRAMME };

  beforeAll(() => appendAll(store, story));
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function publish(scope: DisclosureScope, size: number, version: number, tamper?: (figures: DisclosureEvent['data']['figures']) => void) {
    const figures = await computeDisclosure(store, scope, period, BigInt(size), 7);
    tamper?.(figures);
    const reportId = disclosureReportId(scope, period);
    const data: DisclosureEvent['data'] = { reportId, version, scope, period, checkpoint: { size: String(size), rootHash: 'ab' }, figures, correctionNote: version > 1 ? 'corrected' : null, publishedBy: 'admin:1', publishedAt: '2025-01-02T00:00:00.000Z' };
    await store.append(disclosureStream(reportId), 'any', [{ eventId: `${reportId}-${version}`, type: 'DisclosureReportPublished', data, metadata: { actor: 'admin:1', correlationId: 'c', causationId: 'c', occurredAt: '2025-01-02T00:00:00.000Z', schemaVersion: 1 } }]);
  }

  it('folds exactly the log prefix a checkpoint covers, reading it in pages', async () => {
    const size = story.length - 3;
    const figures = await computeDisclosure(store, programme, period, BigInt(size), 7);
    expect(figures).toEqual(disclosureFigures(programme, period, story.slice(0, size)));
    expect(figures.eventsRead).toBe(size);
    expect(figures.money[0].received).toBeGreaterThan(0);
    await expect(computeDisclosure(store, programme, period, BigInt(story.length + 1))).rejects.toThrow(/fewer than/);
  });

  it('recomputes every published version at its own checkpoint, and names the first figure that differs', async () => {
    await publish({ kind: 'platform' }, story.length, 1);
    await publish(programme, story.length - 5, 1);
    await publish(programme, story.length, 2, (figures) => (figures.households.byRegion[0].covered += 1));
    const { reports, results } = await auditDisclosures(store, 5);
    expect(reports.map((report) => [report.scope.kind, report.version])).toEqual([['platform', 1], ['programme', 1], ['programme', 2]]);
    expect(results.map((result) => result.ok)).toEqual([true, true, false]);
    expect(results[2].mismatch).toEqual({ path: 'figures.households.byRegion[0].covered', published: expect.any(Number), recomputed: expect.any(Number) });
    expect((results[2].mismatch!.published as number) - (results[2].mismatch!.recomputed as number)).toBe(1);
  });
});
