import { PangolinEvent } from '../events';
import { Contribution } from '../policies/events';
import { Money } from '../shared/money';

/**
 * The money ledger is a pure translation of recorded events into double-entry postings.
 *
 * Sign convention: in every entry the receiving account gets +amount and the paying account
 * -amount, so each posting sums to exactly 0 and so does the whole ledger. A donor's balance is
 * therefore negative (what they have given net of refunds), and a household's positive (claims
 * it has been paid).
 */
export const ledgerAccounts = {
  /** Money coming from, or returning to, a donor. */
  donor: (donorId: string) => `donor:${donorId}`,
  /** A gift's money the platform holds until it pays a premium or goes back to the donor. */
  giftEscrow: (giftId: string) => `escrow:gift:${giftId}`,
  /** Premium gathered for a policy that the insurer has not issued yet. */
  policyPremium: (policyId: string) => `premium:policy:${policyId}`,
  insurer: (insurerId: string) => `insurer:${insurerId}`,
  household: (householdId: string) => `household:${householdId}`,
};

export type PostingKind =
  | 'gift-received'
  | 'premium-allocated'
  | 'premium-paid-to-insurer'
  | 'unearned-premium-refunded'
  | 'claim-paid'
  | 'remainder-refunded';

/** One account's side of a posting, in signed integer minor units. */
export interface LedgerEntry {
  account: string;
  amount: number;
}

export interface Posting {
  /** The event id, suffixed `:<index>` when the event moves money more than once. */
  postingId: string;
  kind: PostingKind;
  currency: string;
  entries: LedgerEntry[];
  /** The gifts the money traces back to. */
  giftIds: string[];
  eventId: string;
  position: bigint;
  occurredAt: string;
}

/** Where the event sits in the store: the posting carries it so every posting traces to its event. */
export interface LedgerEventRef {
  eventId: string;
  position: bigint;
  occurredAt: string;
}

type Movement = Pick<Posting, 'kind' | 'currency' | 'entries' | 'giftIds'>;

export function postingsFor(event: PangolinEvent, at: LedgerEventRef): Posting[] {
  const movements = movementsOf(event);
  return movements.map((movement, index) => ({
    postingId: movements.length > 1 ? `${at.eventId}:${index}` : at.eventId,
    ...movement,
    eventId: at.eventId,
    position: at.position,
    occurredAt: at.occurredAt,
  }));
}

function movementsOf(event: PangolinEvent): Movement[] {
  switch (event.type) {
    case 'GiftPaymentConfirmed': {
      const { giftId, donorId, amount } = event.data;
      return [transfer('gift-received', ledgerAccounts.donor(donorId), ledgerAccounts.giftEscrow(giftId), amount, [giftId])];
    }
    case 'GiftAllocated': {
      const { giftId, policyId, amount } = event.data;
      return [transfer('premium-allocated', ledgerAccounts.giftEscrow(giftId), ledgerAccounts.policyPremium(policyId), amount, [giftId])];
    }
    case 'PolicyIssued': {
      const { policyId, insurerId, premium, contributions } = event.data;
      return [transfer('premium-paid-to-insurer', ledgerAccounts.policyPremium(policyId), ledgerAccounts.insurer(insurerId), premium, giftIdsOf(contributions))];
    }
    case 'PolicyCancelled': {
      const { policyId, insurerId, wasIssued, unearnedPremium, refunds } = event.data;
      const payer = wasIssued ? ledgerAccounts.insurer(insurerId) : ledgerAccounts.policyPremium(policyId);
      return refunds
        .filter((refund) => refund.amount !== 0)
        .map((refund) =>
          transfer('unearned-premium-refunded', payer, ledgerAccounts.giftEscrow(refund.giftId), { amount: refund.amount, currency: unearnedPremium.currency }, [refund.giftId]),
        );
    }
    case 'ClaimPaid': {
      const { householdId, insurerId, amount, fundedBy } = event.data;
      return [transfer('claim-paid', ledgerAccounts.insurer(insurerId), ledgerAccounts.household(householdId), amount, giftIdsOf(fundedBy))];
    }
    case 'GiftRemainderRefunded': {
      const { giftId, donorId, amount } = event.data;
      return [transfer('remainder-refunded', ledgerAccounts.giftEscrow(giftId), ledgerAccounts.donor(donorId), amount, [giftId])];
    }
    // GiftPremiumRefundCredited is the gift stream's record of a PolicyCancelled refund, which is
    // already posted from the policy side; posting it again would count the refund twice.
    default:
      return [];
  }
}

function transfer(kind: PostingKind, from: string, to: string, amount: Money, giftIds: string[]): Movement {
  return {
    kind,
    currency: amount.currency,
    entries: [
      { account: from, amount: -amount.amount },
      { account: to, amount: amount.amount },
    ],
    giftIds,
  };
}

function giftIdsOf(contributions: readonly Contribution[]): string[] {
  return [...new Set(contributions.map((contribution) => contribution.giftId))];
}

/** Throws unless every entry is a whole number of minor units and the entries sum to exactly 0. */
export function assertBalanced(posting: Posting): void {
  if (posting.entries.length === 0) throw new Error(`posting ${posting.postingId} has no entries`);
  for (const entry of posting.entries) {
    if (!Number.isSafeInteger(entry.amount)) throw new Error(`posting ${posting.postingId}: ${entry.account} amount ${entry.amount} is not an integer of minor units`);
  }
  const sum = posting.entries.reduce((total, entry) => total + entry.amount, 0);
  if (sum !== 0) throw new Error(`posting ${posting.postingId} is unbalanced: its entries sum to ${sum}`);
}
