import { hash } from 'node:crypto';

/**
 * The pseudonymous code the platform shows for a household (HH- and 8 hex digits), derived from its
 * id as the domain derives it (libs/domain householdCodeFor: the first 4 bytes of the SHA-256 of
 * "household-code", a unit separator and the id). Written here again so the verifier stands on this
 * library alone; apps/verifier's household-code spec checks the two agree.
 */
export function householdCodeOf(householdId: string): string {
  return `HH-${hash('sha256', `household-code\u001f${householdId}`, 'hex').slice(0, 8).toUpperCase()}`;
}
