import type { EntityManager } from 'typeorm';
import { ProgrammeRow } from '../catalogue/programme.entity';
import { PublicGiftRow } from './public-gift.entity';
import { PublicAllocationRow } from './public-allocation.entity';

/** Gift money of one currency. received = inEscrow + refunded + paidToInsurers + awaitingPolicyIssue. */
export interface GiftMoney {
  currency: string;
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
  gifts: number;
  donors: number;
  /** Households with a policy in force that the programme's gifts helped pay. */
  householdsCovered: number;
  money: GiftMoney[];
}

export interface PlatformTotals {
  gifts: number;
  donors: number;
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
    .groupBy('g.programmeId')
    .getRawMany<{ programmeId: string; gifts: number | string; donors: number | string }>();
  const money = await giftMoney(manager, { perProgramme: true });
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
    householdsCovered: Number(covered?.households ?? 0),
    money: money.map(({ programmeId: _programmeId, ...figures }) => figures),
  };
}

/** Sums gift figures per currency, and per programme if asked (leaving out gifts to single households). */
async function giftMoney(manager: EntityManager, { perProgramme }: { perProgramme: boolean }): Promise<(GiftMoney & { programmeId?: string })[]> {
  const figures = ['pledged', 'received', 'allocated', 'paidToInsurers', 'premiumRefundsCredited', 'refunded', 'claimsPaid'] as const;
  const query = manager.createQueryBuilder(PublicGiftRow, 'g').select('g.currency', 'currency').groupBy('g.currency').orderBy('g.currency', 'ASC');
  if (perProgramme) query.addSelect('g.programmeId', 'programmeId').addGroupBy('g.programmeId').where('g.programmeId IS NOT NULL');
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

/** Everything the public may see: per-programme and platform totals. */
export async function publicView(manager: EntityManager): Promise<{ programmes: ProgrammeTotals[]; platform: PlatformTotals }> {
  return { programmes: await programmeTotals(manager), platform: await platformTotals(manager) };
}
