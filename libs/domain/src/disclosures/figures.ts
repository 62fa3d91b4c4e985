import type { PangolinEvent } from '../events';
import { pangolinEvent } from '../typed-events';
import { splitProportionally } from '../shared/money';
import { periodBounds, placeInPeriod, type DisclosurePeriod } from './period';
import type { DisclosureFigures, DisclosureHouseholds, DisclosureMoney, DisclosureScope, RegionCoverage } from './report';

/**
 * The version of the computation below. A report records the one it was computed with, so that a
 * later change to what the figures mean adds a version instead of making old reports fail the audit.
 */
export const DISCLOSURE_COMPUTATION = 1;

interface GiftState {
  currency: string;
  remainder: 'hold' | 'refund';
  escrow: number;
}

interface HouseholdState {
  villageCode: string;
  eligible: boolean;
  /** Policies in force, per product. */
  inForce: Map<string, number>;
  /** Of them, policies the scope's gifts helped pay. */
  inForceFromScope: number;
}

interface PolicyState {
  householdId: string;
  productId: string;
  fromScope: boolean;
  inForce: boolean;
}

const emptyMoney = (currency: string): DisclosureMoney => ({
  currency,
  pledged: 0,
  pledgesLapsed: 0,
  giftsReceived: 0,
  received: 0,
  allocatedToPremiums: 0,
  paidToInsurers: 0,
  premiumRefundsCredited: 0,
  refunded: 0,
  claimsPaid: { count: 0, amount: 0, byPeril: [] },
  overhead: 0,
  awaitingPolicyIssue: 0,
  held: { total: 0, keptForNextPremium: 0, toBeRefunded: 0 },
});

/** The code length of a region's direct subdivisions (a county's towns, a town's villages). */
function childLength(regionCode: string): number {
  return ({ 2: 4, 4: 6, 6: 9, 9: 12 } as Record<number, number>)[regionCode.length] ?? regionCode.length;
}

const rate = (covered: number, eligible: number) => (eligible === 0 ? 0 : Math.floor((covered * 10_000) / eligible));

/**
 * The figures of a disclosure, folded from a prefix of the event log one event at a time, in log
 * order (`add`), then read once (`result`). Pure: the same events give the same figures, so the
 * audit recomputes a published report with this same fold. An event counts by the China Standard
 * Time day of its recorded time (metadata.occurredAt): events after the period are left out, those
 * before it only move the balances. Memory grows with gifts, households and policies (a few numbers
 * each), never with events.
 */
export class DisclosureFold {
  private readonly moneyByCurrency = new Map<string, DisclosureMoney>();
  private readonly gifts = new Map<string, GiftState>();
  private readonly households = new Map<string, HouseholdState>();
  private readonly policies = new Map<string, PolicyState>();
  private readonly claimPerils = new Map<string, string>();
  private readonly declarationPerils = new Map<string, string>();
  private programme: { name: string; regionCode: string; productId: string } | undefined;
  private eventsRead = 0;
  private readonly bounds: { start: string; end: string };

  constructor(readonly scope: DisclosureScope, readonly period: DisclosurePeriod) {
    this.bounds = periodBounds(period);
  }

  add(event: { type: string; data: unknown }, occurredAt: string): void {
    this.eventsRead++;
    const place = placeInPeriod(occurredAt, this.bounds);
    if (place === 'after') return;
    this.apply(pangolinEvent(event), place === 'in');
  }

  private figures(currency: string): DisclosureMoney {
    let row = this.moneyByCurrency.get(currency);
    if (!row) this.moneyByCurrency.set(currency, (row = emptyMoney(currency)));
    return row;
  }

  private inScope(giftId: string): GiftState | undefined {
    return this.gifts.get(giftId);
  }

