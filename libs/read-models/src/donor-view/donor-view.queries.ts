import { EntityManager, In } from 'typeorm';
import { splitProportionally, type Money } from '@pangolin/domain';
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

export interface GiftTrace extends GiftSummary {
  allocations: AllocationTrace[];
  refunds: GiftRefundView[];
}

export async function giftsOfDonor(manager: EntityManager, donorId: string): Promise<GiftSummary[]> {
  const gifts = await manager.find(DonorGiftRow, { where: { donorId }, order: { pledgedAt: 'ASC', giftId: 'ASC' } });
  return summarise(manager, gifts);
}

/** Where one gift's money went: allocations -> policies -> claims paid, and what came back. */
export async function giftTrace(manager: EntityManager, giftId: string): Promise<GiftTrace | null> {
  const gift = await manager.findOneBy(DonorGiftRow, { giftId });
  if (!gift) return null;
  const [summary] = await summarise(manager, [gift]);
  const allocations = await manager.find(GiftAllocationRow, { where: { giftId }, order: { allocatedAt: 'ASC', allocationId: 'ASC' } });
  const policyIds = [...new Set(allocations.map((allocation) => allocation.policyId))];
  const policies = new Map((await manager.findBy(PolicyRow, { policyId: In(policyIds) })).map((policy) => [policy.policyId, policy]));
  const claims = await manager.find(ClaimRow, { where: { policyId: In(policyIds), state: 'paid' }, order: { paidAt: 'ASC', claimId: 'ASC' } });
  const codes = await householdCodes(manager, allocations.map((allocation) => allocation.householdId));
  const refunds = await manager.find(GiftRefundRow, { where: { giftId }, order: { at: 'ASC', eventId: 'ASC' } });

  return {
    ...summary,
    allocations: allocations.map((allocation) => {
      const policy = policies.get(allocation.policyId);
      return {
        allocationId: allocation.allocationId,
        householdCode: codes.get(allocation.householdId) ?? null,
        productId: allocation.productId,
        policyId: allocation.policyId,
        amount: { amount: allocation.amount, currency: allocation.currency },
        allocatedAt: allocation.allocatedAt,
        policy: policy ? { policyNumber: policy.policyNumber, status: policy.status, startDate: policy.startDate, endDate: policy.endDate } : null,
        claimsPaid: claims.filter((claim) => claim.policyId === allocation.policyId).map((claim) => claimPaidFromGift(claim, giftId)),
      };
    }),
    refunds: refunds.map((refund) => ({
      kind: refund.kind,
      policyId: refund.policyId,
      amount: { amount: refund.amount, currency: refund.currency },
      reason: refund.reason,
      at: refund.at,
    })),
  };
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
