import {
  contributionOutcome,
  ContributionOutcome,
  deterministicId,
  EventOfType,
  escrowBalance,
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
  GiftTarget,
  ProgrammeCandidate,
  streams,
} from '@pangolin/domain';
import { EventStore, RecordedEvent } from '@pangolin/event-store';
import { ActingContext, executeCommand, loadState } from '../command-executor';
import { ProcessManager } from './process-manager';

type PublishedProduct = Extract<ProductState, { published: true }>;

/** Households whose allocations are recorded on the gift in one append. */
const ALLOCATIONS_PER_APPEND = 500;
/** Households offered their part of a gift concurrently. */
const OFFERS_AT_ONCE = 64;

export interface AllocationReadModel {
  /** Eligible households of the region whose premium for the product is not fully funded. */
  uncoveredEligible(regionCode: string, productId: string): Promise<ProgrammeCandidate[]>;
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

  async handle(event: RecordedEvent): Promise<void> {
    switch (event.type) {
      case 'GiftPaymentConfirmed':
        return this.allocateGift(event, (event.data as EventOfType<'GiftPaymentConfirmed'>['data']).giftId);
      case 'PremiumFullyFunded':
        return this.requestPolicy(event, event.data as EventOfType<'PremiumFullyFunded'>['data']);
      case 'PolicyCancelled':
        return this.returnUnearnedPremium(event, event.data as EventOfType<'PolicyCancelled'>['data']);
      case 'PolicyExpired': {
        const { policyId, householdId, productId } = event.data as EventOfType<'PolicyExpired'>['data'];
        return this.reopenFunding(event, policyId, householdId, productId, 'policy expired');
      }
      case 'PremiumFundingReopened': {
        const { householdId, productId } = event.data as EventOfType<'PremiumFundingReopened'>['data'];
        return this.spendHeldMoney(event, householdId, productId);
      }
      case 'HouseholdEligibilityVerified':
        return this.spendHeldMoney(event, (event.data as EventOfType<'HouseholdEligibilityVerified'>['data']).householdId);
    }
  }

  private async allocateGift(event: RecordedEvent, giftId: string): Promise<void> {
    const target = await this.spendEscrow(event, giftId);
    if (!target) return;
    await this.execute(event, `settle:${giftId}`, giftDecider, streams.gift(giftId), {
      type: 'SettleRemainder',
      data: { giftId, reason: target.kind === 'household' ? 'more than the premium still needed' : 'more than the programme\'s uncovered households need', now: this.now() },
    });
  }

  private async spendHeldMoney(event: RecordedEvent, householdId: string, productId?: string): Promise<void> {
    const { state: household } = await loadState(this.store, householdDecider, streams.household(householdId));
    if (!household.registered || !household.eligible) return;
    for (const giftId of await this.readModel.giftsHoldingMoneyFor({ householdId, villageCode: household.villageCode, productId })) await this.spendEscrow(event, giftId);
  }

  /** Offers the gift's escrow to its household's premium, or shares it among its programme's households. */
  private async spendEscrow(event: RecordedEvent, giftId: string): Promise<GiftTarget | undefined> {
    const { state: gift } = await loadState(this.store, giftDecider, streams.gift(giftId));
    if (!gift.pledged) return undefined;
    const { target } = gift;
    const offers = target.kind === 'household' ? [{ householdId: target.householdId, amount: escrowBalance(gift) }] : await this.programmePlan(event, gift);
    await this.contribute(event, giftId, target.productId, offers);
    return target;
  }

  /**
   * How `event` shares a programme gift among the programme's eligible households. The plan is
   * recorded on the gift's stream before any of it is carried out, so a retry after a crash (the
   * event handled again) reads the same plan back: planning again would leave out a household
   * whose premium the first run already funded and spend its share twice.
   */
  private async programmePlan(event: RecordedEvent, gift: PledgedGift): Promise<readonly PlannedAllocation[]> {
    const { giftId, target } = gift;
    if (target.kind !== 'programme') throw new Error(`gift ${giftId} is not a programme gift`);
    const planId = deterministicId('programme-allocation-plan', event.eventId, giftId);
    const recorded = gift.plans.get(planId);
    if (recorded) return recorded;
    const { allocations } = planProgrammeAllocation(escrowBalance(gift), await this.readModel.uncoveredEligible(target.regionCode, target.productId));
    if (allocations.length === 0) return [];
    await this.execute(event, `plan:${giftId}`, giftDecider, streams.gift(giftId), { type: 'PlanProgrammeAllocation', data: { giftId, planId, allocations, now: this.now() } });
    return allocations;
  }

  /**
   * Offers each household its part of the gift and records on the gift what the premiums accepted,
   * ALLOCATIONS_PER_APPEND households at a time: one append to the gift's stream per batch, so that a
   * programme gift reaching many households does not reload its growing stream per household. The
   * households of a batch are offered their parts OFFERS_AT_ONCE at a time (each in its own funding
   * stream), so that a store that commits concurrent appends together (group commit) can.
   */
  private async contribute(event: RecordedEvent, giftId: string, productId: string, offers: readonly PlannedAllocation[]): Promise<void> {
    const { state: product } = await loadState(this.store, productDecider, streams.product(productId));
    if (!product.published) return;
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
      await this.execute(event, `allocate:${giftId}:${first}`, giftDecider, streams.gift(giftId), { type: 'RecordAllocation', data: { giftId, allocations, now: this.now() } });
    }
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
    const { state: current } = await loadState(this.store, premiumFundingDecider, fundingStream);
    if (current.fullyFunded && !contributionOutcome(current, contributionId)) return undefined;
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
    });
    return contributionOutcome(funding, contributionId);
  }

  private async requestPolicy(event: RecordedEvent, funded: EventOfType<'PremiumFullyFunded'>['data']): Promise<void> {
    const terms = await this.termsOfVersion(funded.productId, funded.productVersion);
    const product = await loadState(this.store, productDecider, streams.product(funded.productId));
    if (!terms || !product.state.published) return;
    await this.execute(event, 'request-policy', policyDecider, streams.policy(funded.policyId), {
      type: 'RequestPolicy',
      data: {
        policyId: funded.policyId,
        householdId: funded.householdId,
        productId: funded.productId,
        productVersion: funded.productVersion,
        insurerId: product.state.insurerId,
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

  /** The terms a product had at `version` (a revision later must not change this round's policy). */
  private async termsOfVersion(productId: string, version: number): Promise<ProductTerms | undefined> {
    const events = (await this.store.readStream(streams.product(productId))).map((e) => ({ type: e.type, data: e.data }) as ProductEvent);
    for (const e of events) if ((e.type === 'ProductPublished' || e.type === 'ProductRevised') && e.data.version === version) return e.data.terms;
    return undefined;
  }

  private execute<C, S, E extends { type: string; data: unknown }>(event: RecordedEvent, step: string, decider: import('@pangolin/domain').Decider<C, S, E>, streamId: string, command: C) {
    const context: ActingContext = {
      actor: `system:${this.name}`,
      correlationId: event.metadata.correlationId,
      causationId: event.eventId,
      idempotencyKey: `${event.eventId}:${step}`,
    };
    return executeCommand(this.store, decider, streamId, command, context, this.now);
  }
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