  private apply(event: PangolinEvent, inPeriod: boolean): void {
    const flow = (currency: string, change: (row: DisclosureMoney) => void) => {
      if (inPeriod) change(this.figures(currency));
    };
    switch (event.type) {
      case 'ProgrammeLaunched':
        if (this.scope.kind === 'programme' && event.data.programmeId === this.scope.programmeId) {
          const { name, regionCode, productId } = event.data;
          this.programme = { name, regionCode, productId };
        }
        return;
      case 'GiftPledged': {
        const { giftId, amount, target, remainder } = event.data;
        if (this.scope.kind === 'programme' && !(target.kind === 'programme' && target.programmeId === this.scope.programmeId)) return;
        this.gifts.set(giftId, { currency: amount.currency, remainder, escrow: 0 });
        flow(amount.currency, (row) => (row.pledged += amount.amount));
        return;
      }
      case 'GiftPledgeExpired':
      case 'GiftPledgeWithdrawn': {
        const gift = this.inScope(event.data.giftId);
        if (gift) flow(gift.currency, (row) => (row.pledgesLapsed += event.data.amount.amount));
        return;
      }
      case 'GiftPaymentConfirmed': {
        const gift = this.inScope(event.data.giftId);
        if (!gift) return;
        gift.escrow += event.data.amount.amount;
        flow(gift.currency, (row) => {
          row.giftsReceived++;
          row.received += event.data.amount.amount;
        });
        return;
      }
      case 'GiftAllocated': {
        const gift = this.inScope(event.data.giftId);
        if (!gift) return;
        gift.escrow -= event.data.amount.amount;
        this.figures(gift.currency).awaitingPolicyIssue += event.data.amount.amount;
        flow(gift.currency, (row) => (row.allocatedToPremiums += event.data.amount.amount));
        return;
      }
      case 'GiftRemainderRefunded': {
        const gift = this.inScope(event.data.giftId);
        if (!gift) return;
        gift.escrow -= event.data.amount.amount;
        flow(gift.currency, (row) => (row.refunded += event.data.amount.amount));
        return;
      }
      case 'GiftPremiumRefundCredited': {
        const gift = this.inScope(event.data.giftId);
        if (!gift) return;
        gift.escrow += event.data.amount.amount;
        flow(gift.currency, (row) => (row.premiumRefundsCredited += event.data.amount.amount));
        return;
      }
      case 'PolicyRequested': {
        const { policyId, householdId, productId, contributions } = event.data;
        this.policies.set(policyId, { householdId, productId, fromScope: contributions.some(({ giftId }) => this.gifts.has(giftId)), inForce: false });
        return;
      }
      case 'PolicyIssued': {
        const { policyId, contributions, premium } = event.data;
        const scoped = contributions.filter(({ giftId }) => this.gifts.has(giftId));
        const paid = scoped.reduce((sum, { amount }) => sum + amount, 0);
        if (scoped.length > 0) {
          this.figures(premium.currency).awaitingPolicyIssue -= paid;
          flow(premium.currency, (row) => (row.paidToInsurers += paid));
        }
        this.setInForce(policyId, true);
        return;
      }
      case 'PolicyCancelled': {
        const { policyId, refunds, unearnedPremium, wasIssued } = event.data;
        const returned = refunds.filter(({ giftId }) => this.gifts.has(giftId)).reduce((sum, { amount }) => sum + amount, 0);
        // An issued policy's refund comes back from the insurer; before issue it leaves the premium awaiting issue.
        if (returned !== 0) {
          if (wasIssued) flow(unearnedPremium.currency, (row) => (row.paidToInsurers -= returned));
          else this.figures(unearnedPremium.currency).awaitingPolicyIssue -= returned;
        }
        this.setInForce(policyId, false);
        return;
      }
      case 'PolicyExpired':
        this.setInForce(event.data.policyId, false);
        return;
      case 'DisasterDeclared':
        this.declarationPerils.set(event.data.declarationId, event.data.peril);
        return;
      case 'ClaimFiled': {
        const { claimId, kind, declarationId } = event.data;
        this.claimPerils.set(claimId, (declarationId && this.declarationPerils.get(declarationId)) || kind);
        return;
      }
      case 'ClaimRejected':
        this.claimPerils.delete(event.data.claimId);
        return;
      case 'ClaimPaid': {
        const { claimId, amount, fundedBy } = event.data;
        const peril = this.claimPerils.get(claimId) ?? 'other';
        this.claimPerils.delete(claimId);
        let share = amount.amount;
        if (this.scope.kind === 'programme') {
          const shares = splitProportionally(amount.amount, fundedBy.map((part) => part.amount));
          share = fundedBy.reduce((sum, { giftId }, i) => sum + (this.gifts.has(giftId) ? shares[i] : 0), 0);
          if (share === 0) return;
        }
        flow(amount.currency, (row) => {
          row.claimsPaid.count++;
          row.claimsPaid.amount += share;
          let byPeril = row.claimsPaid.byPeril.find((entry) => entry.peril === peril);
          if (!byPeril) row.claimsPaid.byPeril.push((byPeril = { peril, count: 0, amount: 0 }));
          byPeril.count++;
          byPeril.amount += share;
        });
        return;
      }
      case 'HouseholdRegistered':
        this.households.set(event.data.householdId, { villageCode: event.data.villageCode, eligible: false, inForce: new Map(), inForceFromScope: 0 });
        return;
      case 'HouseholdEligibilityVerified':
      case 'HouseholdEligibilityRevoked': {
        const household = this.households.get(event.data.householdId);
        if (household) household.eligible = event.type === 'HouseholdEligibilityVerified';
        return;
      }
    }
  }

