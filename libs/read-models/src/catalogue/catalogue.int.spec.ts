import { claimsOfPolicy, findClaim, findPolicy, findProduct, findProgramme, listProducts, listProgrammes, policiesOfHousehold } from './catalogue.queries';
import { CatalogueProjection } from './catalogue.projection';
import { INSURER, policyOf, PRODUCT, PROGRAMME, REGION } from '../testing/story';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { recordedEvents } from '../testing/recorded-events';

const cny = (amount: number) => ({ amount, currency: 'CNY' });

describe('catalogue', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  it('looks up products and programmes', async () => {
    expect(await findProduct(story.dataSource.manager, PRODUCT)).toEqual({
      productId: PRODUCT,
      insurerId: INSURER,
      version: 1,
      terms: { name: 'Rural accident and illness cover', coverageKind: 'accident-illness', annualPremium: cny(5_000), sumInsured: cny(2_000_000), waitingPeriodDays: 30, termDays: 365 },
      retired: false,
      publishedAt: '2023-11-01T09:00:00.000Z',
      updatedAt: '2023-11-01T09:00:00.000Z',
    });
    expect(await findProgramme(story.dataSource.manager, PROGRAMME)).toEqual({
      programmeId: PROGRAMME,
      name: 'Nanshan town cover 2024',
      regionCode: REGION.town1,
      productId: PRODUCT,
      launchedBy: REGION.county,
      launchedAt: '2023-11-15T09:00:00.000Z',
      closed: false,
      closedAt: null,
    });
    expect((await listProgrammes(story.dataSource.manager, { regionPrefix: REGION.county }, { limit: 50 })).items.map((programme) => programme.programmeId)).toEqual([PROGRAMME]);
    expect(await listProgrammes(story.dataSource.manager, { regionPrefix: REGION.town2 }, { limit: 50 })).toEqual({ items: [], nextCursor: null });
  });

  it('looks up policies and claims for routing and authorisation', async () => {
    expect(await findPolicy(story.dataSource.manager, policyOf('hh-3'))).toMatchObject({
      householdId: 'hh-3',
      insurerId: INSURER,
      status: 'cancelled',
      premium: cny(5_000),
      sumInsured: cny(2_000_000),
      startDate: '2024-01-01',
      endDate: '2024-12-31',
      cancellationEffectiveDate: '2024-07-01',
    });
    expect((await policiesOfHousehold(story.dataSource.manager, 'hh-1', { limit: 10 })).items.map((policy) => [policy.policyNumber, policy.claimsPaid])).toEqual([['POL-0001', cny(250_000)]]);
    expect(await findClaim(story.dataSource.manager, 'claim-2')).toMatchObject({ state: 'rejected', insurerId: INSURER, rejectionReason: 'incident within the waiting period', decidedAt: '2024-01-20T09:00:00.000Z' });
    expect((await claimsOfPolicy(story.dataSource.manager, policyOf('hh-2'))).map((claim) => [claim.claimId, claim.state])).toEqual([
      ['claim-2', 'rejected'],
      ['claim-3', 'approved'],
    ]);
  });

  it('follows product revisions and retirement, and programme closing', async () => {
    const projection = new CatalogueProjection();
    const terms = { name: 'Rural cover v2', coverageKind: 'accident-illness' as const, annualPremium: cny(6_000), sumInsured: cny(3_000_000), waitingPeriodDays: 15, termDays: 365 };
    const later = recordedEvents([
      { type: 'ProductRevised', data: { productId: PRODUCT, insurerId: INSURER, version: 2, terms, revisedAt: '2024-09-01T00:00:00.000Z' } },
      { type: 'ProductRetired', data: { productId: PRODUCT, insurerId: INSURER, version: 2, retiredAt: '2024-12-01T00:00:00.000Z' } },
      { type: 'ProgrammeClosed', data: { programmeId: PROGRAMME, reason: 'year over', closedAt: '2024-12-31T00:00:00.000Z' } },
    ]);
    await story.dataSource.transaction(async (tx) => {
      for (const event of later) await projection.apply(event, tx);
    });
    expect(await findProduct(story.dataSource.manager, PRODUCT)).toMatchObject({ version: 2, retired: true, terms: { ...terms }, updatedAt: '2024-12-01T00:00:00.000Z' });
    expect((await listProducts(story.dataSource.manager, {}, { limit: 50 })).items).toEqual([]);
    expect((await listProducts(story.dataSource.manager, { insurerId: INSURER, includeRetired: true }, { limit: 50 })).items).toHaveLength(1);
    expect(await findProgramme(story.dataSource.manager, PROGRAMME)).toMatchObject({ closed: true, closedAt: '2024-12-31T00:00:00.000Z' });
  });
});
