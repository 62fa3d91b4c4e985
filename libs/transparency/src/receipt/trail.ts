import { householdCodeOf } from './household-code';
/**
 * The money trail of one gift, built from events already proven to be in the log. The event data
 * shapes mirror libs/domain (gifts, policies, claims); they are restated here because the offline
 * verifier depends on nothing but this library.
 */
import type { LeafEvent } from '../log/leaf-encoding';

export interface Money {
  /** Integer count of minor units (fen for CNY). */
  readonly amount: number;
  readonly currency: string;
}

export type GiftTarget =
  | { readonly kind: 'household'; readonly householdId: string; readonly productId: string }
  | { readonly kind: 'programme'; readonly programmeId: string; readonly regionCode: string; readonly productId: string };

/** A receipt event whose leaf was decoded and proven to be in the checkpoint's tree. */
export interface ProvenEvent extends LeafEvent {
  /** 1-based position in the receipt. */
  readonly number: number;
  readonly leafIndex: bigint;
}

interface Step<K extends string> {
  readonly kind: K;
  readonly event: ProvenEvent;
  /** The event's own time stamp (pledgedAt, confirmedAt, ...). */
  readonly at: string;
}

export type TrailStep =
  | (Step<'gift-pledged'> & { readonly donorId: string; readonly amount: Money; readonly target: GiftTarget; readonly remainder: 'hold' | 'refund' })
  | (Step<'payment-confirmed'> & { readonly amount: Money; readonly paymentReference: string })
  | (Step<'contribution-accepted'> & {
      readonly policyId: string;
      readonly householdId: string;
      readonly productId: string;
      readonly amount: Money;
      readonly fundedTotal: Money;
      readonly premium: Money;
    })
  /** How a programme gift is to be shared among the programme's households, recorded before it is carried out. */
  | (Step<'allocation-planned'> & {
      readonly programmeId: string;
      readonly productId: string;
      readonly allocations: readonly { readonly householdId: string; readonly amount: Money }[];
      readonly total: Money;
    })
  | (Step<'allocated'> & { readonly policyId: string; readonly householdId: string; readonly productId: string; readonly amount: Money })
  | (Step<'premium-fully-funded'> & { readonly policyId: string; readonly householdId: string; readonly premium: Money; readonly giftShare: Money })
  | (Step<'policy-requested'> & {
      readonly policyId: string;
      readonly householdId: string;
      readonly insurerId: string;
      readonly premium: Money;
      readonly sumInsured: Money;
      readonly termDays: number;
    })
  | (Step<'policy-issued'> & {
      readonly policyId: string;
      readonly householdId: string;
      readonly insurerId: string;
      readonly policyNumber: string;
      readonly startDate: string;
      readonly endDate: string;
    })
  | (Step<'policy-cancelled'> & {
      readonly policyId: string;
      readonly householdId: string;
      readonly reason: string;
      readonly effectiveDate: string;
      readonly unearnedPremium: Money;
      /** This gift's part of the unearned premium. */
      readonly giftRefund: Money;
    })
  | (Step<'policy-expired'> & { readonly policyId: string; readonly householdId: string; readonly endDate: string })
  | (Step<'claim-paid'> & {
      readonly policyId: string;
      readonly claimId: string;
      readonly householdId: string;
      readonly amount: Money;
      readonly payoutReference: string;
      /** This gift's share of the policy's premium. */
      readonly giftShare: Money;
    })
  | (Step<'remainder-held'> & { readonly amount: Money; readonly reason: string })
  | (Step<'remainder-refunded'> & { readonly amount: Money; readonly donorId: string; readonly reason: string })
  | (Step<'premium-refund-credited'> & { readonly policyId: string; readonly amount: Money })
  /** An unpaid pledge ended: no money moved. */
  | (Step<'pledge-expired' | 'pledge-withdrawn'> & { readonly amount: Money });

export type PolicyStatus = 'funding' | 'requested' | 'issued' | 'cancelled' | 'expired';

export interface TrailPolicy {
  readonly policyId: string;
  readonly householdId: string;
  readonly status: PolicyStatus;
  readonly policyNumber?: string;
  /** Sum of this gift's allocations to the policy. */
  readonly allocatedByGift: Money;
}

