/**
 * Which gifts' trails an event of the log belongs to: the rule the Merkle-log projection, the
 * receipts and the audit share, so the trail map the checkpoint commits to, the events a receipt
 * shows and the audit's recomputation agree. Decided from the event and earlier events only (an
 * event's membership never changes when later events arrive), so the map can be kept up to date as
 * the log grows and recomputed in one pass.
 *
 * A gift's trail is:
 *   - every event of the gift's stream (gift-<giftId>);
 *   - every PremiumContributionAccepted of the gift, and every PremiumFullyFunded naming it among its contributions;
 *   - every PolicyRequested, PolicyIssued, PolicyCancelled and PolicyExpired of a policy the gift
 *     paid for: allocated to (GiftAllocated) or was credited from (GiftPremiumRefundCredited)
 *     earlier in the log, or that names the gift (contributions, refunds);
 *   - every ClaimPaid naming the gift among the premium's funders (fundedBy).
 */
import { EMPTY_TRAIL_HASH, nextTrailHash, TrailMap, type TrailState } from './trail-map';

/** The fields of an event the rule reads. */
export interface TrailMemberEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
}

const GIFT_STREAM = 'gift-';
const POLICY_EVENTS = new Set(['PolicyRequested', 'PolicyIssued', 'PolicyCancelled', 'PolicyExpired']);
/** The list of { giftId, amount } each policy event names gifts in. */
const NAMED_IN: Record<string, string> = { PolicyRequested: 'contributions', PolicyIssued: 'contributions', PolicyCancelled: 'refunds', ClaimPaid: 'fundedBy' };

/** What one event means for the trails: the gifts whose trails it joins, and the gifts it links to a policy. */
export interface TrailMembership {
  readonly giftIds: readonly string[];
  /** Gifts that paid for `policyId` from this event on (their trails get the policy's events). */
  readonly policyLinks: readonly { readonly policyId: string; readonly giftId: string }[];
}

/** The policy whose earlier linked gifts trailMembership needs for this event, if any. */
export function policyLookedUpBy(event: TrailMemberEvent): string | undefined {
  if (!POLICY_EVENTS.has(event.type)) return undefined;
  return stringField(event.data, 'policyId');
}

/**
 * The gifts whose trails `event` belongs to (no repeats, in first-named order), given the gifts
 * linked to the policy policyLookedUpBy(event) names by earlier events.
 */
export function trailMembership(event: TrailMemberEvent, linkedGifts: Iterable<string> = []): TrailMembership {
  const { type, data } = event;
  if (event.streamId.startsWith(GIFT_STREAM)) {
    const giftId = event.streamId.slice(GIFT_STREAM.length);
    const policyId = type === 'GiftAllocated' || type === 'GiftPremiumRefundCredited' ? stringField(data, 'policyId') : undefined;
    return { giftIds: [giftId], policyLinks: policyId === undefined ? [] : [{ policyId, giftId }] };
  }
  switch (type) {
    case 'PremiumContributionAccepted': {
      const giftId = stringField(data, 'giftId');
      return { giftIds: giftId === undefined ? [] : [giftId], policyLinks: [] };
    }
    case 'PremiumFullyFunded':
      return { giftIds: unique(namedGifts(data, 'contributions')), policyLinks: [] };
    case 'ClaimPaid':
      return { giftIds: unique(namedGifts(data, NAMED_IN.ClaimPaid)), policyLinks: [] };
    default: {
      if (!POLICY_EVENTS.has(type)) return { giftIds: [], policyLinks: [] };
      const policyId = stringField(data, 'policyId');
      if (policyId === undefined) return { giftIds: [], policyLinks: [] };
      const named = NAMED_IN[type] === undefined ? [] : namedGifts(data, NAMED_IN[type]);
      const linked = new Set(linkedGifts);
      return { giftIds: unique([...linked, ...named]), policyLinks: unique(named).filter((giftId) => !linked.has(giftId)).map((giftId) => ({ policyId, giftId })) };
    }
  }
}

/**
 * The rule over a whole log held in memory (the audit, a receipt's candidate events): feed every
 * event in log order; remembers which gifts paid for which policy.
 */
export class TrailMembershipTracker {
  private readonly policyGifts = new Map<string, Set<string>>();

  /** The gifts whose trails `event` (the next one in log order) belongs to. */
  next(event: TrailMemberEvent): readonly string[] {
    const policyId = policyLookedUpBy(event);
    const membership = trailMembership(event, policyId === undefined ? [] : this.policyGifts.get(policyId) ?? []);
    for (const { policyId: linked, giftId } of membership.policyLinks) {
      let gifts = this.policyGifts.get(linked);
      if (gifts === undefined) this.policyGifts.set(linked, (gifts = new Set()));
      gifts.add(giftId);
    }
    return membership.giftIds;
  }
}

function stringField(data: unknown, key: string): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function namedGifts(data: unknown, key: string): string[] {
  if (typeof data !== 'object' || data === null) return [];
  const list = (data as Record<string, unknown>)[key];
  if (!Array.isArray(list)) return [];
  return list.map((entry) => stringField(entry, 'giftId')).filter((giftId): giftId is string => giftId !== undefined);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * The gifts' trails recomputed from the events alone, as the audit (and a test, or an independent
 * auditor) does: feed every leaf in log order with its RFC 6962 leaf hash; `map()` is the trail map
 * at the leaves fed so far.
 */
export class TrailRecomputation {
  private readonly membership = new TrailMembershipTracker();
  private readonly states = new Map<string, { length: bigint; hash: Uint8Array }>();
  /** Each gift's trail as leaf indexes, when asked to keep them. */
  readonly leaves = new Map<string, bigint[]>();
  private size = 0n;

  constructor(private readonly keepLeaves = false) {}

  add(event: TrailMemberEvent, leafHash: Uint8Array): void {
    for (const giftId of this.membership.next(event)) {
      const state = this.states.get(giftId);
      this.states.set(giftId, { length: (state?.length ?? 0n) + 1n, hash: nextTrailHash(state?.hash ?? EMPTY_TRAIL_HASH, leafHash) });
      if (this.keepLeaves) this.leaves.set(giftId, [...(this.leaves.get(giftId) ?? []), this.size]);
    }
    this.size++;
  }

  /** The gift's trail state in the leaves fed so far, if it has one. */
  state(giftId: string): TrailState | undefined {
    const state = this.states.get(giftId);
    return state === undefined ? undefined : { giftId, ...state };
  }

  map(): TrailMap {
    return new TrailMap([...this.states].map(([giftId, state]) => ({ giftId, ...state })));
  }
}
