import { EntityManager, EntityTarget, In } from 'typeorm';
import { addDays, splitProportionally, type Money } from '@pangolin/domain';
import { keysetPage, listOrder, ListOrder, mapPage, Page, pageOf, PageRequest } from '../shared/paging';
import { HouseholdRow } from '../households/household.entity';
import { ProgrammeRow } from '../catalogue/programme.entity';
import { PolicyRow, PolicyStatus } from '../catalogue/policy.entity';
import { ClaimRow } from '../catalogue/claim.entity';
import { DonorGiftRow, GiftStatus } from './donor-gift.entity';
import { GiftAllocationRow } from './gift-allocation.entity';
import { GiftRefundKind, GiftRefundRow } from './gift-refund.entity';
import { escrowBalance, heldAmount } from './gift-status';

export type GiftTargetView =
  | { kind: 'household'; householdId: string; householdCode: string | null; productId: string }
  | { kind: 'programme'; programmeId: string; programmeName: string | null; regionCode: string; productId: string };

export interface GiftSummary {
  giftId: string;
  donorId: string;
  target: GiftTargetView;
  remainderChoice: 'hold' | 'refund';
  status: GiftStatus;
  pledged: Money;
  received: Money;
  allocated: Money;
  premiumRefundsCredited: Money;
  refunded: Money;
  held: Money;
  escrowBalance: Money;
  pledgedAt: string;
  paidAt: string | null;
  paymentReference: string | null;
}

export interface ClaimPaidFromGift {
  claimId: string;
  amount: Money;
  /** The part of the payout in proportion to this gift's share of the policy's premium. */
  attributedToGift: Money;
  paidAt: string | null;
  payoutReference: string | null;
}

export interface AllocationTrace {
  allocationId: string;
  /** The household's pseudonymous code: a donor never sees personal data. */
  householdCode: string | null;
  productId: string;
  policyId: string;
  amount: Money;
  allocatedAt: string;
  /** Null while the policy has not been requested yet. */
  policy: { policyNumber: string | null; status: PolicyStatus; startDate: string | null; endDate: string | null } | null;
  claimsPaid: ClaimPaidFromGift[];
}

export interface GiftRefundView {
  kind: GiftRefundKind;
  policyId: string | null;
  amount: Money;
  reason: string | null;
  at: string;
}

/** A gift with the first page of its allocations and of its refunds (each list pages on at its own resource). */
export interface GiftTrace extends GiftSummary {
  allocations: Page<AllocationTrace>;
  refunds: Page<GiftRefundView>;
}

export interface DonorGiftFilter {
  status?: GiftStatus;
  targetKind?: 'household' | 'programme';
  productId?: string;
  programmeId?: string;
  /** Pledged on or after / on or before these days (YYYY-MM-DD). */
  pledgedFrom?: string;
  pledgedTo?: string;
  giftId?: string;
}

/** Newest pledge first. */
export const DONOR_GIFTS = listOrder('donor-gifts', [['gift.pledgedAt', 'text'], ['gift.giftId', 'text']], 'DESC');

/** A gift's allocations in the order they were made. */
export const GIFT_ALLOCATIONS = listOrder('gift-allocations', [['a.allocatedAt', 'text'], ['a.allocationId', 'text']]);

/** A gift's refunds in the order they happened. */
export const GIFT_REFUNDS = listOrder('gift-refunds', [['r.at', 'text'], ['r.eventId', 'text']]);

/** How many allocations and refunds a gift's trace shows in itself; the rest are a page away. */
export const TRACE_FIRST_PAGE = 10;

