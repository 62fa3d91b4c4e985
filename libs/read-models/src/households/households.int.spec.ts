import { findHousehold, findHouseholdPersonal, householdsInRegion, listUncoveredEligible, programmeCandidates, publicHousehold } from './households.queries';
import { householdCode, policyOf, PRODUCT, REGION, storyHouseholdKey, storyHouseholdKeys, storyPersonalData } from '../testing/story';
import type { HouseholdKeys } from './households.projection';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { recordedEvents } from '../testing/recorded-events';
import { ProjectionRunner } from '../projection-runner';
import { allProjections } from '../registry';
import { resetProjections } from '../reset-projections';
import { HouseholdRow } from './household.entity';

describe('households read model', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  it('keeps the directory entry, without personal data, and the funding status per product', async () => {
    const household = await findHousehold(story.dataSource.manager, 'hh-3');
    expect(household).toEqual({
      householdId: 'hh-3',
      householdCode: householdCode('hh-3'),
      villageCode: REGION.village12,
      townCode: REGION.town1,
      countyCode: REGION.county,
      category: 'disabled',
      size: 3,
      eligible: true,
      verifiedPosition: '9',
      verifiedAt: '2023-12-02T09:00:00.000Z',
      revokedAt: null,
      revocationReason: null,
      registeredBy: REGION.county,
      registeredAt: '2023-12-01T09:00:00.000Z',
      covered: false,
      funding: [
        {
          productId: PRODUCT,
          round: 2,
          policyId: policyOf('hh-3', 2),
          premium: { amount: 5_000, currency: 'CNY' },
          funded: { amount: 3_000, currency: 'CNY' },
          remaining: { amount: 2_000, currency: 'CNY' },
          status: 'funding',
          activePolicyId: null,
        },
      ],
    });
    expect(household).not.toHaveProperty('personal');
  });

  it('shows a covered household as covered, with its policy in force', async () => {
    const household = await findHousehold(story.dataSource.manager, 'hh-1');
    expect(household?.covered).toBe(true);
    expect(household?.funding).toEqual([expect.objectContaining({ round: 1, status: 'covered', activePolicyId: policyOf('hh-1'), remaining: { amount: 0, currency: 'CNY' } })]);
    expect(await findHousehold(story.dataSource.manager, 'nobody')).toBeNull();
  });

  it('returns personal data only from the personal queries', async () => {
    const personal = await findHouseholdPersonal(story.dataSource.manager, 'hh-2');
    expect(personal?.personal).toEqual({ headName: 'Head of hh-2', headNationalId: 'ID-hh-2', members: [{ name: 'Member of hh-2', relation: 'spouse' }], address: `Road 1, ${REGION.village11}` });
    expect(personal?.personalDataErased).toBe(false);

    const inTown = (await householdsInRegion(story.dataSource.manager, { regionPrefix: REGION.town2 }, { limit: 50 })).items;
    expect(inTown.map((household) => [household.householdId, household.eligible, household.personal?.headName])).toEqual([
      ['hh-4', false, 'Head of hh-4'],
      ['hh-5', true, 'Head of hh-5'],
    ]);
  });

  it('searches by the start of a code in any letter case, listing in code order and paging on it', async () => {
    const search = async (code: string, limit = 50) => {
      const codes: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await householdsInRegion(story.dataSource.manager, { regionPrefix: REGION.county, code }, { limit, cursor });
        codes.push(...page.items.map((household) => household.householdCode));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return codes;
    };
    const all = ['hh-1', 'hh-2', 'hh-3', 'hh-4', 'hh-5'].map(householdCode).sort();
    expect(await search('hh-', 2)).toEqual(all);
    expect(await search('HH-440305001', 1)).toEqual(all.slice(0, 3));
    expect(await search(householdCode('hh-4').toLowerCase())).toEqual([householdCode('hh-4')]);
    // Wildcards are characters like any other; a code past the last one, or a region without it, finds nothing.
    expect(await search('HH-%')).toEqual([]);
    expect(await search('HH-440305002001-EEEF')).toEqual([]);
    expect((await householdsInRegion(story.dataSource.manager, { regionPrefix: REGION.town2, code: 'hh-440305001' }, { limit: 50 })).items).toEqual([]);
  });

  it('gives the public code, village, size, category and cover only', async () => {
    expect(await publicHousehold(story.dataSource.manager, 'hh-2')).toEqual({
      householdId: 'hh-2',
      householdCode: householdCode('hh-2'),
      villageCode: REGION.village11,
      size: 2,
      category: 'elderly-alone',
      covered: true,
    });
    expect(await publicHousehold(story.dataSource.manager, 'hh-3')).toMatchObject({ covered: false });
  });

  it('lists eligible uncovered households with what they still need, in verification order', async () => {
    const county = await listUncoveredEligible(story.dataSource.manager, { regionPrefix: REGION.county, productId: PRODUCT });
    expect(county).toEqual([
      {
        householdId: 'hh-5',
        householdCode: householdCode('hh-5'),
        villageCode: REGION.village21,
        category: 'orphan',
        size: 1,
        verifiedPosition: '8',
        premium: { amount: 5_000, currency: 'CNY' },
        funded: { amount: 0, currency: 'CNY' },
        remaining: { amount: 5_000, currency: 'CNY' },
      },
      {
        householdId: 'hh-3',
        householdCode: householdCode('hh-3'),
        villageCode: REGION.village12,
        category: 'disabled',
        size: 3,
        verifiedPosition: '9',
        premium: { amount: 5_000, currency: 'CNY' },
        funded: { amount: 3_000, currency: 'CNY' },
        remaining: { amount: 2_000, currency: 'CNY' },
      },
    ]);
    expect((await listUncoveredEligible(story.dataSource.manager, { regionPrefix: REGION.town1, productId: PRODUCT })).map((household) => household.householdId)).toEqual(['hh-3']);
    expect(await listUncoveredEligible(story.dataSource.manager, { regionPrefix: REGION.county, productId: 'no-such-product' })).toEqual([]);
    const page = await listUncoveredEligible(story.dataSource.manager, { regionPrefix: REGION.county, productId: PRODUCT }, { limit: 1 });
    expect(page.items).toEqual([county[0]]);
    expect((await listUncoveredEligible(story.dataSource.manager, { regionPrefix: REGION.county, productId: PRODUCT }, { limit: 1, cursor: page.nextCursor! })).items).toEqual([county[1]]);
  });

  it('gives programme allocation its candidates, a page at a time in allocation order', async () => {
    const candidates = [
      { householdId: 'hh-5', householdCode: householdCode('hh-5'), verifiedPosition: 8n, remainingPremium: 5_000 },
      { householdId: 'hh-3', householdCode: householdCode('hh-3'), verifiedPosition: 9n, remainingPremium: 2_000 },
    ];
    expect(await programmeCandidates(story.dataSource.manager, REGION.county, PRODUCT, { limit: 500 })).toEqual({ items: candidates, nextCursor: null });
    const first = await programmeCandidates(story.dataSource.manager, REGION.county, PRODUCT, { limit: 1 });
    expect(first.items).toEqual([candidates[0]]);
    expect(await programmeCandidates(story.dataSource.manager, REGION.county, PRODUCT, { limit: 1, cursor: first.nextCursor! })).toEqual({ items: [candidates[1]], nextCursor: null });
  });
});

