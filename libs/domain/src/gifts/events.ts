import { Money } from '../shared/money';

export type GiftTarget =
  | { kind: 'household'; householdId: string; productId: string }
  | { kind: 'programme'; programmeId: string; regionCode: string; productId: string };

/** Minor units of a programme gift planned for one household's premium (in the gift's currency). */
export interface PlannedAllocation {
  householdId: string;
  amount: number;
}

/** What the donor wants done with money that cannot be used for a premium. */
export type RemainderChoice = 'hold' | 'refund';

/**
 * Gift stream: the life of one directed donation. Its escrow balance is
 * received - allocated + unearned premium credited back - refunded.
 */
export type GiftEvent =
  | {
      type: 'GiftPledged';
      data: { giftId: string; donorId: string; amount: Money; target: GiftTarget; remainder: RemainderChoice; pledgedAt: string };
    }
  | { type: 'GiftPaymentConfirmed'; data: { giftId: string; donorId: string; paymentReference: string; amount: Money; confirmedAt: string } }
  /**
   * How a programme gift's escrow is to be shared among the programme's eligible households
   * (planProgrammeAllocation), recorded before any of it is carried out: the contributions and
   * GiftAllocated events that follow carry it out, and a retry after a crash carries out this plan
   * rather than planning again. `planId` is derived from the event that caused the plan.
   */
  | {
      type: 'ProgrammeAllocationPlanned';
      data: { giftId: string; planId: string; programmeId: string; productId: string; allocations: PlannedAllocation[]; total: Money; plannedAt: string };
    }
  /** Part of the gift pays (part of) one household's premium for the policy `policyId`. */
  | {
      type: 'GiftAllocated';
      data: { giftId: string; allocationId: string; householdId: string; productId: string; policyId: string; amount: Money; allocatedAt: string };
    }
  /** Money nobody can use now stays in escrow for the donor's target (e.g. the next renewal). */
  | { type: 'GiftRemainderHeld'; data: { giftId: string; amount: Money; reason: string; heldAt: string } }
  | { type: 'GiftRemainderRefunded'; data: { giftId: string; donorId: string; amount: Money; reason: string; refundedAt: string } }
  /** Unearned premium of a cancelled policy comes back into this gift's escrow. */
  | { type: 'GiftPremiumRefundCredited'; data: { giftId: string; policyId: string; amount: Money; creditedAt: string } }
  /** The pledge was never paid and lapsed after PLEDGE_EXPIRY_HOURS: no money moved, and none can be paid into it. */
  | { type: 'GiftPledgeExpired'; data: { giftId: string; donorId: string; amount: Money; expiredAt: string } }
  /** The donor took back the pledge before paying it. */
  | { type: 'GiftPledgeWithdrawn'; data: { giftId: string; donorId: string; amount: Money; withdrawnAt: string } };