/** One page of a donor's gifts, each with its trace's first page: a fixed number of queries per page, whatever its size. */
export async function giftsOfDonor(manager: EntityManager, donorId: string, filter: DonorGiftFilter, page: PageRequest): Promise<Page<GiftTrace>> {
  const query = manager.createQueryBuilder(DonorGiftRow, 'gift').where('gift.donorId = :donorId', { donorId });
  if (filter.status) query.andWhere('gift.status = :status', { status: filter.status });
  if (filter.targetKind) query.andWhere('gift.targetKind = :targetKind', { targetKind: filter.targetKind });
  if (filter.productId) query.andWhere('gift.productId = :productId', { productId: filter.productId });
  if (filter.programmeId) query.andWhere('gift.programmeId = :programmeId', { programmeId: filter.programmeId });
  if (filter.pledgedFrom) query.andWhere('gift.pledgedAt >= :from', { from: filter.pledgedFrom });
  if (filter.pledgedTo) query.andWhere('gift.pledgedAt < :to', { to: addDays(filter.pledgedTo, 1) });
  if (filter.giftId) query.andWhere('gift.giftId = :giftId', { giftId: filter.giftId });
  const gifts = await keysetPage(query, DONOR_GIFTS, page, (row) => [row.pledgedAt, row.giftId]);
  return { items: await traces(manager, gifts.items), nextCursor: gifts.nextCursor };
}

/** A gift's row, to know it exists and whose it is. */
export function findDonorGift(manager: EntityManager, giftId: string): Promise<DonorGiftRow | null> {
  return manager.findOneBy(DonorGiftRow, { giftId });
}

/** Where one gift's money went: its first allocations -> policies -> claims paid, and what came back. */
export async function giftTrace(manager: EntityManager, giftId: string): Promise<GiftTrace | null> {
  const gift = await manager.findOneBy(DonorGiftRow, { giftId });
  return gift && (await traces(manager, [gift]))[0];
}

/** One page of a gift's allocations, each with its policy and the claims it paid. */
export async function giftAllocations(manager: EntityManager, giftId: string, page: PageRequest): Promise<Page<AllocationTrace>> {
  const query = manager.createQueryBuilder(GiftAllocationRow, 'a').where('a.giftId = :giftId', { giftId });
  const rows = await keysetPage(query, GIFT_ALLOCATIONS, page, (row) => [row.allocatedAt, row.allocationId]);
  return { items: await allocationTraces(manager, rows.items), nextCursor: rows.nextCursor };
}

/** One page of a gift's refunds. */
export async function giftRefunds(manager: EntityManager, giftId: string, page: PageRequest): Promise<Page<GiftRefundView>> {
  const query = manager.createQueryBuilder(GiftRefundRow, 'r').where('r.giftId = :giftId', { giftId });
  return mapPage(await keysetPage(query, GIFT_REFUNDS, page, (row) => [row.at, row.eventId]), refundView);
}

async function traces(manager: EntityManager, gifts: DonorGiftRow[]): Promise<GiftTrace[]> {
  const giftIds = gifts.map((gift) => gift.giftId);
  const summaries = await summarise(manager, gifts);
  const allocations = await firstPerGift(manager, GiftAllocationRow, giftIds, GIFT_ALLOCATIONS, (row) => [row.allocatedAt, row.allocationId]);
  const allocationViews = new Map((await allocationTraces(manager, [...allocations.values()].flatMap((p) => p.items))).map((view) => [view.allocationId, view]));
  const refunds = await firstPerGift(manager, GiftRefundRow, giftIds, GIFT_REFUNDS, (row) => [row.at, row.eventId]);
  return summaries.map((summary) => ({
    ...summary,
    allocations: mapPage(allocations.get(summary.giftId)!, (row) => allocationViews.get(row.allocationId)!),
    refunds: mapPage(refunds.get(summary.giftId)!, refundView),
  }));
}

/**
 * The first page (TRACE_FIRST_PAGE rows in `order`) of each gift's rows of `entity`, in one query:
 * for each gift a subquery that reads the first rows but one of its range of the order's index
 * (LIMIT), so a programme gift's 10,000 allocations cost what 11 do. PostgreSQL runs that subquery
 * per gift as a LATERAL join over the gifts' ids; SQLite, which has no LATERAL, as one subquery per
 * gift joined by UNION ALL (PostgreSQL took 7 ms to plan 50 of those).
 */
