/**
 * Test support: a real transparency log in memory (leaf encoding, RFC 6962 tree, signed
 * checkpoints) from which tests cut receipts and consistency proofs exactly as a server would.
 */
import { encodeLeaf, type LeafEvent } from '../../log/leaf-encoding';
import { appendLeaves, consistencyProof, inclusionProof, rootAt } from '../../merkle/merkle-tree';
import { InMemorySubtreeHashStore } from '../../merkle/in-memory-subtree-hash-store';
import { leafHash } from '../../merkle/rfc6962';
import { formatCheckpoint } from '../../signed-note/checkpoint';
import { generateSignerKey, signNote } from '../../signed-note/signed-note';
import { formatConsistencyProof } from '../consistency';
import { formatReceipt, parseReceipt, RECEIPT_FORMAT } from '../receipt';
import { TrailRecomputation } from '../../trail-map/trail-membership';
import type { TrailMap } from '../../trail-map/trail-map';

export const TEST_LOG_ORIGIN = 'pangolin.test/log';

export class TestLog {
  readonly store = new InMemorySubtreeHashStore();
  readonly keys = generateSignerKey(TEST_LOG_ORIGIN);
  readonly events: LeafEvent[] = [];

  get size(): bigint {
    return BigInt(this.events.length);
  }

  async append(...events: LeafEvent[]): Promise<void> {
    await appendLeaves(this.store, this.size, events.map((event) => leafHash(encodeLeaf(event))));
    this.events.push(...events);
  }

  async checkpointNote(size = this.size, signerKey = this.keys.signerKey, extensionLines: readonly string[] = []): Promise<string> {
    return signNote(formatCheckpoint({ origin: TEST_LOG_ORIGIN, size, rootHash: await rootAt(this.store, size), extensionLines }), signerKey);
  }

  /** The trail map of the first `size` leaves and each gift's trail (leaf indices), recomputed as the platform keeps them. */
  trails(size = this.size): { map: TrailMap; leaves: Map<string, number[]>; states: TrailRecomputation } {
    const trails = new TrailRecomputation(true);
    for (const event of this.events.slice(0, Number(size))) trails.add(event, leafHash(encodeLeaf(event)));
    return { map: trails.map(), leaves: new Map([...trails.leaves].map(([giftId, indices]) => [giftId, indices.map(Number)])), states: trails };
  }

  /**
   * A receipt against a checkpoint that commits to the trail map, with the gift's map entry: by
   * default showing the gift's whole trail, else the events at `leafIndices`.
   */
  async completeReceipt(giftId: string, options: { size?: bigint; leafIndices?: readonly number[] } = {}): Promise<string> {
    const size = options.size ?? this.size;
    const { map, leaves, states } = this.trails(size);
    const found = map.entry(giftId);
    const state = states.state(giftId);
    if (found === undefined || state === undefined) throw new Error(`gift ${giftId} has no trail`);
    const text = await this.receipt(giftId, options.leafIndices ?? leaves.get(giftId)!, size, [map.extensionLine()]);
    const receipt = parseReceipt(text);
    return formatReceipt({
      ...receipt,
      trailMap: { trailLength: state.length, trailHash: state.hash, mapIndex: found.index, inclusionProof: map.inclusionProof(found.index) },
    });
  }

  /** The receipt text for `giftId` holding the events at `leafIndices`, against the checkpoint of `size`. */
  async receipt(giftId: string, leafIndices: readonly number[], size = this.size, extensionLines: readonly string[] = []): Promise<string> {
    return formatReceipt({
      format: RECEIPT_FORMAT,
      giftId,
      checkpoint: await this.checkpointNote(size, this.keys.signerKey, extensionLines),
      events: await Promise.all(
        leafIndices.map(async (index) => ({
          leafIndex: BigInt(index),
          leaf: encodeLeaf(this.events[index]),
          inclusionProof: await inclusionProof(this.store, BigInt(index), size),
        })),
      ),
    });
  }

  async consistencyProofFile(size1: bigint, size2: bigint): Promise<string> {
    return formatConsistencyProof({ size1, size2, proof: await consistencyProof(this.store, size1, size2) });
  }
}

const CNY = (amount: number) => ({ amount, currency: 'CNY' });
let nextEventId = 0;

function event(streamId: string, revision: number, type: string, data: object, occurredAt = '2026-01-05T08:00:00.000Z'): LeafEvent {
  return {
    eventId: `event-${++nextEventId}`,
    streamId,
    revision,
    type,
    data,
    metadata: { actor: 'system:test', correlationId: 'c', causationId: 'k', occurredAt, schemaVersion: 1 },
  };
}

/**
 * A log in which gift g1 (500.00 CNY for household h1) pays the whole 300.00 CNY premium of policy
 * pol1, gets 200.00 CNY refunded, and the policy pays a 10,000.00 CNY claim; another gift's events
 * and the claim's filing and approval are in the log too but not in g1's trail.
 * `trail` holds the leaf indices of g1's trail.
 */
