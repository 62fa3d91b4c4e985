import { claimsDecider, Conflict, Decider, deterministicId, DeclaredDisaster, disasterDecider, DisasterPayout, DisasterState, isEventOfType, ProductTerms, streams } from '@pangolin/domain';
import { EventStore, RecordedEvent } from '@pangolin/event-store';
import { executeCommand, LoadedStream, loadState } from '../command-executor';
import { causedBy } from '../process-managers/caused-by';
import { mapConcurrently } from '../process-managers/premium-allocation.process';
import { ProcessManager } from '../process-managers/process-manager';
import { productTermsByVersion } from './product-terms';

/** Policies settled, and recorded on the declaration, per batch (one append to the declaration's stream each). */
export const PAYOUT_BATCH_SIZE = 200;
/** Policies of a batch settled concurrently (each in its own stream). */
const SETTLEMENTS_AT_ONCE = 32;

export interface CoveredPolicy {
  policyId: string;
  householdId: string;
  productId: string;
  productVersion: number;
}

export interface DisasterPayoutReadModel {
  /** Policies of `productIds` held by households of `regionCodes` whose period overlaps the incident dates, by policy id. */
  policiesInArea(query: { productIds: string[]; regionCodes: string[]; incidentFrom: string; incidentTo: string }): Promise<CoveredPolicy[]>;
}

/**
 * Pays a confirmed disaster declaration: each policy of the insurer's parametric products held in
 * the declared area gets its claim settled (SettleParametricClaim: filed, approved and paid in its
 * policy's stream, which is what puts the payout in the ledger, the donor's view and the receipts),
 * `batchSize` policies at a time (PAYOUT_BATCH_SIZE unless configured), each batch then recorded on the declaration.
 *
 * Crash-safe and idempotent per policy: a claim's id is derived from the declaration and the
 * policy, so a redelivered confirmation (after a crash in the middle of the batches) finds the
 * policies already paid settled, reads back what they were paid, and pays only the rest; the
 * declaration records each policy once whatever batch it reappears in.
 */
export class DisasterPayoutProcess implements ProcessManager {
  readonly name = 'disaster-payouts';

  constructor(
    private readonly store: EventStore,
    private readonly readModel: DisasterPayoutReadModel,
    private readonly now: () => string = () => new Date().toISOString(),
    private readonly batchSize = PAYOUT_BATCH_SIZE,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (!isEventOfType(event, 'DisasterDeclarationConfirmed')) return;
    const { declarationId, insurerId, productIds, paymentFileReference } = event.data;
    // Read once: each batch is then decided on the state the previous one left (the stream is read
    // again only if someone else appended to it meanwhile), not on the whole stream read anew.
    let declaration: LoadedStream<DisasterState> = await loadState(this.store, disasterDecider, streams.disasterDeclaration(declarationId));
    const { state } = declaration;
    if (!state.declared) return;
    const policies = await this.readModel.policiesInArea({ productIds, regionCodes: state.regionCodes, incidentFrom: state.incidentFrom, incidentTo: state.incidentTo });
    const terms = new Map<string, Map<number, ProductTerms>>();
    for (const productId of productIds) terms.set(productId, await productTermsByVersion(this.store, productId));
    for (let first = 0, batchNumber = 1; first < policies.length; first += this.batchSize, batchNumber++) {
      const payoutReference = `${paymentFileReference}-${batchNumber}`;
      const settled = await mapConcurrently(policies.slice(first, first + this.batchSize), SETTLEMENTS_AT_ONCE, (policy) =>
        this.settle(event, state, insurerId, policy, terms.get(policy.productId)?.get(policy.productVersion), payoutReference),
      );
      const payouts = settled.filter((payout) => payout !== undefined);
      if (payouts.length === 0) continue;
      // Keyed by its policies too: should the policies of a batch differ on a retry, it is another append.
      const batchKey = deterministicId(...payouts.map(({ policyId }) => policyId));
      declaration = await this.execute(event, `batch:${batchNumber}:${batchKey}`, disasterDecider, streams.disasterDeclaration(declarationId), {
        type: 'RecordDisasterPayoutBatch',
        data: { declarationId, insurerId, batchNumber, payouts, now: this.now() },
      }, declaration);
    }
    await this.execute(event, 'complete', disasterDecider, streams.disasterDeclaration(declarationId), { type: 'CompleteDisasterPayouts', data: { declarationId, insurerId, now: this.now() } }, declaration);
  }

  /** Settles one policy's claim (or reads back its settlement); undefined if the policy pays nothing for this disaster. */
  private async settle(event: RecordedEvent, declaration: DeclaredDisaster, insurerId: string, policy: CoveredPolicy, terms: ProductTerms | undefined, payoutReference: string): Promise<DisasterPayout | undefined> {
    const benefit = terms?.parametric;
    if (!benefit) return undefined;
    const { declarationId } = declaration;
    const claimId = deterministicId('disaster-claim', declarationId, policy.policyId);
    try {
      const { state } = await this.execute(event, `settle:${policy.policyId}`, claimsDecider, streams.policy(policy.policyId), {
        type: 'SettleParametricClaim',
        data: {
          policyId: policy.policyId, claimId, declarationId, declaredBy: declaration.declaredBy, insurerId, peril: declaration.peril, severity: declaration.severity,
          incidentFrom: declaration.incidentFrom, incidentTo: declaration.incidentTo, benefit, payoutReference, now: this.now(),
        },
      });
      const claim = state.status === 'none' ? undefined : state.claims.get(claimId);
      if (!claim?.approvedAmount || !claim.payoutReference) return undefined;
      return { policyId: policy.policyId, householdId: policy.householdId, claimId, amount: claim.approvedAmount, payoutReference: claim.payoutReference };
    } catch (error) {
      // The policy is not covered after all (cancelled, no cover left, not in force on those
      // days, product of that version not covering the peril): it pays nothing, the rest go on.
      if (error instanceof Conflict) return undefined;
      throw error;
    }
  }

  private execute<C, S, E extends { type: string; data: unknown }>(event: RecordedEvent, step: string, decider: Decider<C, S, E>, streamId: string, command: C, loaded?: LoadedStream<S>) {
    return executeCommand(this.store, decider, streamId, command, causedBy(this.name, event, step), this.now, undefined, loaded);
  }
}
