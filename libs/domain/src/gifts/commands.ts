import { Money } from '../shared/money';
import { GiftTarget, PlannedAllocation, RemainderChoice } from './events';

/** A donor promises a gift to a household's or a programme's premium. */
export type PledgeGift = {
  type: 'PledgeGift';
  data: { giftId: string; donorId: string; amount: Money; target: GiftTarget; remainder: RemainderChoice; now: string };
};

/** The payment provider reports that the pledged money arrived in escrow. */
export type ConfirmPayment = {
  type: 'ConfirmPayment';
  data: { giftId: string; paymentReference: string; amount: Money; now: string };
};

/** Process manager: records how a programme gift's escrow is to be shared, before sharing it. Idempotent per planId. */
export type PlanProgrammeAllocation = {
  type: 'PlanProgrammeAllocation';
  data: { giftId: string; planId: string; allocations: PlannedAllocation[]; now: string };
};

/** Process manager: parts of the escrow paid households' premiums, one allocation per premium. Idempotent per allocationId. */
export type RecordAllocation = {
  type: 'RecordAllocation';
  data: { giftId: string; allocations: { allocationId: string; householdId: string; productId: string; policyId: string; amount: Money }[]; now: string };
};

/** Process manager: escrow money nobody can use now is refunded or held, as the donor chose. */
export type SettleRemainder = {
  type: 'SettleRemainder';
  data: { giftId: string; reason: string; now: string };
};

/** Process manager: this gift's share of a cancelled policy's unearned premium returns to escrow. */
export type CreditPremiumRefund = {
  type: 'CreditPremiumRefund';
  data: { giftId: string; policyId: string; amount: Money; now: string };
};

/**
 * Scheduler: a pledge still unpaid `expiryHours` (PLEDGE_EXPIRY_HOURS) after it was made expires,
 * judged on the server's clock (`now`). Idempotent.
 */
export type ExpirePledge = {
  type: 'ExpirePledge';
  data: { giftId: string; expiryHours: number; now: string };
};

/** The donor takes back a pledge not yet paid. Idempotent. */
export type WithdrawPledge = {
  type: 'WithdrawPledge';
  data: { giftId: string; donorId: string; now: string };
};

export type GiftCommand = PledgeGift | ConfirmPayment | PlanProgrammeAllocation | RecordAllocation | SettleRemainder | CreditPremiumRefund | ExpirePledge | WithdrawPledge;
