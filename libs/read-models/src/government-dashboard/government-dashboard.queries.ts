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

/**
 * The region `regionPrefix` with its direct subdivisions (a county's towns, a town's villages; at
 * most 999 by the code's width), each with its households and money; a subdivision's own
 * subdivisions are in its own dashboard. Programme money counts in the node of the programme's region and above,
 * not in the nodes below it, so a node's money may exceed the sum of its children's.
 */
export async function dashboard(manager: EntityManager, regionPrefix: string): Promise<DashboardNode> {
  const villages = await villageCounts(manager, regionPrefix);
  const money = await manager.createQueryBuilder(RegionMoneyRow, 'm').where(...inRegion('m.regionCode', regionPrefix)).getMany();

  const root = emptyNode(regionPrefix);
  const nodes = new Map<string, DashboardNode>([[regionPrefix, root]]);
  const counted = new Map<DashboardNode, { eligibleCovered: number; money: Map<string, RegionMoney> }>();
  const figuresOf = (node: DashboardNode) => {
    if (!counted.has(node)) counted.set(node, { eligibleCovered: 0, money: new Map() });
    return counted.get(node)!;
  };
  /** The node itself and every node above it up to the root, creating the missing ones. */
  const lineage = (code: string): DashboardNode[] => {
    const lineageNodes = [root];
    for (const length of LEVEL_LENGTHS.filter((l) => l > regionPrefix.length && l <= code.length).slice(0, 1)) {
      const nodeCode = code.slice(0, length);
      let node = nodes.get(nodeCode);
      if (!node) {
        node = emptyNode(nodeCode);
        nodes.set(nodeCode, node);
        lineageNodes[lineageNodes.length - 1].children.push(node);
      }
      lineageNodes.push(node);
    }
    return lineageNodes;
  };

  for (const village of villages) {
    for (const node of lineage(village.villageCode)) {
      node.registered += village.registered;
      node.eligible += village.eligible;
      node.covered += village.covered;
      figuresOf(node).eligibleCovered += village.eligibleCovered;
    }
  }
  for (const row of money) {
    for (const node of lineage(row.regionCode)) {
      const byCurrency = figuresOf(node).money;
      const figures = byCurrency.get(row.currency) ?? { currency: row.currency, received: 0, allocated: 0, claimsPaid: 0 };
      figures.received += row.received;
      figures.allocated += row.allocated;
      figures.claimsPaid += row.claimsPaid;
      byCurrency.set(row.currency, figures);
    }
  }
  for (const node of nodes.values()) {
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

/** The region's villages' counts, kept by the projection: one row per village, nothing counted here. */
async function villageCounts(manager: EntityManager, regionPrefix: string): Promise<VillageCountsRow[]> {
  return manager.createQueryBuilder(VillageCountsRow, 'v').where(...inRegion('v.villageCode', regionPrefix)).getMany();
}

function emptyNode(code: string): DashboardNode {
  return { code, level: regionLevel(code) ?? 'region', registered: 0, eligible: 0, covered: 0, coverageRateBasisPoints: null, money: [], children: [] };
}
