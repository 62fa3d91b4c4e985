import type { Money } from './api';

/** Minor units per major unit: every currency the platform uses has two decimals (fen, cents). */
const MINOR_PER_MAJOR = 100;

export function formatMoney(money: Money | undefined, locale: string): string {
  if (!money) return '—';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency, minimumFractionDigits: 2 }).format(money.amount / MINOR_PER_MAJOR);
}

/** The first amount of a per-currency list, or zero CNY. */
export function firstOrZero(list: Money[] | undefined): Money {
  return list?.[0] ?? { amount: 0, currency: 'CNY' };
}

/** "50", "50.5" or "50.25" yuan typed in a form, to integer fen without going through a float; undefined for anything else. */
export function parseMajorUnits(text: string): number | undefined {
  const match = /^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * MINOR_PER_MAJOR + Number((match[2] ?? '').padEnd(2, '0'));
}

export function majorUnitsText(minorUnits: number): string {
  const whole = Math.floor(minorUnits / MINOR_PER_MAJOR);
  const cents = minorUnits % MINOR_PER_MAJOR;
  return cents ? `${whole}.${String(cents).padStart(2, '0')}` : String(whole);
}

export function formatBasisPoints(basisPoints: number | null | undefined, locale: string): string {
  if (basisPoints === null || basisPoints === undefined) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(basisPoints / 10_000);
}

export function formatDate(timestamp: string | null | undefined, locale: string): string {
  if (!timestamp) return '—';
  const date = new Date(timestamp.length === 10 ? `${timestamp}T00:00:00Z` : timestamp);
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(date);
}

/** A moment (an ISO timestamp) as a date and time of day, in the browser's time zone. */
export function formatDateTime(timestamp: string | null | undefined, locale: string): string {
  if (!timestamp) return '—';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(timestamp));
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