export interface TrailSummary {
  readonly received: Money;
  readonly allocated: Money;
  /** Unearned premium of cancelled policies returned to the gift's escrow. */
  readonly creditedBack: Money;
  readonly refunded: Money;
  /** received - allocated + creditedBack - refunded: what the gift's escrow still holds. */
  readonly heldInEscrow: Money;
  readonly policies: readonly TrailPolicy[];
  readonly claimsPaid: readonly { readonly claimId: string; readonly policyId: string; readonly amount: Money }[];
}

export interface Trail {
  readonly giftId: string;
  readonly donorId: string;
  readonly pledged: Money;
  readonly target: GiftTarget;
  readonly steps: readonly TrailStep[];
  readonly summary: TrailSummary;
}

/** An event does not fit the trail; the message says why (the caller names the event). */
export class TrailError extends Error {}

const GIFT_EVENT_TYPES = new Set([
  'GiftPledged',
  'GiftPaymentConfirmed',
  'ProgrammeAllocationPlanned',
  'GiftAllocated',
  'GiftRemainderHeld',
  'GiftRemainderRefunded',
  'GiftPremiumRefundCredited',
  'GiftPledgeExpired',
  'GiftPledgeWithdrawn',
]);
const CURRENCY = /^[A-Z]{3}$/;

/** Builds the trail event by event, refusing any event that is not part of this gift's money trail. */
export class TrailBuilder {
  private readonly steps: TrailStep[] = [];
  private readonly policies = new Map<string, { householdId: string; status: PolicyStatus; policyNumber?: string; allocatedByGift: number }>();
  private readonly claimsPaid: { claimId: string; policyId: string; amount: Money }[] = [];
  private pledge?: { donorId: string; amount: Money; target: GiftTarget };
  private nextGiftRevision = 0;
  private received = 0;
  private allocated = 0;
  private creditedBack = 0;
  private refunded = 0;

  constructor(private readonly giftId: string) {}

  add(event: ProvenEvent): void {
    const data = new DataReader(event.data);
    if (this.pledge === undefined && event.type !== 'GiftPledged') {
      throw new TrailError(`the first event must be the GiftPledged of gift ${this.giftId}, got ${event.type}`);
    }
    if (GIFT_EVENT_TYPES.has(event.type)) this.checkGiftStream(event, data);
    switch (event.type) {
      case 'GiftPledged':
        return this.pledged(event, data);
      case 'GiftPaymentConfirmed': {
        const amount = this.giftMoney(data, 'amount');
        this.received += amount.amount;
        return this.push({ kind: 'payment-confirmed', event, at: data.string('confirmedAt'), amount, paymentReference: data.string('paymentReference') });
      }
      case 'ProgrammeAllocationPlanned':
        return this.allocationPlanned(event, data);
      case 'GiftAllocated': {
        const amount = this.giftMoney(data, 'amount');
        const policyId = data.string('policyId');
        const householdId = data.string('householdId');
        this.allocated += amount.amount;
        const policy = this.policy(policyId, householdId);
        policy.allocatedByGift += amount.amount;
        return this.push({ kind: 'allocated', event, at: data.string('allocatedAt'), policyId, householdId, productId: data.string('productId'), amount });
      }
      case 'GiftRemainderHeld':
        return this.push({ kind: 'remainder-held', event, at: data.string('heldAt'), amount: this.giftMoney(data, 'amount'), reason: data.string('reason') });
      case 'GiftRemainderRefunded': {
        const amount = this.giftMoney(data, 'amount');
        this.refunded += amount.amount;
        return this.push({ kind: 'remainder-refunded', event, at: data.string('refundedAt'), amount, donorId: data.string('donorId'), reason: data.string('reason') });
      }
      case 'GiftPremiumRefundCredited': {
        const amount = this.giftMoney(data, 'amount');
        this.creditedBack += amount.amount;
        return this.push({ kind: 'premium-refund-credited', event, at: data.string('creditedAt'), policyId: data.string('policyId'), amount });
      }
      case 'GiftPledgeExpired':
        return this.push({ kind: 'pledge-expired', event, at: data.string('expiredAt'), amount: this.giftMoney(data, 'amount') });
      case 'GiftPledgeWithdrawn':
        return this.push({ kind: 'pledge-withdrawn', event, at: data.string('withdrawnAt'), amount: this.giftMoney(data, 'amount') });
      case 'PremiumContributionAccepted':
        return this.contributionAccepted(event, data);
      case 'PremiumFullyFunded':
        return this.fullyFunded(event, data);
      case 'PolicyRequested':
      case 'PolicyIssued':
      case 'PolicyCancelled':
      case 'PolicyExpired':
      case 'ClaimPaid':
        return this.policyEvent(event, data);
      default:
        throw new TrailError(`events of type ${JSON.stringify(event.type)} are not part of a gift's money trail`);
    }
  }

