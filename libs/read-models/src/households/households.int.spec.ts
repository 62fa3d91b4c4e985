import { findHousehold, findHouseholdPersonal, householdsInRegion, listUncoveredEligible, programmeCandidates, publicHousehold } from './households.queries';
import { householdCode, policyOf, PRODUCT, REGION } from '../testing/story';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';

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

    const inTown = await householdsInRegion(story.dataSource.manager, REGION.town2);
    expect(inTown.map((household) => [household.householdId, household.eligible, household.personal.headName])).toEqual([
      ['hh-4', false, 'Head of hh-4'],
      ['hh-5', true, 'Head of hh-5'],
    ]);
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
    const county = await listUncoveredEligible(story.dataSource.manager, REGION.county, PRODUCT);
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
    expect((await listUncoveredEligible(story.dataSource.manager, REGION.town1, PRODUCT)).map((household) => household.householdId)).toEqual(['hh-3']);
    expect(await listUncoveredEligible(story.dataSource.manager, REGION.county, 'no-such-product')).toEqual([]);
  });

  it('gives programme allocation its candidates', async () => {
    expect(await programmeCandidates(story.dataSource.manager, REGION.county, PRODUCT)).toEqual([
      { householdId: 'hh-5', householdCode: householdCode('hh-5'), verifiedPosition: 8n, remainingPremium: 5_000 },
      { householdId: 'hh-3', householdCode: householdCode('hh-3'), verifiedPosition: 9n, remainingPremium: 2_000 },
    ]);
  });
});