async function firstPerGift<Row extends { giftId: string }>(manager: EntityManager, entity: EntityTarget<Row>, giftIds: string[], order: ListOrder, keyOf: (row: Row) => string[]): Promise<Map<string, Page<Row>>> {
  const byGift = new Map<string, Row[]>(giftIds.map((giftId) => [giftId, []]));
  if (giftIds.length > 0) {
    const alias = order.columns[0].column.split('.')[0];
    const columns = order.columns.map(({ column }) => column);
    const escape = (name: string) => manager.connection.driver.escape(name);
    const firstRowsOf = (giftCondition: string, parameters: Record<string, unknown>) => {
      const query = manager
        .createQueryBuilder(entity, alias)
        .select(`${alias}.giftId`, 'giftId')
        .where(`${alias}.giftId = ${giftCondition}`, parameters)
        .limit(TRACE_FIRST_PAGE + 1);
      columns.forEach((column, k) => query.addSelect(column, `k${k}`).addOrderBy(column, order.direction));
      return query;
    };
    let firstRows: string;
    let parameters: Record<string, unknown>;
    if (manager.connection.options.type === 'postgres') {
      firstRows = `SELECT ${escape('first')}.* FROM unnest(CAST(:giftIds AS varchar[])) AS ${escape('gift')}(id) CROSS JOIN LATERAL (${firstRowsOf(`${escape('gift')}.id`, {}).getQuery()}) ${escape('first')}`;
      parameters = { giftIds };
    } else {
      const perGift = giftIds.map((giftId, i) => firstRowsOf(`:gift${i}`, { [`gift${i}`]: giftId }));
      // SQLite allows LIMIT in a member of a compound SELECT only inside a subquery.
      firstRows = perGift.map((query, i) => `SELECT * FROM (${query.getQuery()}) ${escape(`first${i}`)}`).join(' UNION ALL ');
      parameters = Object.assign({}, ...perGift.map((query) => query.getParameters()));
    }
    const query = manager
      .createQueryBuilder(entity, alias)
      .where(`(${alias}.giftId, ${columns.join(', ')}) IN (SELECT * FROM (${firstRows}) ${escape('firstRows')})`)
      .setParameters(parameters)
      // In the database's order, the one the list's own pages follow.
      .orderBy(`${alias}.giftId`);
    for (const column of columns) query.addOrderBy(column, order.direction);
    const rows = await query.getMany();
    for (const row of rows) byGift.get(row.giftId)!.push(row);
  }
  return new Map([...byGift].map(([giftId, rows]) => [giftId, pageOf(rows, order, TRACE_FIRST_PAGE, keyOf)]));
}

async function allocationTraces(manager: EntityManager, allocations: GiftAllocationRow[]): Promise<AllocationTrace[]> {
  const policyIds = [...new Set(allocations.map((allocation) => allocation.policyId))];
  if (policyIds.length === 0) return [];
  const policies = new Map((await manager.findBy(PolicyRow, { policyId: In(policyIds) })).map((policy) => [policy.policyId, policy]));
  const claims = await manager.find(ClaimRow, { where: { policyId: In(policyIds), state: 'paid' }, order: { paidAt: 'ASC', claimId: 'ASC' } });
  const codes = await householdCodes(manager, allocations.map((allocation) => allocation.householdId));
  return allocations.map((allocation) => {
    const policy = policies.get(allocation.policyId);
    return {
      allocationId: allocation.allocationId,
      householdCode: codes.get(allocation.householdId) ?? null,
      productId: allocation.productId,
      policyId: allocation.policyId,
      amount: { amount: allocation.amount, currency: allocation.currency },
      allocatedAt: allocation.allocatedAt,
      policy: policy ? { policyNumber: policy.policyNumber, status: policy.status, startDate: policy.startDate, endDate: policy.endDate } : null,
      claimsPaid: claims.filter((claim) => claim.policyId === allocation.policyId).map((claim) => claimPaidFromGift(claim, allocation.giftId)),
    };
  });
}

function refundView(refund: GiftRefundRow): GiftRefundView {
  return { kind: refund.kind, policyId: refund.policyId, amount: { amount: refund.amount, currency: refund.currency }, reason: refund.reason, at: refund.at };
}

function claimPaidFromGift(claim: ClaimRow, giftId: string): ClaimPaidFromGift {
  const paid = claim.paidAmount ?? 0;
  const fundedBy = claim.fundedBy ?? [];
  const shares = splitProportionally(paid, fundedBy.map((share) => share.amount));
  const attributed = fundedBy.reduce((sum, share, i) => (share.giftId === giftId ? sum + shares[i] : sum), 0);
  return {
    claimId: claim.claimId,
    amount: { amount: paid, currency: claim.currency },
    attributedToGift: { amount: attributed, currency: claim.currency },
    paidAt: claim.paidAt,
    payoutReference: claim.payoutReference,
  };
}

