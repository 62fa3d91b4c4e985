import { deterministicId } from '../shared/ids';

/** The public, pseudonymous code of a household: derived from its random id, never from personal data. */
export function householdCodeFor(householdId: string): string {
  return `HH-${deterministicId('household-code', householdId).slice(0, 8).toUpperCase()}`;
}