  finish(): Trail {
    if (this.pledge === undefined) throw new TrailError('the receipt has no events');
    const currency = this.pledge.amount.currency;
    const inGiftCurrency = (amount: number): Money => ({ amount, currency });
    return {
      giftId: this.giftId,
      donorId: this.pledge.donorId,
      pledged: this.pledge.amount,
      target: this.pledge.target,
      steps: this.steps,
      summary: {
        received: inGiftCurrency(this.received),
        allocated: inGiftCurrency(this.allocated),
        creditedBack: inGiftCurrency(this.creditedBack),
        refunded: inGiftCurrency(this.refunded),
        heldInEscrow: inGiftCurrency(this.received - this.allocated + this.creditedBack - this.refunded),
        policies: [...this.policies].map(([policyId, policy]) => ({
          policyId,
          householdId: policy.householdId,
          status: policy.status,
          ...(policy.policyNumber === undefined ? {} : { policyNumber: policy.policyNumber }),
          allocatedByGift: inGiftCurrency(policy.allocatedByGift),
        })),
        claimsPaid: this.claimsPaid,
      },
    };
  }

  private pledged(event: ProvenEvent, data: DataReader): void {
    if (this.pledge !== undefined) throw new TrailError('the gift is pledged a second time');
    const amount = data.money('amount');
    const target = data.target('target');
    const remainder = data.string('remainder');
    if (remainder !== 'hold' && remainder !== 'refund') throw new TrailError(`data.remainder must be "hold" or "refund", got ${JSON.stringify(remainder)}`);
    this.pledge = { donorId: data.string('donorId'), amount, target };
    this.push({ kind: 'gift-pledged', event, at: data.string('pledgedAt'), donorId: this.pledge.donorId, amount, target, remainder });
  }

  private allocationPlanned(event: ProvenEvent, data: DataReader): void {
    const total = this.giftMoney(data, 'total');
    const allocations = data.list('allocations').map((entry) => ({ householdId: entry.string('householdId'), amount: { amount: entry.count('amount'), currency: total.currency } }));
    const sum = allocations.reduce((planned, { amount }) => planned + amount.amount, 0);
    if (sum !== total.amount) throw new TrailError(`data.allocations add up to ${sum}, not data.total ${total.amount}`);
    this.push({ kind: 'allocation-planned', event, at: data.string('plannedAt'), programmeId: data.string('programmeId'), productId: data.string('productId'), allocations, total });
  }

  /** Gift events must come from the gift's own stream, every one of them, in revision order. */
  private checkGiftStream(event: ProvenEvent, data: DataReader): void {
    const giftId = data.string('giftId');
    if (giftId !== this.giftId) throw new TrailError(`the event is about gift ${giftId}, not gift ${this.giftId}`);
    const stream = `gift-${this.giftId}`;
    if (event.streamId !== stream) throw new TrailError(`a ${event.type} must be in stream ${stream}, not ${event.streamId}`);
    if (event.revision !== this.nextGiftRevision) {
      throw new TrailError(
        `it is revision ${event.revision} of the gift's stream where revision ${this.nextGiftRevision} belongs: ` +
          'the receipt must hold every event of the gift\'s stream, in order',
      );
    }
    this.nextGiftRevision++;
  }

