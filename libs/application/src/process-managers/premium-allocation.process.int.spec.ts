import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { giftDecider, householdDecider, isEventOfType, money, nationalIdWithChecksum, ProgrammeCandidate, productDecider, streams } from '@pangolin/domain';
import { EventStore, RecordedEvent, SqliteEventStore } from '@pangolin/event-store';
import { ActingContext, executeCommand } from '../command-executor';
import { PremiumAllocationProcess } from './premium-allocation.process';

const REGION = '440305';
const PREMIUM = money(5_000, 'CNY');
const productId = 'prod-1';
const programmeId = 'prog-1';
const giftId = 'gift-1';
const households = ['hh-1', 'hh-2', 'hh-3'];
const acting: ActingContext = { actor: 'test', correlationId: 'c', causationId: 'c' };
const now = () => '2026-03-01T08:00:00.000Z';

class Killed extends Error {}

/** The store, counting reads of the log; if `dying`, it dies right after the first contribution a premium accepts (where a SIGKILL could land). */
function observed(store: EventStore, dying: boolean) {
  let logReads = 0;
  const proxy = new Proxy(store, {
    get(target, property) {
      if (property === 'append' && dying) {
        return async (...args: Parameters<EventStore['append']>) => {
          const result = await target.append(...args);
          if (args[2].some((event) => event.type === 'PremiumContributionAccepted')) throw new Killed('killed after the first contribution');
          return result;
        };
      }
      if (property === 'readAll') logReads++;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { proxy, logReads: () => logReads };
}

describe('premium allocation of a programme gift', () => {
  let directory: string;
  let store: SqliteEventStore;
  let payment: RecordedEvent;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'pangolin-programme-plan-'));
    store = SqliteEventStore.open(join(directory, 'events.sqlite'));
    const terms = { name: 'Cover', coverageKind: 'accident-illness' as const, annualPremium: PREMIUM, sumInsured: money(2_000_000, 'CNY'), waitingPeriodDays: 0, termDays: 365 };
    await executeCommand(store, productDecider, streams.product(productId), { type: 'PublishProduct', data: { productId, insurerId: 'ins-1', terms, now: now() } }, acting);
    for (const [i, householdId] of households.entries()) {
      const personal = { headName: `Head ${i}`, headNationalId: nationalIdWithChecksum(`4403051980010100${i}`), members: [], address: `Lane ${i}` };
      await executeCommand(store, householdDecider, streams.household(householdId), {
        type: 'RegisterHousehold',
        data: { householdId, householdCode: `HH-${i}`, villageCode: '440305001001', registrarRegion: REGION, category: 'low-income', personal, nationalIdDigests: [], now: now() },
      }, acting);
      await executeCommand(store, householdDecider, streams.household(householdId), { type: 'VerifyEligibility', data: { householdId, category: 'low-income', verifierRegion: REGION, now: now() } }, acting);
    }
    const amount = money(12_000, 'CNY');
    await executeCommand(store, giftDecider, streams.gift(giftId), { type: 'PledgeGift', data: { giftId, donorId: 'donor-1', amount, target: { kind: 'programme', programmeId, regionCode: REGION, productId }, remainder: 'refund', now: now() } }, acting);
    const paid = await executeCommand(store, giftDecider, streams.gift(giftId), { type: 'ConfirmPayment', data: { giftId, paymentReference: 'PAY-1', amount, now: now() } }, acting);
    [payment] = await store.readAll({ after: paid.position - 1n, limit: 1 });
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('records its plan before carrying it out, and a retry after a crash carries out that plan without planning again or reading the log', async () => {
    // What the read model answers: at first every household; after the crash, the first one is funded (it accepted its share).
    let candidates: ProgrammeCandidate[] = households.map((householdId, i) => ({ householdId, householdCode: `HH-${i}`, verifiedPosition: BigInt(i + 1), remainingPremium: PREMIUM.amount }));
    let plannings = 0;
    const readModel = {
      uncoveredEligible: async () => {
        plannings++;
        return { items: candidates, nextCursor: null };
      },
      giftsHoldingMoneyFor: async () => [],
    };
    const plan = [
      { householdId: 'hh-1', amount: 5_000 },
      { householdId: 'hh-2', amount: 5_000 },
      { householdId: 'hh-3', amount: 2_000 },
    ];
    await expect(new PremiumAllocationProcess(observed(store, true).proxy, readModel, now).handle(payment)).rejects.toBeInstanceOf(Killed);
    const planned = (await store.readStream(streams.gift(giftId))).filter((event) => isEventOfType(event, 'ProgrammeAllocationPlanned'));
    expect(planned.map((event) => event.data.allocations)).toEqual([plan]);

    candidates = candidates.slice(1);
    const retrying = observed(store, false);
    await new PremiumAllocationProcess(retrying.proxy, readModel, now).handle(payment);

    expect(plannings).toBe(1);
    expect(retrying.logReads()).toBe(0);
    const giftEvents = (await store.readStream(streams.gift(giftId))).map((event) => ({ type: event.type, data: event.data as Record<string, unknown> }));
    expect(giftEvents.filter(({ type }) => type === 'ProgrammeAllocationPlanned')).toHaveLength(1);
    expect(giftEvents.filter(({ type }) => type === 'GiftAllocated').map(({ data }) => ({ householdId: data.householdId, amount: (data.amount as { amount: number }).amount }))).toEqual(plan);
    expect(giftEvents.some(({ type }) => type === 'GiftRemainderRefunded')).toBe(false);
    for (const householdId of households) {
      const accepted = (await store.readStream(streams.premiumFunding(householdId, productId))).filter((event) => event.type === 'PremiumContributionAccepted');
      expect(accepted).toHaveLength(1);
    }
  });

  it("plans from as many of the region's households as the gift can fund, read a page at a time, not from all of them", async () => {
    // A county's worth of candidates, served two at a time: the three real households first, in allocation order.
    const county: ProgrammeCandidate[] = Array.from({ length: 1_200 }, (_, i) => ({ householdId: households[i] ?? `hh-far-${i}`, householdCode: `HH-${String(i).padStart(4, '0')}`, verifiedPosition: BigInt(i + 1), remainingPremium: PREMIUM.amount }));
    const pagesAsked: { limit: number; cursor?: string }[] = [];
    const readModel = {
      uncoveredEligible: async (_region: string, _product: string, page: { limit: number; cursor?: string }) => {
        pagesAsked.push(page);
        const from = Number(page.cursor ?? 0);
        const to = Math.min(from + 2, county.length);
        return { items: county.slice(from, to), nextCursor: to < county.length ? String(to) : null };
      },
      giftsHoldingMoneyFor: async () => [],
    };
    await new PremiumAllocationProcess(store, readModel, now).handle(payment);

    // 12,000 fen funds two premiums of 5,000 and 2,000 of a third: two pages (four households) hold enough.
    expect(pagesAsked).toEqual([{ limit: 500, cursor: undefined }, { limit: 500, cursor: '2' }]);
    const planned = (await store.readStream(streams.gift(giftId))).filter((event) => isEventOfType(event, 'ProgrammeAllocationPlanned'));
    expect(planned.map((event) => event.data.allocations)).toEqual([[{ householdId: 'hh-1', amount: 5_000 }, { householdId: 'hh-2', amount: 5_000 }, { householdId: 'hh-3', amount: 2_000 }]]);
  });
});