  private setInForce(policyId: string, inForce: boolean): void {
    const policy = this.policies.get(policyId);
    if (!policy || policy.inForce === inForce) return;
    policy.inForce = inForce;
    const household = this.households.get(policy.householdId);
    if (!household) return;
    const step = inForce ? 1 : -1;
    household.inForce.set(policy.productId, (household.inForce.get(policy.productId) ?? 0) + step);
    if (policy.fromScope) household.inForceFromScope += step;
  }

  /** The figures of every event added so far. */
  result(): DisclosureFigures {
    const scope = this.scope.kind === 'programme'
      ? { ...this.scope, name: this.programme?.name ?? null, regionCode: this.programme?.regionCode ?? null, productId: this.programme?.productId ?? null }
      : { ...this.scope, name: null, regionCode: null, productId: null };
    return this.finish(scope);
  }

  private finish(scope: DisclosureFigures['scope']): DisclosureFigures {
    const currencies = new Map([...this.moneyByCurrency].map(([currency, row]) => [currency, structuredClone(row)]));
    const row = (currency: string) => {
      let found = currencies.get(currency);
      if (!found) currencies.set(currency, (found = emptyMoney(currency)));
      return found;
    };
    for (const gift of this.gifts.values()) {
      if (gift.escrow === 0) continue;
      const held = row(gift.currency).held;
      held.total += gift.escrow;
      if (gift.remainder === 'hold') held.keptForNextPremium += gift.escrow;
      else held.toBeRefunded += gift.escrow;
    }
    const rows = [...currencies.values()]
      .map((entry) => ({ ...entry, claimsPaid: { ...entry.claimsPaid, byPeril: [...entry.claimsPaid.byPeril].sort((a, b) => (a.peril < b.peril ? -1 : a.peril > b.peril ? 1 : 0)) } }))
      .sort((a, b) => (a.currency < b.currency ? -1 : 1));
    return { computation: DISCLOSURE_COMPUTATION, scope, period: this.period, eventsRead: this.eventsRead, money: rows, households: this.coverage(scope) };
  }

  private coverage(scope: DisclosureFigures['scope']): DisclosureHouseholds {
    const region = scope.regionCode ?? '';
    const product = scope.productId;
    const length = region === '' ? 6 : childLength(region);
    const byRegion = new Map<string, RegionCoverage>();
    let coveredByTheseGifts = 0;
    for (const household of this.households.values()) {
      if (!household.villageCode.startsWith(region)) continue;
      if (household.inForceFromScope > 0) coveredByTheseGifts++;
      if (!household.eligible) continue;
      const covered = product === null ? [...household.inForce.values()].some((n) => n > 0) : (household.inForce.get(product) ?? 0) > 0;
      const code = household.villageCode.slice(0, length);
      let entry = byRegion.get(code);
      if (!entry) byRegion.set(code, (entry = { regionCode: code, eligible: 0, covered: 0, uncovered: 0, coverageRateBasisPoints: 0 }));
      entry.eligible++;
      if (covered) entry.covered++;
      else entry.uncovered++;
    }
    const regions = [...byRegion.values()].sort((a, b) => (a.regionCode < b.regionCode ? -1 : 1));
    for (const entry of regions) entry.coverageRateBasisPoints = rate(entry.covered, entry.eligible);
    const eligible = regions.reduce((sum, entry) => sum + entry.eligible, 0);
    const covered = regions.reduce((sum, entry) => sum + entry.covered, 0);
    return { regionCode: region, productId: product, eligible, covered, uncoveredEligible: eligible - covered, coverageRateBasisPoints: rate(covered, eligible), coveredByTheseGifts, byRegion: regions };
  }
}

/** Folds a whole list of recorded events (tests; the platform and the audit stream pages through DisclosureFold). */
export function disclosureFigures(scope: DisclosureScope, period: DisclosurePeriod, events: readonly { type: string; data: unknown; metadata: { occurredAt: string } }[]): DisclosureFigures {
  const fold = new DisclosureFold(scope, period);
  for (const event of events) fold.add(event, event.metadata.occurredAt);
  return fold.result();
}
