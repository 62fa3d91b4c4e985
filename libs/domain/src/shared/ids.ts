import { sha256, toHex } from './sha256';

/**
 * A name-based UUID (RFC 9562 version 8 layout over SHA-256): the same name always gives the same
 * id. Used where an id must be known before the thing exists (a funding round's policy) and for
 * event ids of effects that may be retried, so that a retry is recognised as the same event.
 */
export function deterministicId(...parts: string[]): string {
  const h = sha256(parts.join('\u001f'));
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = toHex(h.subarray(0, 16));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The policy that funding round `round` of (household, product) will become. */
export function policyIdFor(householdId: string, productId: string, round: number): string {
  return deterministicId('policy', householdId, productId, String(round));
}