  private contributionAccepted(event: ProvenEvent, data: DataReader): void {
    const giftId = data.string('giftId');
    if (giftId !== this.giftId) throw new TrailError(`the contribution is from gift ${giftId}, not gift ${this.giftId}`);
    const householdId = data.string('householdId');
    const productId = data.string('productId');
    this.checkStream(event, `funding-${householdId}.${productId}`);
    const policyId = data.string('policyId');
    this.policy(policyId, householdId);
    this.push({
      kind: 'contribution-accepted',
      event,
      at: data.string('acceptedAt'),
      policyId,
      householdId,
      productId,
      amount: this.giftMoney(data, 'amount'),
      fundedTotal: data.money('fundedTotal'),
      premium: data.money('premium'),
    });
  }

  private fullyFunded(event: ProvenEvent, data: DataReader): void {
    const householdId = data.string('householdId');
    this.checkStream(event, `funding-${householdId}.${data.string('productId')}`);
    const giftShare = this.shareOf(data, 'contributions');
    if (giftShare === undefined) throw new TrailError(`gift ${this.giftId} is not among the premium's contributions`);
    const policyId = data.string('policyId');
    this.policy(policyId, householdId);
    const premium = data.money('premium');
    this.push({ kind: 'premium-fully-funded', event, at: data.string('fundedAt'), policyId, householdId, premium, giftShare: { amount: giftShare, currency: premium.currency } });
  }

  /** Events of a policy the gift paid for: named in its contributions, refunds or fundedBy, or allocated to earlier. */
  private policyEvent(event: ProvenEvent, data: DataReader): void {
    const policyId = data.string('policyId');
    this.checkStream(event, `policy-${policyId}`);
    const namedAs = { PolicyRequested: 'contributions', PolicyIssued: 'contributions', PolicyCancelled: 'refunds', ClaimPaid: 'fundedBy' }[event.type];
    const share = namedAs === undefined ? undefined : this.shareOf(data, namedAs);
    const known = this.policies.get(policyId);
    if (share === undefined && known === undefined) {
      throw new TrailError(`gift ${this.giftId} did not pay for policy ${policyId}: no earlier allocation, and the event does not name the gift`);
    }
    const householdId = data.string('householdId');
    const policy = this.policy(policyId, householdId);
    switch (event.type) {
      case 'PolicyRequested':
        policy.status = 'requested';
        return this.push({
          kind: 'policy-requested',
          event,
          at: data.string('requestedAt'),
          policyId,
          householdId,
          insurerId: data.string('insurerId'),
          premium: data.money('premium'),
          sumInsured: data.money('sumInsured'),
          termDays: data.count('termDays'),
        });
      case 'PolicyIssued': {
        const policyNumber = data.string('policyNumber');
        policy.status = 'issued';
        policy.policyNumber = policyNumber;
        return this.push({
          kind: 'policy-issued',
          event,
          at: data.string('issuedAt'),
          policyId,
          householdId,
          insurerId: data.string('insurerId'),
          policyNumber,
          startDate: data.string('startDate'),
          endDate: data.string('endDate'),
        });
      }
      case 'PolicyCancelled': {
        const unearnedPremium = data.money('unearnedPremium');
        policy.status = 'cancelled';
        return this.push({
          kind: 'policy-cancelled',
          event,
          at: data.string('cancelledAt'),
          policyId,
          householdId,
          reason: data.string('reason'),
          effectiveDate: data.string('effectiveDate'),
          unearnedPremium,
          giftRefund: { amount: share ?? 0, currency: unearnedPremium.currency },
        });
      }
      case 'PolicyExpired':
        policy.status = 'expired';
        return this.push({ kind: 'policy-expired', event, at: data.string('expiredAt'), policyId, householdId, endDate: data.string('endDate') });
      default: {
        const amount = data.money('amount');
        const claimId = data.string('claimId');
        this.claimsPaid.push({ claimId, policyId, amount });
        return this.push({
          kind: 'claim-paid',
          event,
          at: data.string('paidAt'),
          policyId,
          claimId,
          householdId,
          amount,
          payoutReference: data.string('payoutReference'),
          giftShare: { amount: share ?? 0, currency: this.pledge!.amount.currency },
        });
      }
    }
  }

  private policy(policyId: string, householdId: string) {
    let policy = this.policies.get(policyId);
    if (policy === undefined) {
      policy = { householdId, status: 'funding', allocatedByGift: 0 };
      this.policies.set(policyId, policy);
    } else if (policy.householdId !== householdId) {
      throw new TrailError(`policy ${policyId} is for household ${householdId} here but for household ${policy.householdId} earlier`);
    }
    return policy;
  }

