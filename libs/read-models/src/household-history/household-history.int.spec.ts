import { pangolinEvent } from '@pangolin/domain';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { householdHistory, type HouseholdHistoryEntry } from './household-history.queries';

describe("a household's history", () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  async function everyPage(householdId: string, limit: number): Promise<HouseholdHistoryEntry[]> {
    const items: HouseholdHistoryEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await householdHistory(story.dataSource.manager, householdId, { limit, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  it('lists, oldest first, every event that concerns the household, claims decided on its policies among them, without personal data', async () => {
    const households = story.events.flatMap((recorded) => (recorded.type === 'HouseholdRegistered' ? [pangolinEvent(recorded)] : [])).map((event) => (event.data as { householdId: string }).householdId);
    let claimsDecided = 0;
    for (const householdId of households) {
      const policies = new Set(story.events.filter((recorded) => recorded.type === 'PolicyRequested' && (recorded.data as { householdId: string }).householdId === householdId).map((recorded) => (recorded.data as { policyId: string }).policyId));
      // The events that name the household, and the claims decided on its policies (which name only the policy).
      const concerning = story.events.filter((recorded) => {
        const data = recorded.data as { householdId?: string; policyId?: string; target?: { householdId?: string } };
        if (recorded.type === 'ClaimApproved' || recorded.type === 'ClaimRejected') return policies.has(data.policyId!);
        if (recorded.type === 'PremiumContributionAccepted' || recorded.type === 'PremiumContributionDeclined' || recorded.type === 'PremiumFullyFunded' || recorded.type === 'PremiumFundingReopened') return false;
        return data.householdId === householdId || data.target?.householdId === householdId;
      });
      claimsDecided += concerning.filter((recorded) => recorded.type.startsWith('ClaimA') || recorded.type.startsWith('ClaimR')).length;
      const history = await everyPage(householdId, 2);
      expect(history.map((entry) => [entry.type, entry.eventId, entry.position])).toEqual(concerning.map((recorded) => [recorded.type, recorded.eventId, recorded.position.toString()]));
      expect(JSON.stringify(history)).not.toMatch(/personal|nationalId|sealed/);
    }
    expect(claimsDecided).toBeGreaterThan(0);
  });
});
