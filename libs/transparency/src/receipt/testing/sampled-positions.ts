/**
 * For tamper tests: `count` distinct positions below `length` (all of them if fewer), the first and
 * the last among them, drawn from a seeded generator (mulberry32), so every run tries the same ones.
 */
export function sampledPositions(length: number, count: number, seed: number): number[] {
  if (length <= count) return [...Array(length).keys()];
  const chosen = new Set([0, length - 1]);
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  while (chosen.size < count) chosen.add(Math.floor(next() * length));
  return [...chosen].sort((a, b) => a - b);
}
