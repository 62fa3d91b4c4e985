import {
  contributionOutcome,
  ContributionOutcome,
  deterministicId,
  eventData,
  EventOfType,
  escrowBalance,
  foldEvents,
  giftDecider,
  householdDecider,
  money,
  Money,
  planProgrammeAllocation,
  PlannedAllocation,
  PledgedGift,
  policyDecider,
  policyIdFor,
  premiumFundingDecider,
  ProductEvent,
  productDecider,
  ProductState,
  ProductTerms,
  GiftState,
  GiftTarget,
  ProgrammeCandidate,
  streams,
} from '@pangolin/domain';
import { EventStore, RecordedEvent } from '@pangolin/event-store';
import { ActingContext, executeCommand, LoadedStream, loadState, toDomainEvent } from '../command-executor';
import { ProcessManager } from './process-manager';

type PublishedProduct = Extract<ProductState, { published: true }>;

/** Households whose allocations are recorded on the gift in one append. */
const ALLOCATIONS_PER_APPEND = 500;
/** Households offered their part of a gift concurrently. */
const OFFERS_AT_ONCE = 64;

/** Households the read model gives a programme gift's plan at a time (its largest page). */
const CANDIDATES_PER_READ = 500;

export interface AllocationReadModel {
  /**
   * One page of the region's eligible households whose premium for the product is not fully
   * funded, in allocation order (planProgrammeAllocation's): `cursor` is the previous page's nextCursor.
   */
  uncoveredEligible(regionCode: string, productId: string, page: { limit: number; cursor?: string }): Promise<{ items: ProgrammeCandidate[]; nextCursor: string | null }>;
  /** Gifts holding money (donor chose 'hold') that could pay this household's premium, earliest first. */
  giftsHoldingMoneyFor(target: { householdId: string; villageCode: string; productId?: string }): Promise<string[]>;
}

/**
 * Moves money from gifts to premiums and premiums to policy requests:
 * - a paid gift is offered to its household's premium, or shared among a programme's households
 *   (planProgrammeAllocation; the plan is recorded on the gift first), and what no premium can use
 *   is held or refunded;
 * - a fully funded premium becomes a policy request to the insurer;
 * - a cancelled policy's unearned premium goes back to the gifts that paid it, and funding for
 *   the household reopens; so does an expired policy's;
 * - money held in escrow (the donor chose 'hold') is spent as soon as someone it was given for
 *   needs a premium: the household's funding reopens for a renewal, or a household of the
 *   programme's region is verified eligible.
 * Every command it issues is idempotent, so a redelivered event changes nothing twice.
 */
export class PremiumAllocationProcess implements ProcessManager {
  readonly name = 'premium-allocation';