  /** The gift's amount in a list of { giftId, amount } entries, or undefined if the list does not name it. */
  private shareOf(data: DataReader, key: string): number | undefined {
    const entries = data.contributions(key).filter((entry) => entry.giftId === this.giftId);
    return entries.length === 0 ? undefined : entries.reduce((sum, entry) => sum + entry.amount, 0);
  }

  private giftMoney(data: DataReader, key: string): Money {
    const money = data.money(key);
    const currency = this.pledge!.amount.currency;
    if (money.currency !== currency) throw new TrailError(`data.${key} is in ${money.currency} but the gift is in ${currency}`);
    return money;
  }

  private checkStream(event: ProvenEvent, stream: string): void {
    if (event.streamId !== stream) throw new TrailError(`a ${event.type} must be in stream ${stream}, not ${event.streamId}`);
  }

  private push(step: TrailStep): void {
    this.steps.push(step);
  }
}

/** Reads fields of an event's data, refusing any that do not have the documented shape. */
class DataReader {
  private readonly record: Record<string, unknown>;

  constructor(data: unknown, private readonly path = 'data') {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TrailError(`${path} must be an object`);
    this.record = data as Record<string, unknown>;
  }

  string(key: string): string {
    const value = this.record[key];
    if (typeof value !== 'string' || value === '') throw new TrailError(`${this.path}.${key} must be a non-empty string`);
    return value;
  }

  count(key: string): number {
    const value = this.record[key];
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw new TrailError(`${this.path}.${key} must be a non-negative integer`);
    return value as number;
  }

  money(key: string): Money {
    const money = new DataReader(this.record[key], `${this.path}.${key}`);
    const currency = money.string('currency');
    if (!CURRENCY.test(currency)) throw new TrailError(`${this.path}.${key}.currency must be a three-letter code, got ${JSON.stringify(currency)}`);
    return { amount: money.count('amount'), currency };
  }

  target(key: string): GiftTarget {
    const target = new DataReader(this.record[key], `${this.path}.${key}`);
    const kind = target.string('kind');
    if (kind === 'household') return { kind, householdId: target.string('householdId'), productId: target.string('productId') };
    if (kind === 'programme') {
      return { kind, programmeId: target.string('programmeId'), regionCode: target.string('regionCode'), productId: target.string('productId') };
    }
    throw new TrailError(`${this.path}.${key}.kind must be "household" or "programme", got ${JSON.stringify(kind)}`);
  }

  contributions(key: string): { giftId: string; amount: number }[] {
    return this.list(key).map((entry) => ({ giftId: entry.string('giftId'), amount: entry.count('amount') }));
  }

  /** A list of objects, each read by a DataReader of its own. */
  list(key: string): DataReader[] {
    const list = this.record[key];
    if (!Array.isArray(list)) throw new TrailError(`${this.path}.${key} must be an array`);
    return list.map((item, i) => new DataReader(item, `${this.path}.${key}[${i}]`));
  }
}

