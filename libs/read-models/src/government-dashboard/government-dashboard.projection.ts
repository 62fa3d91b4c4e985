import type { EntityManager } from 'typeorm';
import type { PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { DashboardHouseholdRow } from './dashboard-household.entity';
import { DashboardGiftRow } from './dashboard-gift.entity';
import { RegionMoneyRow } from './region-money.entity';
import { VillageCountsRow } from './village-counts.entity';
import { DashboardClaimRow } from './dashboard-claim.entity';
import { VillageClaimsRow } from './village-claims.entity';
import type { ClaimState } from '../catalogue/claim.entity';

type RegionFigure = 'received' | 'allocated' | 'claimsPaid';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return {
    households: new RowSet(tx, DashboardHouseholdRow),
    gifts: new RowSet(tx, DashboardGiftRow),
    money: new RowSet(tx, RegionMoneyRow),
    villages: new RowSet(tx, VillageCountsRow),
    claims: new RowSet(tx, DashboardClaimRow),
    villageClaims: new RowSet(tx, VillageClaimsRow),
  };
}

/** Household counts and claims by state per village, and money per region, rolled up county -> town -> village at query time. Applied a batch at a time (see RowSet). */
export class GovernmentDashboardProjection implements Projection {
  readonly name = 'government-dashboard';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

/** The household an event names, if any (a gift to a household names it in its target). */
function householdOf(event: PangolinEvent): string | undefined {
  if (event.type === 'GiftPledged') return event.data.target.kind === 'household' ? event.data.target.householdId : undefined;
  return (event.data as { householdId?: string }).householdId;
}

async function prefetch({ households, gifts, money, villages, claims, villageClaims }: Tables, events: readonly PangolinEvent[]): Promise<void> {
  await households.load('householdId', keysIn(events, householdOf));
  // Households registered in this batch are not stored yet: their villages come from their registrations.
  const registered = new Map<string, string>();
  for (const event of events) if (event.type === 'HouseholdRegistered') registered.set(event.data.householdId, event.data.villageCode);
  const villageOf = async (householdId: string | undefined) => (householdId === undefined ? undefined : ((await households.get({ householdId }))?.villageCode ?? registered.get(householdId)));
  const villageCodes: string[] = [];
  for (const event of events) {
    const villageCode = event.type === 'HouseholdRegistered' ? event.data.villageCode : await villageOf(householdOf(event));
    if (villageCode) villageCodes.push(villageCode);
  }
  await villages.load('villageCode', villageCodes);
  await gifts.load('giftId', keysIn(events, (event) => (event.type === 'GiftPaymentConfirmed' ? event.data.giftId : undefined)));
  // The regions money goes to: a gift's (stored, or pledged in this batch), a household's village. All in
  // one query, not one per region when first touched.
  const pledged = new Map<string, string | undefined>();
  const regions: string[] = [];
  for (const event of events) {
    let region: string | undefined;
    if (event.type === 'GiftPledged') {
      const { giftId, target } = event.data;
      pledged.set(giftId, target.kind === 'programme' ? target.regionCode : await villageOf(target.householdId));
    } else if (event.type === 'GiftPaymentConfirmed') region = (await gifts.get({ giftId: event.data.giftId }))?.regionCode ?? pledged.get(event.data.giftId);
    else if (event.type === 'GiftAllocated' || event.type === 'ClaimPaid') region = await villageOf(event.data.householdId);
    if (region !== undefined) regions.push(region);
  }
  await money.load('regionCode', regions);
  await claims.load('claimId', keysIn(events, (event) => (event.type.startsWith('Claim') ? (event.data as { claimId: string }).claimId : undefined)));
  const claimVillages: string[] = [];
  for (const event of events) {
    if (!event.type.startsWith('Claim')) continue;
    const claim = await claims.get({ claimId: (event.data as { claimId: string }).claimId });
    const villageCode = claim?.villageCode ?? (event.type === 'ClaimFiled' ? await villageOf(event.data.householdId) : undefined);
    if (villageCode) claimVillages.push(villageCode);
  }
  await villageClaims.load('villageCode', claimVillages);
}

async function applyEvent(tables: Tables, event: PangolinEvent): Promise<void> {
  const { households, gifts, money } = tables;
  switch (event.type) {
    case 'HouseholdRegistered':
      await households.insert({ householdId: event.data.householdId, villageCode: event.data.villageCode, eligible: false, activePolicies: 0 });
      await countVillage(tables.villages, event.data.villageCode, { registered: 1 });
      return;
    case 'HouseholdEligibilityVerified':
      await changeHousehold(tables, event.data.householdId, () => ({ eligible: true }));
      return;
    case 'HouseholdEligibilityRevoked':
      await changeHousehold(tables, event.data.householdId, () => ({ eligible: false }));
      return;
    case 'PolicyIssued':
      await changeHousehold(tables, event.data.householdId, (household) => ({ activePolicies: household.activePolicies + 1 }));
      return;
    case 'PolicyCancelled':
      if (event.data.wasIssued) await changeHousehold(tables, event.data.householdId, (household) => ({ activePolicies: household.activePolicies - 1 }));
      return;
    case 'PolicyExpired':
      await changeHousehold(tables, event.data.householdId, (household) => ({ activePolicies: household.activePolicies - 1 }));
      return;
    case 'GiftPledged': {
      const { giftId, target } = event.data;
      const regionCode = target.kind === 'programme' ? target.regionCode : (await households.getOrFail({ householdId: target.householdId })).villageCode;
      await gifts.insert({ giftId, regionCode });
      return;
    }
    case 'GiftPaymentConfirmed': {
      const gift = await gifts.getOrFail({ giftId: event.data.giftId });
      await addMoney(money, gift.regionCode, event.data.amount.currency, 'received', event.data.amount.amount);
      return;
    }
    case 'GiftAllocated':
      await addMoney(money, (await households.getOrFail({ householdId: event.data.householdId })).villageCode, event.data.amount.currency, 'allocated', event.data.amount.amount);
      return;
    case 'ClaimFiled': {
      const { claimId, householdId, amountClaimed } = event.data;
      const claim: DashboardClaimRow = { claimId, villageCode: (await households.getOrFail({ householdId })).villageCode, state: 'filed', currency: amountClaimed.currency, amount: amountClaimed.amount };
      await tables.claims.insert(claim);
      await countClaim(tables.villageClaims, claim, 1);
      return;
    }
    case 'ClaimApproved':
      await moveClaim(tables, event.data.claimId, 'approved', event.data.approvedAmount.amount);
      return;
    case 'ClaimRejected':
      await moveClaim(tables, event.data.claimId, 'rejected');
      return;
    case 'ClaimPaid':
      await addMoney(money, (await households.getOrFail({ householdId: event.data.householdId })).villageCode, event.data.amount.currency, 'claimsPaid', event.data.amount.amount);
      await moveClaim(tables, event.data.claimId, 'paid', event.data.amount.amount);
      return;
  }
}

/** Moves a claim to `state`, now amounting to `amount` (unchanged if not given), from its village's count of its old state to that of the new. */
async function moveClaim({ claims, villageClaims }: Tables, claimId: string, state: ClaimState, amount?: number): Promise<void> {
  const claim = await claims.get({ claimId });
  // A claim this projection never saw filed (filed before a household it does not know) is not counted.
  if (!claim) return;
  await countClaim(villageClaims, claim, -1);
  claims.change(claim, { state, amount: amount ?? claim.amount });
  await countClaim(villageClaims, claim, 1);
}

async function countClaim(villageClaims: RowSet<VillageClaimsRow>, claim: DashboardClaimRow, sign: 1 | -1): Promise<void> {
  const key = { villageCode: claim.villageCode, state: claim.state, currency: claim.currency };
  const row = await villageClaims.get(key);
  if (row) villageClaims.change(row, { count: row.count + sign, amount: row.amount + sign * claim.amount });
  else await villageClaims.insert({ ...key, count: sign, amount: sign * claim.amount });
}

type VillageFigure = 'registered' | 'eligible' | 'covered' | 'eligibleCovered';

/** Changes a household and moves it between its village's counts: each count follows the household's before and after. */
async function changeHousehold({ households, villages }: Tables, householdId: string, change: (household: DashboardHouseholdRow) => Partial<DashboardHouseholdRow>): Promise<void> {
  const household = await households.get({ householdId });
  // Updating a household that does not exist does nothing, as the UPDATE it stands for would.
  if (!household) return;
  const before = figuresOf(household);
  households.change(household, change(household));
  const after = figuresOf(household);
  const delta = Object.fromEntries((Object.keys(after) as (keyof typeof after)[]).map((figure) => [figure, after[figure] - before[figure]]));
  await countVillage(villages, household.villageCode, delta);
}

function figuresOf(household: DashboardHouseholdRow): Record<Exclude<VillageFigure, 'registered'>, number> {
  const covered = household.activePolicies > 0;
  return { eligible: household.eligible ? 1 : 0, covered: covered ? 1 : 0, eligibleCovered: household.eligible && covered ? 1 : 0 };
}

async function countVillage(villages: RowSet<VillageCountsRow>, villageCode: string, delta: Partial<Record<VillageFigure, number>>): Promise<void> {
  const row = await villages.get({ villageCode });
  if (!row) {
    await villages.insert({ villageCode, registered: 0, eligible: 0, covered: 0, eligibleCovered: 0, ...delta });
    return;
  }
  villages.change(row, Object.fromEntries(Object.entries(delta).map(([figure, by]) => [figure, row[figure as VillageFigure] + (by ?? 0)])));
}

async function addMoney(money: RowSet<RegionMoneyRow>, regionCode: string, currency: string, figure: RegionFigure, amount: number): Promise<void> {
  const existing = await money.get({ regionCode, currency });
  if (existing) money.change(existing, { [figure]: existing[figure] + amount });
  else await money.insert({ regionCode, currency, received: 0, allocated: 0, claimsPaid: 0, [figure]: amount });
}
