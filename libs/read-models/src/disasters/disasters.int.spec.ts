import { money, type PangolinEvent } from '@pangolin/domain';
import { allProjections } from '../registry';
import { ProjectionRunner } from '../projection-runner';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { appendAll, recordedEvents } from '../testing/recorded-events';
import { householdCode, INSURER, policyOf, PRODUCT, REGION, storyHouseholdKeys } from '../testing/story';
import { disasterDeclaration, disasterPayouts, listDisasterDeclarations, policiesInDeclaredArea, uncoveredHouseholds } from './disasters.queries';

const declarationId = 'decl-1';
const at = '2024-05-20T08:00:00.000Z';
const payout = (householdId: string) => ({ policyId: policyOf(householdId), householdId, claimId: `dcl-${householdId}`, amount: money(100_000, 'CNY'), payoutReference: 'PAYFILE-1' });
/** A flood in town 1 of the story, confirmed by its insurer, which paid hh-1 (hh-2's policy had no such cover, say). */
const disaster: PangolinEvent[] = [
  {
    type: 'DisasterDeclared',
    data: { declarationId, declaredBy: REGION.county, peril: 'flood', regionCodes: [REGION.town1], incidentFrom: '2024-05-10', incidentTo: '2024-05-12', severity: 2, authorityReference: 'REF-1', declaredAt: at },
  },
  { type: 'DisasterDeclarationConfirmed', data: { declarationId, insurerId: INSURER, productIds: [PRODUCT], paymentFileReference: 'PAYFILE', confirmedAt: at } },
  { type: 'DisasterPayoutBatchRecorded', data: { declarationId, insurerId: INSURER, batchNumber: 1, payouts: [payout('hh-1')], recordedAt: at } },
  { type: 'DisasterPayoutsCompleted', data: { declarationId, insurerId: INSURER, policiesPaid: 1, amountPaid: money(100_000, 'CNY'), completedAt: at } },
];

describe('disasters', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
    const events = recordedEvents([...story.events.map(({ type, data }) => ({ type, data }) as PangolinEvent), ...disaster]).slice(story.events.length);
    await appendAll(story.store, events);
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys), { retryDelayMs: 1 });
    await runner.start();
    await runner.caughtUpTo(await story.store.headPosition());
    await runner.stop();
  });
  afterAll(() => story.close());

  it('finds the issued policies of the declared area in force during the disaster, not the cancelled one nor those of the other town', async () => {
    const found = await policiesInDeclaredArea(story.dataSource.manager, { productIds: [PRODUCT], regionCodes: [REGION.town1], incidentFrom: '2024-05-10', incidentTo: '2024-05-12' });
    expect(found).toEqual([policyOf('hh-1'), policyOf('hh-2')].sort().map((policyId) => ({ policyId, householdId: policyId === policyOf('hh-1') ? 'hh-1' : 'hh-2', productId: PRODUCT, productVersion: 1 })));
    expect(await policiesInDeclaredArea(story.dataSource.manager, { productIds: [PRODUCT], regionCodes: [REGION.town1], incidentFrom: '2025-01-01', incidentTo: '2025-01-02' })).toEqual([]);
    expect(await policiesInDeclaredArea(story.dataSource.manager, { productIds: ['prod-other'], regionCodes: [REGION.county], incidentFrom: '2024-05-10', incidentTo: '2024-05-12' })).toEqual([]);
  });

  it('shows the declaration with its answer and what it paid, and its payouts by household code', async () => {
    expect(await disasterDeclaration(story.dataSource.manager, declarationId)).toMatchObject({
      regionCodes: [REGION.town1], policiesPaid: 1, amountPaid: 100_000, currency: 'CNY',
      answers: [{ insurerId: INSURER, status: 'confirmed', reason: null, answeredAt: at, completedAt: at }],
    });
    expect((await listDisasterDeclarations(story.dataSource.manager, { limit: 10 })).items.map((row) => row.declarationId)).toEqual([declarationId]);
    expect(await disasterPayouts(story.dataSource.manager, declarationId, { limit: 10 })).toEqual({
      items: [{ ...payout('hh-1'), amount: 100_000, currency: 'CNY', householdCode: householdCode('hh-1'), villageCode: REGION.village11, insurerId: INSURER, batchNumber: 1, paidAt: at }],
      nextCursor: null,
    });
  });

  it('lists the eligible households of the area it paid nothing, page by page', async () => {
    const declaration = (await disasterDeclaration(story.dataSource.manager, declarationId))!;
    const first = await uncoveredHouseholds(story.dataSource.manager, declaration, { limit: 1 });
    const second = await uncoveredHouseholds(story.dataSource.manager, declaration, { limit: 1, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map(({ householdId }) => householdId)).toEqual(['hh-2', 'hh-3']);
    expect(second.nextCursor).toBeNull();
  });
});