/** Money in major units with two decimals and thousands separators: 1000000 fen -> "10,000.00 CNY". */
export function formatMoney(money: Money): string {
  const units = BigInt(money.amount);
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const major = (absolute / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = (absolute % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${major}.${minor} ${money.currency}`;
}

/** The trail in plain English, one line per event, then a summary. */
export function describeTrail(trail: Trail): string {
  const lines = trail.steps.map((step) => `${dateOf(step.at)}  ${describeStep(step, trail.giftId)}`);
  const { summary } = trail;
  lines.push(
    '',
    `Summary: received ${formatMoney(summary.received)}, allocated to premiums ${formatMoney(summary.allocated)}, ` +
      `credited back from cancelled policies ${formatMoney(summary.creditedBack)}, refunded ${formatMoney(summary.refunded)}, ` +
      `held in escrow ${formatMoney(summary.heldInEscrow)}`,
  );
  if (summary.policies.length === 0) lines.push('Policies paid for: none');
  for (const policy of summary.policies) {
    const number = policy.policyNumber === undefined ? '' : `, number ${policy.policyNumber}`;
    lines.push(`Policy ${policy.policyId} for household ${householdCodeOf(policy.householdId)}: ${policy.status}${number}; this gift paid ${formatMoney(policy.allocatedByGift)} of its premium`);
  }
  if (summary.claimsPaid.length === 0) {
    lines.push('Claims paid: none');
  } else {
    const totals = new Map<string, number>();
    for (const claim of summary.claimsPaid) totals.set(claim.amount.currency, (totals.get(claim.amount.currency) ?? 0) + claim.amount.amount);
    const total = [...totals].map(([currency, amount]) => formatMoney({ amount, currency })).join(' + ');
    lines.push(`Claims paid: ${summary.claimsPaid.length}, ${total} in total`);
  }
  return lines.join('\n');
}

function describeStep(step: TrailStep, giftId: string): string {
  switch (step.kind) {
    case 'gift-pledged': {
      const target =
        step.target.kind === 'household'
          ? `household ${householdCodeOf(step.target.householdId)} (product ${step.target.productId})`
          : `programme ${step.target.programmeId} (region ${step.target.regionCode}, product ${step.target.productId})`;
      const remainder = step.remainder === 'hold' ? 'held for later premiums' : 'refunded';
      return `Gift ${giftId} of ${formatMoney(step.amount)} pledged by donor ${step.donorId} for ${target}; money no premium can use is to be ${remainder}`;
    }
    case 'payment-confirmed':
      return `Payment of ${formatMoney(step.amount)} confirmed (reference ${step.paymentReference})`;
    case 'contribution-accepted':
      return `${formatMoney(step.amount)} accepted towards the premium of household ${householdCodeOf(step.householdId)} (policy ${step.policyId}): ${formatMoney(step.fundedTotal)} of ${formatMoney(step.premium)} funded`;
    case 'allocation-planned':
      return `Sharing planned among ${step.allocations.length} household${step.allocations.length === 1 ? '' : 's'} of programme ${step.programmeId}: ${formatMoney(step.total)} in all`;
    case 'allocated':
      return `${formatMoney(step.amount)} allocated to the premium of policy ${step.policyId} for household ${householdCodeOf(step.householdId)}`;
    case 'premium-fully-funded':
      return `Premium of ${formatMoney(step.premium)} for household ${householdCodeOf(step.householdId)} fully funded (policy ${step.policyId}); this gift paid ${formatMoney(step.giftShare)}`;
    case 'policy-requested':
      return `Policy ${step.policyId} requested from insurer ${step.insurerId}: premium ${formatMoney(step.premium)}, sum insured ${formatMoney(step.sumInsured)}, ${step.termDays} days`;
    case 'policy-issued':
      return `Policy ${step.policyId} issued by insurer ${step.insurerId}: number ${step.policyNumber}, cover ${step.startDate} to ${step.endDate}`;
    case 'policy-cancelled':
      return `Policy ${step.policyId} cancelled from ${step.effectiveDate} (${step.reason}): unearned premium ${formatMoney(step.unearnedPremium)}, of which ${formatMoney(step.giftRefund)} goes back to this gift`;
    case 'policy-expired':
      return `Policy ${step.policyId} for household ${householdCodeOf(step.householdId)} expired (cover ended ${step.endDate})`;
    case 'claim-paid':
      return `Claim ${step.claimId} paid: ${formatMoney(step.amount)} to household ${householdCodeOf(step.householdId)} under policy ${step.policyId} (this gift paid ${formatMoney(step.giftShare)} of its premium)`;
    case 'remainder-held':
      return `${formatMoney(step.amount)} held in escrow for later premiums (${step.reason})`;
    case 'remainder-refunded':
      return `${formatMoney(step.amount)} refunded to donor ${step.donorId} (${step.reason})`;
    case 'premium-refund-credited':
      return `${formatMoney(step.amount)} of unearned premium of policy ${step.policyId} credited back to the gift`;
    case 'pledge-expired':
      return `The pledge of ${formatMoney(step.amount)} expired unpaid`;
    case 'pledge-withdrawn':
      return `The pledge of ${formatMoney(step.amount)} was withdrawn by the donor before it was paid`;
  }
}

/** The date part of an ISO time stamp; anything else as it is. */
function dateOf(at: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(at) ? at.slice(0, 10) : at;
}
