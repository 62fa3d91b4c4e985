import { InvalidCommand } from './errors';

/**
 * China's administrative division codes: 2 digits province, 4 prefecture, 6 county (GB/T 2260),
 * 9 township/town, 12 village (statistical division code). A region contains every longer code
 * that starts with its code, so "440305" contains "440305001001".
 */
export type RegionLevel = 'province' | 'prefecture' | 'county' | 'town' | 'village';

const LEVEL_BY_LENGTH: Record<number, RegionLevel> = { 2: 'province', 4: 'prefecture', 6: 'county', 9: 'town', 12: 'village' };

export function regionLevel(code: string): RegionLevel | undefined {
  return /^\d+$/.test(code) ? LEVEL_BY_LENGTH[code.length] : undefined;
}

export function assertRegionCode(code: string, field: string, level?: RegionLevel): void {
  const actual = regionLevel(code);
  if (!actual) throw new InvalidCommand(field, 'must be an administrative division code of 2, 4, 6, 9 or 12 digits');
  if (level && actual !== level) throw new InvalidCommand(field, `must be a ${level} code (${Object.entries(LEVEL_BY_LENGTH).find(([, l]) => l === level)![0]} digits)`);
}

export function regionContains(region: string, code: string): boolean {
  return code.startsWith(region);
}

/** The county (6), town (9) and village (12) codes a village code rolls up into, broadest first. */
export function ancestry(villageCode: string): { county: string; town: string; village: string } {
  return { county: villageCode.slice(0, 6), town: villageCode.slice(0, 9), village: villageCode };
}
