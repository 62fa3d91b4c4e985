import { Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import type { RequestedPolicy, PolicyState } from './policy.decider';

/** Checks shared by the policy and claims deciders (not part of the domain's public API). */

export function existingPolicy(policyId: string, state: PolicyState): RequestedPolicy {
  if (state.status === 'none') throw new NotFound(`policy ${policyId}`);
  return state;
}

export function assertInsurerOfRecord(policy: RequestedPolicy, insurerId: string): void {
  if (insurerId !== policy.insurerId) throw new Forbidden(`policy ${policy.policyId} belongs to another insurer`, 'policy.other-insurer');
}

export function assertWholeNumber(value: number, field: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) throw new InvalidCommand(field, `must be a whole number from ${minimum}`);
}

export function assertText(value: string, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidCommand(field, 'must not be empty');
}
