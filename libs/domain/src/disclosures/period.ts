import { assertIsoDate } from '../shared/dates';
import { InvalidCommand } from '../shared/errors';

/**
 * A disclosure's period: calendar days in China Standard Time (Asia/Shanghai, UTC+8 all year, no
 * daylight saving), both ends included. `label` names a quarter (`2026-Q4`) when it is one.
 */
export interface DisclosurePeriod {
  from: string;
  to: string;
  label: string | null;
}

const CST_OFFSET_MS = 8 * 3_600_000;
const QUARTER = /^(\d{4})-Q([1-4])$/;
/** The longest range one report covers (about ten years of days). */
const MAX_DAYS = 3_700;

/** The China Standard Time calendar day of an ISO-8601 instant. */
export function chinaDateOf(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 instant: ${instant}`);
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first instant of a China Standard Time calendar day, as toISOString writes it (`2026-09-30T16:00:00.000Z`). */
export function chinaDayStart(chinaDate: string): string {
  return new Date(Date.parse(`${chinaDate}T00:00:00Z`) - CST_OFFSET_MS).toISOString();
}

/**
 * Where an instant falls against a period: 'before', 'in' or 'after'. An instant written as
 * toISOString writes it (every recorded time is) is compared as text with the period's bounds;
 * any other form is parsed.
 */
export function placeInPeriod(instant: string, bounds: { start: string; end: string }): 'before' | 'in' | 'after' {
  const canonical = instant.length === 24 && instant.charCodeAt(23) === 90 /* Z */ && instant.charCodeAt(10) === 84 /* T */;
  const at = canonical ? instant : new Date(Date.parse(instant)).toISOString();
  return at < bounds.start ? 'before' : at < bounds.end ? 'in' : 'after';
}

/** The instants a period runs over: from the start of its first day to the start of the day after its last (China Standard Time). */
export function periodBounds(period: Pick<DisclosurePeriod, 'from' | 'to'>): { start: string; end: string } {
  const dayAfter = new Date(Date.parse(`${period.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start: chinaDayStart(period.from), end: chinaDayStart(dayAfter) };
}

/** The quarter (e.g. `2026-Q4`) holding a China Standard Time calendar day. */
export function quarterOf(chinaDate: string): string {
  return `${chinaDate.slice(0, 4)}-Q${Math.floor((Number(chinaDate.slice(5, 7)) - 1) / 3) + 1}`;
}

/** `2026-Q4` as its days, 2026-10-01 to 2026-12-31; 400 naming `field` otherwise. */
export function quarterPeriod(quarter: string, field = 'quarter'): DisclosurePeriod {
  const match = QUARTER.exec(quarter);
  if (!match) throw new InvalidCommand(field, 'must be a quarter in the form YYYY-Q1 to YYYY-Q4');
  const [year, q] = [Number(match[1]), Number(match[2])];
  const firstMonth = (q - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(year, firstMonth + 2, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(firstMonth + 2)}-${pad(lastDay)}`, label: quarter };
}

/** Either a quarter, or a `from`-`to` range of calendar-valid days (from not after to); 400 naming the field. */
export function disclosurePeriod(input: { quarter?: string; from?: string; to?: string }): DisclosurePeriod {
  if (input.quarter !== undefined) {
    if (input.from !== undefined || input.to !== undefined) throw new InvalidCommand('quarter', 'must not be given with from and to');
    return quarterPeriod(input.quarter);
  }
  if (input.from === undefined) throw new InvalidCommand('from', 'is required unless quarter is given');
  if (input.to === undefined) throw new InvalidCommand('to', 'is required unless quarter is given');
  assertIsoDate(input.from, 'from');
  assertIsoDate(input.to, 'to');
  if (input.to < input.from) throw new InvalidCommand('to', 'must not be before from');
  if ((Date.parse(input.to) - Date.parse(input.from)) / 86_400_000 > MAX_DAYS) throw new InvalidCommand('to', `must be at most ${MAX_DAYS} days after from`);
  const asQuarter = quarterPeriod(quarterOf(input.from));
  return { from: input.from, to: input.to, label: asQuarter.from === input.from && asQuarter.to === input.to ? asQuarter.label : null };
}