describe('households read model: erased personal data', () => {
  let story: ProjectedStory;
  /** The records store's keys as the projection sees them; the test destroys one as the erasure process would. */
  const keys = new Map<string, Buffer>();
  const householdKeys: HouseholdKeys = { keysOf: async (ids) => new Map(ids.filter((id) => keys.has(id)).map((id) => [id, keys.get(id)!])) };
  beforeAll(async () => {
    for (const id of ['hh-1', 'hh-2', 'hh-3', 'hh-4', 'hh-5']) keys.set(id, storyHouseholdKey(id));
    story = await projectedStory({ householdKeys });
  });
  afterAll(() => story.close());

  const manager = () => story.dataSource.manager;
  async function project(): Promise<void> {
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(householdKeys), { retryDelayMs: 1 });
    await runner.start();
    await runner.caughtUpTo(await story.store.headPosition());
    await runner.stop();
  }
  /** The column as stored, not as the entity maps it. */
  const storedPersonalColumn = async (householdId: string) =>
    (await manager().createQueryBuilder(HouseholdRow, 'h').select('h.personal', 'personal').where('h.householdId = :householdId', { householdId }).getRawOne())?.personal;

  it('opens the sealed personal data with the household key while the key exists', async () => {
    expect(await findHouseholdPersonal(manager(), 'hh-2')).toMatchObject({ personal: storyPersonalData('hh-2', REGION.village11), personalDataErased: false });
  });

  it('drops the plaintext when the erasure is projected, and keeps the household otherwise', async () => {
    const before = await findHousehold(manager(), 'hh-2');
    const [erased] = recordedEvents([{ type: 'HouseholdPersonalDataErased', data: { householdId: 'hh-2', erasedBy: REGION.county, reason: 'asked to be forgotten', erasedAt: '2024-09-01T00:00:00.000Z' } }]);
    await story.store.append(erased.streamId, 'any', [{ ...erased, eventId: 'event-erase-hh-2' }]);
    await project();

    expect(await storedPersonalColumn('hh-2')).toBeNull();
    expect(await findHouseholdPersonal(manager(), 'hh-2')).toMatchObject({ householdId: 'hh-2', personal: null, personalDataErased: true });
    expect(await findHousehold(manager(), 'hh-2')).toEqual(before);
    const village = (await householdsInRegion(manager(), { regionPrefix: REGION.village11 }, { limit: 50 })).items;
    expect(village.map(({ householdId, personal, personalDataErased }) => [householdId, personal?.headName ?? null, personalDataErased])).toEqual([
      ['hh-1', 'Head of hh-1', false],
      ['hh-2', null, true],
    ]);
    expect(JSON.stringify(village)).not.toContain('Head of hh-2');
  });

  it('still shows the household as erased after the read models are rebuilt from the log, since its key is gone', async () => {
    keys.delete('hh-2');
    await resetProjections(story.dataSource);
    await project();
    expect(await findHouseholdPersonal(manager(), 'hh-2')).toMatchObject({ personal: null, personalDataErased: true });
    expect(await storedPersonalColumn('hh-2')).toBeNull();
    expect(await findHouseholdPersonal(manager(), 'hh-1')).toMatchObject({ personal: storyPersonalData('hh-1', REGION.village11), personalDataErased: false });
  });
});
