/**
 * PRC resident identity numbers (GB 11643): 6-digit address code, 8-digit birth date YYYYMMDD,
 * 3-digit sequence, then a check character computed with ISO 7064 MOD 11-2 (0-9 or X for 10).
 */
const NATIONAL_ID = /^\d{17}[\dX]$/;
const FIRST_17 = /^\d{17}$/;
// Weight of position i is 2^(17-i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';
const EARLIEST_BIRTH_YEAR = 1900;

function checkCharacter(first17: string): string {
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return CHECK_CHARACTERS[sum % 11];
}

function isCalendarDate(yyyymmdd: string): boolean {
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  const parsed = Date.parse(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === iso;
}

export function isValidNationalId(id: string): boolean {
  if (!NATIONAL_ID.test(id)) return false;
  const birthDate = id.slice(6, 14);
  if (Number(birthDate.slice(0, 4)) < EARLIEST_BIRTH_YEAR || !isCalendarDate(birthDate)) return false;
  return checkCharacter(id.slice(0, 17)) === id[17];
}

/** Completes 17 digits with their check character, for demo data and tests. */
export function nationalIdWithChecksum(first17: string): string {
  if (!FIRST_17.test(first17)) throw new Error(`nationalIdWithChecksum needs exactly 17 digits, got "${first17}"`);
  return first17 + checkCharacter(first17);
}
