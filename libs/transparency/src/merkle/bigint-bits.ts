/** Bit arithmetic on bigint tree sizes and indices, which may exceed 2^53. */

/** Number of bits needed to write `value` (0 for 0), like Go's bits.Len64. */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** Number of set bits, like Go's bits.OnesCount64. */
export function countOnes(value: bigint): number {
  let ones = 0;
  for (const digit of value.toString(2)) if (digit === '1') ones++;
  return ones;
}

/** Number of trailing zero bits of a positive value, like Go's bits.TrailingZeros64. */
export function trailingZeros(value: bigint): number {
  let zeros = 0;
  while (((value >> BigInt(zeros)) & 1n) === 0n) zeros++;
  return zeros;
}

/** The largest power of two strictly smaller than `value` (value >= 2): RFC 6962's split point k. */
export function largestPowerOfTwoBelow(value: bigint): bigint {
  return 1n << BigInt(bitLength(value - 1n) - 1);
}