export async function giftStoryLog(): Promise<{ log: TestLog; trail: number[] }> {
  const log = new TestLog();
  const other = { giftId: 'g2', donorId: 'd2', amount: CNY(10000), target: { kind: 'household', householdId: 'h2', productId: 'p1' }, remainder: 'hold', pledgedAt: '2026-01-04T09:00:00.000Z' };
  const contribution = [{ giftId: 'g1', amount: 30000 }];
  await log.append(
    event('gift-g2', 0, 'GiftPledged', other), // 0
    event('gift-g1', 0, 'GiftPledged', { giftId: 'g1', donorId: 'd1', amount: CNY(50000), target: { kind: 'household', householdId: 'h1', productId: 'p1' }, remainder: 'refund', pledgedAt: '2026-01-05T08:00:00.000Z' }), // 1
    event('gift-g1', 1, 'GiftPaymentConfirmed', { giftId: 'g1', donorId: 'd1', paymentReference: 'PAY-0001', amount: CNY(50000), confirmedAt: '2026-01-05T08:05:00.000Z' }), // 2
    event('funding-h1.p1', 0, 'PremiumContributionAccepted', {
      householdId: 'h1', productId: 'p1', round: 0, policyId: 'pol1', contributionId: 'con1', giftId: 'g1',
      amount: CNY(30000), fundedTotal: CNY(30000), premium: CNY(30000), productVersion: 1, acceptedAt: '2026-01-05T08:05:01.000Z',
    }), // 3
    event('funding-h1.p1', 1, 'PremiumFullyFunded', {
      householdId: 'h1', productId: 'p1', productVersion: 1, round: 0, policyId: 'pol1', premium: CNY(30000), contributions: contribution, fundedAt: '2026-01-05T08:05:01.000Z',
    }), // 4
    event('gift-g1', 2, 'GiftAllocated', { giftId: 'g1', allocationId: 'con1', householdId: 'h1', productId: 'p1', policyId: 'pol1', amount: CNY(30000), allocatedAt: '2026-01-05T08:05:02.000Z' }), // 5
    event('gift-g1', 3, 'GiftRemainderRefunded', { giftId: 'g1', donorId: 'd1', amount: CNY(20000), reason: 'more than the premium still needed', refundedAt: '2026-01-05T08:05:03.000Z' }), // 6
    event('gift-g2', 1, 'GiftPaymentConfirmed', { giftId: 'g2', donorId: 'd2', paymentReference: 'PAY-0002', amount: CNY(10000), confirmedAt: '2026-01-05T09:00:00.000Z' }), // 7
    event('policy-pol1', 0, 'PolicyRequested', {
      policyId: 'pol1', householdId: 'h1', productId: 'p1', productVersion: 1, insurerId: 'i1', premium: CNY(30000), sumInsured: CNY(2000000),
      waitingPeriodDays: 0, termDays: 365, contributions: contribution, requestedAt: '2026-01-05T08:05:04.000Z',
    }), // 8
    event('policy-pol1', 1, 'PolicyIssued', {
      policyId: 'pol1', householdId: 'h1', insurerId: 'i1', policyNumber: 'ANX-2026-0001', startDate: '2026-01-01', endDate: '2026-12-31',
      premium: CNY(30000), contributions: contribution, issuedAt: '2026-01-06T10:00:00.000Z',
    }), // 9
    event('policy-pol1', 2, 'ClaimFiled', {
      policyId: 'pol1', claimId: 'c1', householdId: 'h1', incidentDate: '2026-03-15', kind: 'illness', amountClaimed: CNY(1000000), evidence: ['invoice.pdf'],
      filedBy: { role: 'government', id: '440305' }, filedAt: '2026-03-16T10:00:00.000Z',
    }), // 10
    event('policy-pol1', 3, 'ClaimApproved', { policyId: 'pol1', claimId: 'c1', approvedAmount: CNY(1000000), inFull: true, approvedBy: 'insurer:i1', approvedAt: '2026-03-20T10:00:00.000Z' }), // 11
    event('policy-pol1', 4, 'ClaimPaid', {
      policyId: 'pol1', claimId: 'c1', householdId: 'h1', insurerId: 'i1', amount: CNY(1000000), payoutReference: 'BANK-0001', fundedBy: contribution, paidAt: '2026-03-21T10:00:00.000Z',
    }), // 12
    event('gift-g2', 2, 'GiftRemainderHeld', { giftId: 'g2', amount: CNY(10000), reason: 'no premium needs it now', heldAt: '2026-01-05T09:00:01.000Z' }), // 13
  );
  return { log, trail: [1, 2, 3, 4, 5, 6, 8, 9, 12] };
}
