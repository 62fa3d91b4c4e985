import { pangolinEvent, postingsFor } from '@pangolin/domain';
import { projectedStory, type ProjectedStory } from '../testing/projected-story';
import { moneyFeed, type PublicMoneyMovement } from './money-feed.queries';
import { PUBLIC_MOVEMENT_KINDS } from './money-feed.projection';

describe('public money feed', () => {
  let story: ProjectedStory;
  beforeAll(async () => {
    story = await projectedStory();
  });
  afterAll(() => story.close());

  async function everyPage(limit: number, kind?: (typeof PUBLIC_MOVEMENT_KINDS)[number]): Promise<PublicMoneyMovement[]> {
    const items: PublicMoneyMovement[] = [];
    let cursor: string | undefined;
    do {
      const page = await moneyFeed(story.dataSource.manager, { limit, cursor }, { kind });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  it("lists every public posting of the ledger's rules, newest first, with its amount and event and no account", async () => {
    const expected = story.events
      .flatMap((recorded) => postingsFor(pangolinEvent(recorded), { eventId: recorded.eventId, position: recorded.position, occurredAt: recorded.metadata.occurredAt }))
      .filter((posting) => (PUBLIC_MOVEMENT_KINDS as readonly string[]).includes(posting.kind))
      .map((posting) => ({
        id: posting.postingId,
        kind: posting.kind,
        amount: { amount: posting.entries[1].amount, currency: posting.currency },
        occurredAt: posting.occurredAt,
        position: posting.position.toString(),
        eventId: posting.eventId,
      }))
      .reverse();
    expect(expected.map((movement) => movement.kind)).toEqual(expect.arrayContaining(['gift-received', 'premium-paid-to-insurer', 'claim-paid', 'unearned-premium-refunded']));
    // Premium moved from a gift's escrow to a policy is bookkeeping inside the platform: not shown.
    expect(story.events.some((recorded) => recorded.type === 'GiftAllocated')).toBe(true);
    expect(await everyPage(500)).toEqual(expected);
    expect(await everyPage(2)).toEqual(await everyPage(500));
    expect(JSON.stringify(await everyPage(500))).not.toMatch(/donor:|household:|insurer:|escrow:/);
  });

  it('filters by kind', async () => {
    const claims = await everyPage(1, 'claim-paid');
    expect(claims.length).toBeGreaterThan(0);
    expect(claims.every((movement) => movement.kind === 'claim-paid')).toBe(true);
    expect(claims).toEqual((await everyPage(500)).filter((movement) => movement.kind === 'claim-paid'));
  });
});
