import { Decider } from '../shared/decider';
import { Conflict, InvalidCommand } from '../shared/errors';

/**
 * A policy number names one policy of its insurer. Each (insurer, policy number) has a stream of its
 * own (streams.policyNumber) holding which policy it was given to, so a second policy with the same
 * number is refused by every event store alike, before the policy is issued. Another insurer may
 * use the same number: numbering is each insurer's own.
 */
export type PolicyNumberEvent = { type: 'PolicyNumberReserved'; data: { insurerId: string; policyNumber: string; policyId: string; householdId: string; reservedAt: string } };

export type ReservePolicyNumber = { type: 'ReservePolicyNumber'; data: { insurerId: string; policyNumber: string; policyId: string; householdId: string; now: string } };

export type PolicyNumberState = { reservedFor: { policyId: string; householdId: string } | null };

export const policyNumberDecider: Decider<ReservePolicyNumber, PolicyNumberState, PolicyNumberEvent> = {
  decide({ data: { insurerId, policyNumber, policyId, householdId, now } }, { reservedFor }) {
    if (policyNumber.trim() === '') throw new InvalidCommand('policyNumber', 'must not be empty');
    // The same policy again (a retried issue) keeps its number.
    if (reservedFor?.policyId === policyId) return [];
    if (reservedFor !== null) {
      throw new Conflict(`policy number ${policyNumber} is already given to policy ${reservedFor.policyId} of household ${reservedFor.householdId}; each policy of an insurer needs its own number`, 'policy.number-taken', { policyNumber });
    }
    return [{ type: 'PolicyNumberReserved', data: { insurerId, policyNumber, policyId, householdId, reservedAt: now } }];
  },
  evolve: (_, { data: { policyId, householdId } }) => ({ reservedFor: { policyId, householdId } }),
  initialState: () => ({ reservedFor: null }),
};
