import type { EntityManager } from 'typeorm';
import { splitProportionally, type Contribution, type PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { PublicGiftRow } from './public-gift.entity';
import { PublicAllocationRow } from './public-allocation.entity';
import { PLATFORM_SCOPE, PublicTotalsRow } from './public-totals.entity';
import { PublicReachRow } from './public-reach.entity';
import { PublicMemberRow, type PublicMemberKind } from './public-member.entity';

type GiftFigure = 'received' | 'allocated' | 'paidToInsurers' | 'premiumRefundsCredited' | 'refunded' | 'claimsPaid';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return {
    gifts: new RowSet(tx, PublicGiftRow),
    allocations: new RowSet(tx, PublicAllocationRow),
    totals: new RowSet(tx, PublicTotalsRow),
    reach: new RowSet(tx, PublicReachRow),
    members: new RowSet(tx, PublicMemberRow),
  };
}

/**
 * Money per gift and cover per allocation, and their sums per programme and for the platform, kept
 * as each gift or allocation changes (public_totals, public_reach, public_members) so the public
 * figures are read, not summed per request. Applied a batch at a time (see RowSet).
 */
export class PublicViewProjection implements Projection {
  readonly name = 'public-view';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

/** The gifts whose figures an event changes. */
function giftsOf(event: PangolinEvent): string[] | undefined {
  if (event.type === 'PolicyIssued') return event.data.contributions.map(({ giftId }) => giftId);
  if (event.type === 'PolicyCancelled') return event.data.refunds.map(({ giftId }) => giftId);
  if (event.type === 'ClaimPaid') return event.data.fundedBy.map(({ giftId }) => giftId);
  return event.type.startsWith('Gift') ? [(event.data as { giftId: string }).giftId] : undefined;
}

async function prefetch({ gifts, allocations, totals, members }: Tables, events: readonly PangolinEvent[]): Promise<void> {
  await gifts.load('giftId', keysIn(events, giftsOf));
  await allocations.load('allocationId', keysIn(events, (event) => (event.type === 'GiftAllocated' ? event.data.allocationId : undefined)));
  await allocations.load('policyId', keysIn(events, (event) => (event.type.startsWith('Policy') ? (event.data as { policyId: string }).policyId : undefined)));
  await totals.load('scope', [PLATFORM_SCOPE]);
  // The donors and households the batch names; a programme's scope and a member it does not name are loaded when first read.
  await members.load('memberId', keysIn(events, (event) => ('donorId' in event.data ? event.data.donorId : 'householdId' in event.data ? event.data.householdId : undefined)));
}

async function applyEvent(tables: Tables, event: PangolinEvent): Promise<void> {
  const { gifts, allocations } = tables;
  switch (event.type) {
    case 'GiftPledged': {
      const { giftId, donorId, amount, target } = event.data;
      await changingGift(tables, giftId, () => gifts.insert({
        giftId,
        donorId,
        programmeId: target.kind === 'programme' ? target.programmeId : null,
        currency: amount.currency,
        pledged: amount.amount,
        received: 0,
        allocated: 0,
        paidToInsurers: 0,
        premiumRefundsCredited: 0,
        refunded: 0,
        claimsPaid: 0,
      }));
      return;
    }
    case 'GiftPaymentConfirmed':
      await addToGift(tables, event.data.giftId, 'received', event.data.amount.amount);
      return;
    // A pledge that ended unpaid moved no money: the public figures forget it.
    case 'GiftPledgeExpired':
    case 'GiftPledgeWithdrawn':
      await changingGift(tables, event.data.giftId, () => gifts.delete({ giftId: event.data.giftId }));
      return;
    case 'GiftAllocated': {
      const { allocationId, giftId, householdId, policyId, amount } = event.data;
      const gift = await gifts.getOrFail({ giftId });
      await allocations.insert({ allocationId, giftId, programmeId: gift.programmeId, householdId, policyId, policyActive: false });
      await addToGift(tables, giftId, 'allocated', amount.amount);
      return;
    }
    case 'GiftRemainderRefunded':
      await addToGift(tables, event.data.giftId, 'refunded', event.data.amount.amount);
      return;
    case 'GiftPremiumRefundCredited':
      await addToGift(tables, event.data.giftId, 'premiumRefundsCredited', event.data.amount.amount);
      return;
    case 'PolicyIssued':
      await setPolicyActive(tables, event.data.policyId, true);
      await addContributions(tables, event.data.contributions, 1);
      return;
    case 'PolicyCancelled':
      await setPolicyActive(tables, event.data.policyId, false);
      // Only an issued policy's refund comes back from the insurer; before issue the premium never left.
      if (event.data.wasIssued) await addContributions(tables, event.data.refunds, -1);
      return;
    case 'PolicyExpired':
      await setPolicyActive(tables, event.data.policyId, false);
      return;
    case 'ClaimPaid': {
      const { amount, fundedBy } = event.data;
      const shares = splitProportionally(amount.amount, fundedBy.map((share) => share.amount));
      for (const [i, share] of fundedBy.entries()) await addToGift(tables, share.giftId, 'claimsPaid', shares[i]);
      return;
    }
  }
}

function addToGift(tables: Tables, giftId: string, figure: GiftFigure, amount: number): Promise<void> {
  return changingGift(tables, giftId, () => tables.gifts.increment({ giftId }, figure, amount));
}

async function addContributions(tables: Tables, contributions: Contribution[], sign: 1 | -1): Promise<void> {
  for (const { giftId, amount } of contributions) await addToGift(tables, giftId, 'paidToInsurers', sign * amount);
}

type Figures = Omit<PublicTotalsRow, 'scope' | 'currency'>;

/** Every figure of a scope's totals (what figuresOf gives). */
const FIGURES = ['gifts', 'pledged', 'received', 'allocated', 'paidToInsurers', 'premiumRefundsCredited', 'refunded', 'claimsPaid', 'unpaidCount', 'unpaidAmount'] as const satisfies readonly (keyof Figures)[];

/** What one gift adds to its scopes' totals: its money once received, else its pledge as unpaid (as the public figures have always counted them). */
function figuresOf(gift: PublicGiftRow | undefined): Figures {
  const paid = gift !== undefined && gift.received > 0;
  const money = (value: number | undefined) => (paid ? (value as number) : 0);
  return {
    gifts: paid ? 1 : 0,
    pledged: money(gift?.pledged),
    received: money(gift?.received),
    allocated: money(gift?.allocated),
    paidToInsurers: money(gift?.paidToInsurers),
    premiumRefundsCredited: money(gift?.premiumRefundsCredited),
    refunded: money(gift?.refunded),
    claimsPaid: money(gift?.claimsPaid),
    unpaidCount: gift !== undefined && !paid ? 1 : 0,
    unpaidAmount: gift !== undefined && !paid ? gift.pledged : 0,
  };
}

/** The platform and, for a gift through a programme, the programme. */
function scopesOf(programmeId: string | null): string[] {
  return programmeId === null ? [PLATFORM_SCOPE] : [PLATFORM_SCOPE, programmeId];
}

/** Runs `change` on a gift's row, then moves the difference it made into the totals and donor counts of the gift's scopes. */
async function changingGift(tables: Tables, giftId: string, change: () => Promise<void>): Promise<void> {
  const stored = await tables.gifts.get({ giftId });
  const before = stored && { ...stored };
  await change();
  const after = await tables.gifts.get({ giftId });
  const gift = after ?? before;
  if (!gift) return;
  const old = figuresOf(before);
  const delta = figuresOf(after);
  // Figure by figure (this runs for most events): the new figures less the old.
  let changed = false;
  for (const figure of FIGURES) if ((delta[figure] -= old[figure]) !== 0) changed = true;
  if (!changed) return;
  for (const scope of scopesOf(gift.programmeId)) {
    await addToTotals(tables.totals, scope, gift.currency, delta);
    if (delta.gifts !== 0) await addToMember(tables, 'donor', gift.donorId, scope, delta.gifts);
  }
}

async function addToTotals(totals: RowSet<PublicTotalsRow>, scope: string, currency: string, delta: Figures): Promise<void> {
  const row = await totals.get({ scope, currency });
  if (!row) return totals.insert({ scope, currency, ...delta });
  const sums = { ...delta };
  for (const figure of FIGURES) sums[figure] += row[figure];
  if (sums.gifts === 0 && sums.unpaidCount === 0) await totals.delete({ scope, currency });
  else totals.change(row, sums);
}

/** Sets whether the allocations of a policy are in force, counting their households covered in and out of their scopes. */
async function setPolicyActive(tables: Tables, policyId: string, active: boolean): Promise<void> {
  for (const allocation of await tables.allocations.where('policyId', policyId)) {
    if (allocation.policyActive === active) continue;
    tables.allocations.change(allocation, { policyActive: active });
    for (const scope of scopesOf(allocation.programmeId)) await addToMember(tables, 'household', allocation.householdId, scope, active ? 1 : -1);
  }
}

/** Changes how many rows make a donor or household one of a scope's; the scope's reach changes when that leaves or reaches zero. */
async function addToMember(tables: Tables, kind: PublicMemberKind, memberId: string, scope: string, amount: number): Promise<void> {
  const key = { memberId, kind, scope };
  const row = await tables.members.get(key);
  const before = row?.count ?? 0;
  const after = before + amount;
  if (after === 0) await tables.members.delete(key);
  else if (row) tables.members.change(row, { count: after });
  else await tables.members.insert({ ...key, count: after });
  const joined = before === 0 && after !== 0 ? 1 : before !== 0 && after === 0 ? -1 : 0;
  if (joined !== 0) await addToReach(tables.reach, scope, kind === 'donor' ? { donors: joined, householdsCovered: 0 } : { donors: 0, householdsCovered: joined });
}

async function addToReach(reach: RowSet<PublicReachRow>, scope: string, delta: { donors: number; householdsCovered: number }): Promise<void> {
  const row = await reach.get({ scope });
  if (!row) return reach.insert({ scope, ...delta });
  const donors = row.donors + delta.donors;
  const householdsCovered = row.householdsCovered + delta.householdsCovered;
  if (donors === 0 && householdsCovered === 0) await reach.delete({ scope });
  else reach.change(row, { donors, householdsCovered });
}
