import type { EntityManager } from 'typeorm';
import { ProgrammeRow } from '../catalogue/programme.entity';
import { PublicGiftRow } from './public-gift.entity';
import { PublicAllocationRow } from './public-allocation.entity';

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

export async function programmeTotals(manager: EntityManager): Promise<ProgrammeTotals[]> {
  const programmes = await manager.find(ProgrammeRow, { order: { programmeId: 'ASC' } });
  const counts = await manager
    .createQueryBuilder(PublicGiftRow, 'g')
    .select('g.programmeId', 'programmeId')
    .addSelect('COUNT(*)', 'gifts')
    .addSelect('COUNT(DISTINCT g.donorId)', 'donors')
    .where('g.programmeId IS NOT NULL')
    .andWhere('g.received > 0')
    .groupBy('g.programmeId')
    .getRawMany<{ programmeId: string; gifts: number | string; donors: number | string }>();
  const money = await giftMoney(manager, { perProgramme: true });
  const unpaid = await unpaidPledges(manager, { perProgramme: true });
  const covered = await manager
    .createQueryBuilder(PublicAllocationRow, 'a')
    .select('a.programmeId', 'programmeId')
    .addSelect('COUNT(DISTINCT a.householdId)', 'households')
    .where('a.policyActive = :active', { active: true })
    .andWhere('a.programmeId IS NOT NULL')
    .groupBy('a.programmeId')
    .getRawMany<{ programmeId: string; households: number | string }>();

  return programmes.map((programme) => {
    const count = counts.find((row) => row.programmeId === programme.programmeId);
    return {
      programmeId: programme.programmeId,
      name: programme.name,
      regionCode: programme.regionCode,
      productId: programme.productId,
      closed: programme.closed,
      gifts: Number(count?.gifts ?? 0),
      donors: Number(count?.donors ?? 0),
      unpaidPledges: pledgesOf(unpaid.filter((row) => row.programmeId === programme.programmeId)),
      householdsCovered: Number(covered.find((row) => row.programmeId === programme.programmeId)?.households ?? 0),
      money: money.filter((row) => row.programmeId === programme.programmeId).map(({ programmeId: _programmeId, ...figures }) => figures),
    };
  });
}

/** Every gift on the platform, directed at a household or through a programme. */
export async function platformTotals(manager: EntityManager): Promise<PlatformTotals> {
  const count = await manager
    .createQueryBuilder(PublicGiftRow, 'g')
    .select('COUNT(*)', 'gifts')
    .addSelect('COUNT(DISTINCT g.donorId)', 'donors')
    .where('g.received > 0')
    .getRawOne<{ gifts: number | string; donors: number | string }>();
  const covered = await manager
    .createQueryBuilder(PublicAllocationRow, 'a')
    .select('COUNT(DISTINCT a.householdId)', 'households')
    .where('a.policyActive = :active', { active: true })
    .getRawOne<{ households: number | string }>();
  const money = await giftMoney(manager, { perProgramme: false });
  return {
    gifts: Number(count?.gifts ?? 0),
    donors: Number(count?.donors ?? 0),
    unpaidPledges: pledgesOf(await unpaidPledges(manager, { perProgramme: false })),
    householdsCovered: Number(covered?.households ?? 0),
    money: money.map(({ programmeId: _programmeId, ...figures }) => figures),
  };
}

/** Sums gift figures per currency, and per programme if asked (leaving out gifts to single households). */
async function giftMoney(manager: EntityManager, { perProgramme }: { perProgramme: boolean }): Promise<(GiftMoney & { programmeId?: string })[]> {
  const figures = ['pledged', 'received', 'allocated', 'paidToInsurers', 'premiumRefundsCredited', 'refunded', 'claimsPaid'] as const;
  const query = manager.createQueryBuilder(PublicGiftRow, 'g').select('g.currency', 'currency').where('g.received > 0').groupBy('g.currency').orderBy('g.currency', 'ASC');
  if (perProgramme) query.addSelect('g.programmeId', 'programmeId').addGroupBy('g.programmeId').andWhere('g.programmeId IS NOT NULL');
  for (const figure of figures) query.addSelect(`SUM(g.${figure})`, figure);
  const rows: Record<string, number | string | null>[] = await query.getRawMany();
  return rows.map((row) => {
    // Sums come back as numbers from SQLite and as strings from PostgreSQL.
    const sum = (figure: (typeof figures)[number]) => Number(row[figure] ?? 0);
    return {
      ...(row.programmeId ? { programmeId: String(row.programmeId) } : {}),
      currency: String(row.currency),
      pledged: sum('pledged'),
      received: sum('received'),
      allocated: sum('allocated'),
      paidToInsurers: sum('paidToInsurers'),
      awaitingPolicyIssue: sum('allocated') - sum('premiumRefundsCredited') - sum('paidToInsurers'),
      premiumRefundsCredited: sum('premiumRefundsCredited'),
      refunded: sum('refunded'),
      heldInEscrow: sum('received') - sum('allocated') + sum('premiumRefundsCredited') - sum('refunded'),
      claimsPaid: sum('claimsPaid'),
    };
  });
}

type UnpaidRow = { programmeId?: string; currency: string; count: number; amount: number };

/** Unpaid pledges per currency, and per programme if asked. */
async function unpaidPledges(manager: EntityManager, { perProgramme }: { perProgramme: boolean }): Promise<UnpaidRow[]> {
  const query = manager
    .createQueryBuilder(PublicGiftRow, 'g')
    .select('g.currency', 'currency')
    .addSelect('COUNT(*)', 'count')
    .addSelect('SUM(g.pledged)', 'amount')
    .where('g.received = 0')
    .groupBy('g.currency')
    .orderBy('g.currency', 'ASC');
  if (perProgramme) query.addSelect('g.programmeId', 'programmeId').addGroupBy('g.programmeId').andWhere('g.programmeId IS NOT NULL');
  const rows: Record<string, number | string | null>[] = await query.getRawMany();
  return rows.map((row) => ({
    ...(row.programmeId ? { programmeId: String(row.programmeId) } : {}),
    currency: String(row.currency),
    count: Number(row.count),
    amount: Number(row.amount ?? 0),
  }));
}

function pledgesOf(rows: UnpaidRow[]): UnpaidPledges {
  return { count: rows.reduce((total, row) => total + row.count, 0), amount: rows.map(({ currency, amount }) => ({ currency, amount })) };
}

/** Everything the public may see: per-programme and platform totals. */
export async function publicView(manager: EntityManager): Promise<{ programmes: ProgrammeTotals[]; platform: PlatformTotals }> {
  return { programmes: await programmeTotals(manager), platform: await platformTotals(manager) };
}
