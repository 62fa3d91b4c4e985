/** floor(numerator / denominator * 10 000) in integer arithmetic; null when the denominator is 0. */
export function basisPoints(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Number((BigInt(numerator) * 10_000n) / BigInt(denominator));
}
