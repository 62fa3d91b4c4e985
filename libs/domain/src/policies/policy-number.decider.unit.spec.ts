import { Conflict, InvalidCommand } from '../shared/errors';
import { deciderSpecification } from '../shared/decider-specification';
import { streams } from '../events';
import { policyNumberDecider } from './policy-number.decider';

const spec = deciderSpecification(policyNumberDecider);
const now = '2026-11-24T08:00:00.000Z';
const reserved = (policyId: string, householdId: string) => ({ type: 'PolicyNumberReserved' as const, data: { insurerId: 'ins-1', policyNumber: 'PN-1', policyId, householdId, reservedAt: now } });
const reserve = (policyId: string, householdId: string, policyNumber = 'PN-1') => ({ type: 'ReservePolicyNumber' as const, data: { insurerId: 'ins-1', policyNumber, policyId, householdId, now } });

describe('policy number', () => {
  it('is reserved for the first policy its insurer gives it', () => spec.given([]).when(reserve('policy-1', 'hh-1')).then([reserved('policy-1', 'hh-1')]));

  it('stays with its policy when the same policy is issued again (a retry)', () => spec.given([reserved('policy-1', 'hh-1')]).when(reserve('policy-1', 'hh-1')).thenNothingHappens());

  it('cannot be given to a second household', () =>
    spec.given([reserved('policy-1', 'hh-1')]).when(reserve('policy-2', 'hh-2')).thenThrows(Conflict, /policy number PN-1 is already given to policy policy-1 of household hh-1/));

  it('must not be blank', () => spec.given([]).when(reserve('policy-1', 'hh-1', ' ')).thenThrows(InvalidCommand, /^policyNumber/));

  it('is numbered per insurer: another insurer has a stream of its own for the same number', () => {
    expect(streams.policyNumber('ins-1', 'PN-1')).not.toBe(streams.policyNumber('ins-2', 'PN-1'));
    expect(streams.policyNumber('ins-1', 'PN-1')).toBe(streams.policyNumber('ins-1', 'PN-1'));
  });
});