  constructor(
    private readonly store: EventStore,
    private readonly readModel: AllocationReadModel,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  handle(event: RecordedEvent): Promise<void> {
    return this.reactions[event.type]?.handle(event) ?? Promise.resolve();
  }

  /**
   * Requests for different policies go alongside each other, and so do the events this process does
   * nothing with; everything else is handled alone (it spends gifts' money, which other events spend too).
   */
  concurrencyKey(event: RecordedEvent): string | undefined {
    const reaction = this.reactions[event.type];
    return reaction ? reaction.key?.(event) : `unhandled:${event.position}`;
  }

  /** What this process does on each event type it handles, and, when the handling may go alongside others', its concurrencyKey. */
  private readonly reactions: Readonly<Record<string, { handle: (event: RecordedEvent) => Promise<void>; key?: (event: RecordedEvent) => string }>> = {
    GiftPaymentConfirmed: { handle: (event) => this.allocateGift(event, eventData(event, 'GiftPaymentConfirmed').giftId) },
    PremiumFullyFunded: {
      handle: (event) => this.requestPolicy(event, eventData(event, 'PremiumFullyFunded')),
      // It reads only the product (which this process never changes) and writes only the policy's stream.
      key: (event) => `policy:${eventData(event, 'PremiumFullyFunded').policyId}`,
    },
    PolicyCancelled: { handle: (event) => this.returnUnearnedPremium(event, eventData(event, 'PolicyCancelled')) },
    PolicyExpired: {
      handle: (event) => {
        const { policyId, householdId, productId } = eventData(event, 'PolicyExpired');
        return this.reopenFunding(event, policyId, householdId, productId, 'policy expired');
      },
    },
    PremiumFundingReopened: {
      handle: (event) => {
        const { householdId, productId } = eventData(event, 'PremiumFundingReopened');
        return this.spendHeldMoney(event, householdId, productId);
      },
    },
    HouseholdEligibilityVerified: { handle: (event) => this.spendHeldMoney(event, eventData(event, 'HouseholdEligibilityVerified').householdId) },
  };

  private async allocateGift(event: RecordedEvent, giftId: string): Promise<void> {
    const spent = await this.spendEscrow(event, giftId);
    if (!spent) return;
    await this.execute(event, `settle:${giftId}`, giftDecider, streams.gift(giftId), {
      type: 'SettleRemainder',
      data: { giftId, reason: spent.target.kind === 'household' ? 'more than the premium still needed' : 'more than the programme\'s uncovered households need', now: this.now() },
    }, spent.gift);
  }

  private async spendHeldMoney(event: RecordedEvent, householdId: string, productId?: string): Promise<void> {
    const { state: household } = await loadState(this.store, householdDecider, streams.household(householdId));
    if (!household.registered || !household.eligible) return;
    for (const giftId of await this.readModel.giftsHoldingMoneyFor({ householdId, villageCode: household.villageCode, productId })) await this.spendEscrow(event, giftId);
  }

  /**
   * Offers the gift's escrow to its household's premium, or shares it among its programme's
   * households; the gift's target and its stream as the spending left it (read once, then carried
   * from command to command: a programme gift's stream grows by thousands of allocations).
   */
  private async spendEscrow(event: RecordedEvent, giftId: string): Promise<{ target: GiftTarget; gift: LoadedStream<GiftState> } | undefined> {
    const loaded = await loadState(this.store, giftDecider, streams.gift(giftId));
    const { state } = loaded;
    if (!state.pledged) return undefined;
    const { target } = state;
    const { offers, gift } = target.kind === 'household'
      ? { offers: [{ householdId: target.householdId, amount: escrowBalance(state) }], gift: loaded }
      : await this.programmePlan(event, state, loaded);
    return { target, gift: await this.contribute(event, giftId, target.productId, offers, gift) };
  }

  /**
   * How `event` shares a programme gift among the programme's eligible households. The plan is
   * recorded on the gift's stream before any of it is carried out, so a retry after a crash (the
   * event handled again) reads the same plan back: planning again would leave out a household
   * whose premium the first run already funded and spend its share twice.
   */
  private async programmePlan(event: RecordedEvent, pledged: PledgedGift, gift: LoadedStream<GiftState>): Promise<{ offers: readonly PlannedAllocation[]; gift: LoadedStream<GiftState> }> {
    const { giftId, target } = pledged;
    if (target.kind !== 'programme') throw new Error(`gift ${giftId} is not a programme gift`);
    const planId = deterministicId('programme-allocation-plan', event.eventId, giftId);
    const recorded = pledged.plans.get(planId);
    if (recorded) return { offers: recorded, gift };
    const available = escrowBalance(pledged);
    const { allocations } = planProgrammeAllocation(available, await this.candidatesFor(target.regionCode, target.productId, available));
    if (allocations.length === 0) return { offers: [], gift };
    const planned = await this.execute(event, `plan:${giftId}`, giftDecider, streams.gift(giftId), { type: 'PlanProgrammeAllocation', data: { giftId, planId, allocations, now: this.now() } }, gift);
    return { offers: allocations, gift: planned };
  }

  /**
   * The first of the region's uncovered households in allocation order, page after page until their
   * premiums need at least `available`: the plan then is the one all of them would give, and a small
   * gift to a county's programme reads a page, not the county's hundred thousand households.
   */
  private async candidatesFor(regionCode: string, productId: string, available: number): Promise<ProgrammeCandidate[]> {
    const candidates: ProgrammeCandidate[] = [];
    let needed = 0;
    let cursor: string | undefined;
    do {
      const page = await this.readModel.uncoveredEligible(regionCode, productId, { limit: CANDIDATES_PER_READ, cursor });
      candidates.push(...page.items);
      needed += page.items.reduce((sum, candidate) => sum + Math.max(candidate.remainingPremium, 0), 0);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && needed < available);
    return candidates;
  }

  /**
   * Offers each household its part of the gift and records on the gift what the premiums accepted,
   * ALLOCATIONS_PER_APPEND households at a time: one append to the gift's stream per batch, so that a
   * programme gift reaching many households does not reload its growing stream per household. The
   * households of a batch are offered their parts OFFERS_AT_ONCE at a time (each in its own funding
   * stream), so that a store that commits concurrent appends together (group commit) can. The
   * gift's stream as the recorded allocations left it.
   */
  private async contribute(event: RecordedEvent, giftId: string, productId: string, offers: readonly PlannedAllocation[], gift: LoadedStream<GiftState>): Promise<LoadedStream<GiftState>> {
    const { state: product } = await loadState(this.store, productDecider, streams.product(productId));
    if (!product.published) return gift;
    const { currency } = product.terms.annualPremium;
    for (let first = 0; first < offers.length; first += ALLOCATIONS_PER_APPEND) {
      const batch = offers.slice(first, first + ALLOCATIONS_PER_APPEND).filter(({ amount }) => amount > 0);
      const outcomes = await mapConcurrently(batch, OFFERS_AT_ONCE, async ({ householdId, amount }) => {
        const contributionId = deterministicId('contribution', event.eventId, giftId, householdId);
        const outcome = await this.offer(event, giftId, householdId, productId, product, contributionId, money(amount, currency));
        return outcome?.accepted ? { allocationId: contributionId, householdId, productId, policyId: outcome.policyId, amount: money(outcome.amount, currency) } : undefined;
      });
      const allocations = outcomes.filter((allocation) => allocation !== undefined);
      if (allocations.length === 0) continue;
      gift = await this.execute(event, `allocate:${giftId}:${first}`, giftDecider, streams.gift(giftId), { type: 'RecordAllocation', data: { giftId, allocations, now: this.now() } }, gift);
    }
    return gift;
  }

  /** Offers `offered` of the gift to one household's premium; what became of it (undefined if it was not offered). */
  private async offer(
    event: RecordedEvent, giftId: string, householdId: string, productId: string, product: PublishedProduct, contributionId: string, offered: Money,
  ): Promise<ContributionOutcome | undefined> {
    const household = await loadState(this.store, householdDecider, streams.household(householdId));
    const fundingStream = streams.premiumFunding(householdId, productId);
    // A premium already fully funded has no use for the money: offering it anyway would only record
    // a decline, and an over-subscribed household's stream would grow with every gift. (A retry
    // still goes on if this contribution was decided before.)
    const current = await loadState(this.store, premiumFundingDecider, fundingStream);
    if (current.state.fullyFunded && !contributionOutcome(current.state, contributionId)) return undefined;
    const { state: funding } = await this.execute(event, `contribute:${giftId}:${householdId}`, premiumFundingDecider, fundingStream, {
      type: 'Contribute',
      data: {
        householdId,
        productId,
        contributionId,
        giftId,
        offered,
        product: { version: product.version, premium: product.terms.annualPremium, insurerId: product.insurerId },
        householdEligible: household.state.registered && household.state.eligible,
        productRetired: product.retired,
        now: this.now(),
      },
    }, current);
    return contributionOutcome(funding, contributionId);
  }

  private async requestPolicy(event: RecordedEvent, funded: EventOfType<'PremiumFullyFunded'>['data']): Promise<void> {
    // One read of the product's stream: the terms of the round's version (a revision since must not
    // change this round's policy) and the product as it is now.
    const history = (await this.store.readStream(streams.product(funded.productId))).map(toDomainEvent) as ProductEvent[];
    const product = foldEvents(productDecider, history);
    const terms = termsOfVersion(history, funded.productVersion);
    if (!terms || !product.published) return;
    await this.execute(event, 'request-policy', policyDecider, streams.policy(funded.policyId), {
      type: 'RequestPolicy',
      data: {
        policyId: funded.policyId,
        householdId: funded.householdId,
        productId: funded.productId,
        productVersion: funded.productVersion,
        insurerId: product.insurerId,
        premium: funded.premium,
        sumInsured: terms.sumInsured,
        waitingPeriodDays: terms.waitingPeriodDays,
        termDays: terms.termDays,
        contributions: funded.contributions,
        fundedAt: funded.fundedAt,
        now: this.now(),
      },
    });
  }

  private async returnUnearnedPremium(event: RecordedEvent, cancelled: EventOfType<'PolicyCancelled'>['data']): Promise<void> {
    const { currency } = cancelled.unearnedPremium;
    for (const refund of cancelled.refunds) {
      if (refund.amount <= 0) continue;
      await this.execute(event, `credit:${refund.giftId}`, giftDecider, streams.gift(refund.giftId), {
        type: 'CreditPremiumRefund',
        data: { giftId: refund.giftId, policyId: cancelled.policyId, amount: money(refund.amount, currency), now: this.now() },
      });
      await this.execute(event, `settle:${refund.giftId}`, giftDecider, streams.gift(refund.giftId), {
        type: 'SettleRemainder',
        data: { giftId: refund.giftId, reason: `unearned premium of cancelled policy: ${cancelled.reason}`, now: this.now() },
      });
    }
    const { state: policy } = await loadState(this.store, policyDecider, streams.policy(cancelled.policyId));
    if (policy.status !== 'none') await this.reopenFunding(event, cancelled.policyId, cancelled.householdId, policy.productId, 'policy cancelled');
  }

  private async reopenFunding(event: RecordedEvent, policyId: string, householdId: string, productId: string, reason: string): Promise<void> {
    const { state: funding } = await loadState(this.store, premiumFundingDecider, streams.premiumFunding(householdId, productId));
    if (policyIdFor(householdId, productId, funding.round) !== policyId) return;
    await this.execute(event, 'reopen', premiumFundingDecider, streams.premiumFunding(householdId, productId), {
      type: 'Reopen',
      data: { householdId, productId, round: funding.round, reason, now: this.now() },
    });
  }

  /** Runs `command` as this process, with event ids derived from `event` and `step` (see ActingContext); `loaded`: see executeCommand. */
  private execute<C, S, E extends { type: string; data: unknown }>(event: RecordedEvent, step: string, decider: import('@pangolin/domain').Decider<C, S, E>, streamId: string, command: C, loaded?: LoadedStream<S>) {
    const context: ActingContext = {
      actor: `system:${this.name}`,
      correlationId: event.metadata.correlationId,
      causationId: event.eventId,
      idempotencyKey: `${event.eventId}:${step}`,
    };
    return executeCommand(this.store, decider, streamId, command, context, this.now, undefined, loaded);
  }
}

/** The terms a product had at `version`. */
function termsOfVersion(history: readonly ProductEvent[], version: number): ProductTerms | undefined {
  for (const e of history) if ((e.type === 'ProductPublished' || e.type === 'ProductRevised') && e.data.version === version) return e.data.terms;
  return undefined;
}

/** `work` applied to every item, at most `limit` at a time; the results in the items' order. After a failure no more items are started. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