async function summarise(manager: EntityManager, gifts: DonorGiftRow[]): Promise<GiftSummary[]> {
  const codes = await householdCodes(manager, gifts.flatMap((gift) => (gift.householdId ? [gift.householdId] : [])));
  const programmeIds = gifts.flatMap((gift) => (gift.programmeId ? [gift.programmeId] : []));
  const programmeNames = new Map((await manager.findBy(ProgrammeRow, { programmeId: In(programmeIds) })).map((programme) => [programme.programmeId, programme.name]));
  return gifts.map((gift) => {
    const money = (amount: number): Money => ({ amount, currency: gift.currency });
    const target: GiftTargetView =
      gift.targetKind === 'household'
        ? { kind: 'household', householdId: gift.householdId!, householdCode: codes.get(gift.householdId!) ?? null, productId: gift.productId }
        : { kind: 'programme', programmeId: gift.programmeId!, programmeName: programmeNames.get(gift.programmeId!) ?? null, regionCode: gift.regionCode!, productId: gift.productId };
    return {
      giftId: gift.giftId,
      donorId: gift.donorId,
      target,
      remainderChoice: gift.remainderChoice,
      status: gift.status,
      pledged: money(gift.pledged),
      received: money(gift.received),
      allocated: money(gift.allocated),
      premiumRefundsCredited: money(gift.premiumRefundsCredited),
      refunded: money(gift.refunded),
      held: money(heldAmount(gift)),
      escrowBalance: money(escrowBalance(gift)),
      pledgedAt: gift.pledgedAt,
      paidAt: gift.paidAt,
      paymentReference: gift.paymentReference,
    };
  });
}

async function householdCodes(manager: EntityManager, householdIds: string[]): Promise<Map<string, string>> {
  const rows = await manager.find(HouseholdRow, { select: { householdId: true, householdCode: true }, where: { householdId: In([...new Set(householdIds)]) } });
  return new Map(rows.map((row) => [row.householdId, row.householdCode]));
}

/**
 * Paid gifts whose donor chose to hold what is left, with money still in escrow, that could pay a
 * premium (for `productId`, if given) of a household in `villageCode`: gifts to that household, or
 * to a programme whose region contains the village. Earliest pledges first.
 */
export async function giftsHoldingMoneyFor(manager: EntityManager, target: { householdId?: string; villageCode: string; productId?: string }): Promise<string[]> {
  const query = manager.createQueryBuilder(DonorGiftRow, 'gift').where("gift.remainderChoice = 'hold'");
  if (target.productId) query.andWhere('gift.productId = :productId', { productId: target.productId });
  const rows = await query
    .andWhere('gift.received - gift.allocated + gift.premiumRefundsCredited - gift.refunded > 0')
    .andWhere(
      target.householdId
        ? "((gift.targetKind = 'household' AND gift.householdId = :householdId) OR (gift.targetKind = 'programme' AND :villageCode LIKE gift.regionCode || '%'))"
        : "gift.targetKind = 'programme' AND :villageCode LIKE gift.regionCode || '%'",
      { householdId: target.householdId, villageCode: target.villageCode },
    )
    .orderBy('gift.pledgedAt')
    .addOrderBy('gift.giftId')
    .getMany();
  return rows.map((row) => row.giftId);
}

/** Gifts pledged before `cutoff` (an ISO time stamp) and still unpaid: due to expire. */
export async function unpaidPledgesBefore(manager: EntityManager, cutoff: string): Promise<{ giftId: string }[]> {
  return manager
    .createQueryBuilder(DonorGiftRow, 'gift')
    .select('gift.giftId', 'giftId')
    .where('gift.status = :status', { status: 'pledged' satisfies GiftStatus })
    .andWhere('gift.pledgedAt < :cutoff', { cutoff })
    .orderBy('gift.pledgedAt')
    .addOrderBy('gift.giftId')
    .getRawMany<{ giftId: string }>();
}
