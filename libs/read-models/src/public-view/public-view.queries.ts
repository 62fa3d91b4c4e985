import { In, type EntityManager } from 'typeorm';
import { ProgrammeRow } from '../catalogue/programme.entity';
import { keysetPage, listOrder, type Page, type PageRequest } from '../shared/paging';
import { PLATFORM_SCOPE, PublicTotalsRow } from './public-totals.entity';
import { PublicReachRow } from './public-reach.entity';
import type { GiftFigures } from './gift-figures';

/** Money of paid gifts in one currency. received = inEscrow + refunded + paidToInsurers + awaitingPolicyIssue. */
export interface GiftMoney {
  currency: string;
  /** What the paid gifts were pledged for (equal to received: a payment must match its pledge). */
  pledged: number;
  received: number;
  /** Moved from escrow into policy premiums. */
  allocated: number;
  /** Premium that reached insurers, net of unearned premium they returned. */
  paidToInsurers: number;
  /** Allocated premium whose policy is not issued yet: allocated - premium refunds credited - paid to insurers. */
  awaitingPolicyIssue: number;
  /** Unearned premium of cancelled policies credited back into gift escrow. */
  premiumRefundsCredited: number;
  refunded: number;
  /** Received and not (yet) used: received - allocated + premium refunds credited - refunded. */
  heldInEscrow: number;
  /** Claims paid on policies these gifts funded, in proportion to their share of the premium. */
  claimsPaid: number;
}

export interface ProgrammeTotals {
  programmeId: string;
  name: string;
  regionCode: string;
  productId: string;
  closed: boolean;
  /** Gifts whose money was received, and their donors. */
  gifts: number;
  donors: number;
  unpaidPledges: UnpaidPledges;
  /** Households with a policy in force that the programme's gifts helped pay. */
  householdsCovered: number;
  money: GiftMoney[];
}

/**
 * Pledges still waiting for their payment: promises, not money, so they are counted apart from
 * gifts and donors. One that expires (PLEDGE_EXPIRY_HOURS) or is withdrawn leaves the figures.
 */
export interface UnpaidPledges {
  count: number;
  amount: { currency: string; amount: number }[];
}

export interface PlatformTotals {
  /** Gifts whose money was received, and their donors. */
  gifts: number;
  donors: number;
  unpaidPledges: UnpaidPledges;
  householdsCovered: number;
  money: GiftMoney[];
}

const PROGRAMMES = listOrder('public-programmes', [['programme.programmeId', 'text']]);

/** A page of programmes, by id, each with its public totals (kept by the public-view projection). */
export async function programmeTotals(manager: EntityManager, page: PageRequest): Promise<Page<ProgrammeTotals>> {
  const programmes = await keysetPage(manager.createQueryBuilder(ProgrammeRow, 'programme'), PROGRAMMES, page, (row) => [row.programmeId]);
  const scopes = programmes.items.map(({ programmeId }) => programmeId);
  const totals = scopes.length ? await manager.find(PublicTotalsRow, { where: { scope: In(scopes) }, order: { currency: 'ASC' } }) : [];
  const reach = scopes.length ? await manager.find(PublicReachRow, { where: { scope: In(scopes) } }) : [];
  const items = programmes.items.map(({ programmeId, name, regionCode, productId, closed }) => ({
    programmeId,
    name,
    regionCode,
    productId,
    closed,
    ...totalsOf(
      totals.filter((row) => row.scope === programmeId),
      reach.find((row) => row.scope === programmeId),
    ),
  }));
  return { items, nextCursor: programmes.nextCursor };
}

/** Every gift on the platform, directed at a household or through a programme. */
export async function platformTotals(manager: EntityManager): Promise<PlatformTotals> {
  const totals = await manager.find(PublicTotalsRow, { where: { scope: PLATFORM_SCOPE }, order: { currency: 'ASC' } });
  return totalsOf(totals, (await manager.findOneBy(PublicReachRow, { scope: PLATFORM_SCOPE })) ?? undefined);
}

/** One scope's figures from its rows per currency (gifts and pledges add up across currencies; donors and households are counted once). */
function totalsOf(rows: PublicTotalsRow[], reach: PublicReachRow | undefined): PlatformTotals {
  const unpaid = rows.filter((row) => row.unpaidCount > 0);
  return {
    gifts: rows.reduce((total, row) => total + row.gifts, 0),
    donors: reach?.donors ?? 0,
    unpaidPledges: { count: unpaid.reduce((total, row) => total + row.unpaidCount, 0), amount: unpaid.map(({ currency, unpaidAmount }) => ({ currency, amount: unpaidAmount })) },
    householdsCovered: reach?.householdsCovered ?? 0,
    money: rows.filter((row) => row.gifts > 0).map(moneyOf),
  };
}

/** Summed figures in one currency, with what they imply: premium awaiting its policy, money held in escrow. */
export function moneyOf(figures: GiftFigures & { currency: string }): GiftMoney {
  const { currency, pledged, received, allocated, paidToInsurers, premiumRefundsCredited, refunded, claimsPaid } = figures;
  return {
    currency,
    pledged,
    received,
    allocated,
    paidToInsurers,
    awaitingPolicyIssue: allocated - premiumRefundsCredited - paidToInsurers,
    premiumRefundsCredited,
    refunded,
    heldInEscrow: received - allocated + premiumRefundsCredited - refunded,
    claimsPaid,
  };
}

/** What /public/totals shows: the platform's totals (each programme's are a paged list, programmeTotals). */
export async function publicView(manager: EntityManager): Promise<{ platform: PlatformTotals }> {
  return { platform: await platformTotals(manager) };
}
