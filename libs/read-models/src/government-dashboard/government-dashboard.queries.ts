import type { EntityManager } from 'typeorm';
import { inRegion } from '../shared/paging';
import { regionLevel, type RegionLevel } from '@pangolin/domain';
import { basisPoints } from '../shared/ratio';
import type { ClaimState } from '../catalogue/claim.entity';
import type { ClaimStateSummary } from '../insurer-view/insurer-view.queries';
import { MoneySums } from '../shared/money-sums';
import { VillageClaimsRow } from './village-claims.entity';
import { RegionMoneyRow } from './region-money.entity';
import { VillageCountsRow } from './village-counts.entity';

export interface RegionMoney {
  currency: string;
  /** Payments of gifts for households in the region, plus programme gifts whose programme region lies in it. */
  received: number;
  /** Gift money allocated to premiums of households in the region. */
  allocated: number;
  /** Claims paid to households in the region. */
  claimsPaid: number;
}

export interface DashboardNode {
  code: string;
  level: RegionLevel | 'region';
  registered: number;
  eligible: number;
  /** Households with a policy in force. */
  covered: number;
  /** Eligible households with a policy in force, over eligible households, in basis points (floored); null without eligible households. */
  coverageRateBasisPoints: number | null;
  money: RegionMoney[];
  children: DashboardNode[];
}

/** The levels the dashboard rolls up through, by code length. */
const LEVEL_LENGTHS = [6, 9, 12];

type Summed<Keys extends string> = Record<Keys, string | number> & { code: string };

/**
 * The region `regionPrefix` with its direct subdivisions (a county's towns, a town's villages; at
 * most 999 by the code's width), each with its households and money; a subdivision's own
 * subdivisions are in its own dashboard. Programme money counts in the node of the programme's region and above,
 * not in the nodes below it, so a node's money may exceed the sum of its children's.
 *
 * The database adds the villages' kept counts up per subdivision (GROUP BY the code's prefix), so a
 * province's dashboard reads one row per county, not one per village.
 */
export async function dashboard(manager: EntityManager, regionPrefix: string): Promise<DashboardNode> {
  const childLength = LEVEL_LENGTHS.find((length) => length > regionPrefix.length) ?? regionPrefix.length;
  const villages: Summed<'registered' | 'eligible' | 'covered' | 'eligibleCovered'>[] = await manager
    .createQueryBuilder(VillageCountsRow, 'v')
    .select('SUBSTR(v.villageCode, 1, :childLength)', 'code')
    .addSelect('SUM(v.registered)', 'registered')
    .addSelect('SUM(v.eligible)', 'eligible')
    .addSelect('SUM(v.covered)', 'covered')
    .addSelect('SUM(v.eligibleCovered)', 'eligibleCovered')
    .where(...inRegion('v.villageCode', regionPrefix))
    .setParameter('childLength', childLength)
    .groupBy('code')
    .getRawMany();
  const money: (Summed<'received' | 'allocated' | 'claimsPaid'> & { currency: string })[] = await manager
    .createQueryBuilder(RegionMoneyRow, 'm')
    .select('SUBSTR(m.regionCode, 1, :childLength)', 'code')
    .addSelect('m.currency', 'currency')
    .addSelect('SUM(m.received)', 'received')
    .addSelect('SUM(m.allocated)', 'allocated')
    .addSelect('SUM(m.claimsPaid)', 'claimsPaid')
    .where(...inRegion('m.regionCode', regionPrefix))
    .setParameter('childLength', childLength)
    .groupBy('code')
    .addGroupBy('m.currency')
    .getRawMany();

  const root = emptyNode(regionPrefix);
  const children = new Map<string, DashboardNode>();
  const counted = new Map<DashboardNode, { eligibleCovered: number; money: Map<string, RegionMoney> }>();
  const figuresOf = (node: DashboardNode) => {
    if (!counted.has(node)) counted.set(node, { eligibleCovered: 0, money: new Map() });
    return counted.get(node)!;
  };
  /** The root, and the subdivision a grouped code names if it is one (a shorter code, e.g. a programme's own county, counts in the root only). */
  const lineage = (code: string): DashboardNode[] => {
    if (childLength === regionPrefix.length || code.length < childLength) return [root];
    let child = children.get(code);
    if (!child) {
      child = emptyNode(code);
      children.set(code, child);
      root.children.push(child);
    }
    return [root, child];
  };

  for (const village of villages) {
    for (const node of lineage(village.code)) {
      node.registered += Number(village.registered);
      node.eligible += Number(village.eligible);
      node.covered += Number(village.covered);
      figuresOf(node).eligibleCovered += Number(village.eligibleCovered);
    }
  }
  for (const row of money) {
    for (const node of lineage(row.code)) {
      const byCurrency = figuresOf(node).money;
      const figures = byCurrency.get(row.currency) ?? { currency: row.currency, received: 0, allocated: 0, claimsPaid: 0 };
      figures.received += Number(row.received);
      figures.allocated += Number(row.allocated);
      figures.claimsPaid += Number(row.claimsPaid);
      byCurrency.set(row.currency, figures);
    }
  }
  for (const node of [root, ...children.values()]) {
    const figures = figuresOf(node);
    node.coverageRateBasisPoints = basisPoints(figures.eligibleCovered, node.eligible);
    node.money = [...figures.money.values()].sort((a, b) => a.currency.localeCompare(b.currency));
    node.children.sort((a, b) => a.code.localeCompare(b.code));
  }
  return root;
}

/** Claims on policies of the region's households per state, with their amounts in that state: the projection's counts per village, added up. */
export async function claimsInRegion(manager: EntityManager, regionPrefix: string): Promise<Record<ClaimState, ClaimStateSummary>> {
  const rows = await manager
    .createQueryBuilder(VillageClaimsRow, 'v')
    .where(...inRegion('v.villageCode', regionPrefix))
    .andWhere('v.count > 0')
    .getMany();
  const sums: Record<ClaimState, MoneySums> = { filed: new MoneySums(), approved: new MoneySums(), rejected: new MoneySums(), paid: new MoneySums() };
  const counts: Record<ClaimState, number> = { filed: 0, approved: 0, rejected: 0, paid: 0 };
  for (const row of rows) {
    counts[row.state] += row.count;
    sums[row.state].add(row.currency, row.amount);
  }
  const summary = (state: ClaimState): ClaimStateSummary => ({ count: counts[state], amounts: sums[state].toList() });
  return { filed: summary('filed'), approved: summary('approved'), rejected: summary('rejected'), paid: summary('paid') };
}

function emptyNode(code: string): DashboardNode {
  return { code, level: regionLevel(code) ?? 'region', registered: 0, eligible: 0, covered: 0, coverageRateBasisPoints: null, money: [], children: [] };
}
