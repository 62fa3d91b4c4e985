import { InvalidCommand, Conflict } from './errors';

/**
 * Money is an integer count of the currency's minor unit (fen for CNY) with its ISO 4217 code.
 * Never a float. Amounts stay within Number.MAX_SAFE_INTEGER (9e15 fen = 90 trillion yuan).
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;

export function money(amount: number, currency: string): Money {
  return { amount, currency };
}

/** Validates a money value arriving on a command; `field` names it in the error. */
export function assertMoney(value: Money, field: string, { positive = true } = {}): void {
  if (!Number.isSafeInteger(value.amount)) throw new InvalidCommand(`${field}.amount`, 'must be an integer number of minor units (e.g. fen)');
  if (positive ? value.amount <= 0 : value.amount < 0) throw new InvalidCommand(`${field}.amount`, positive ? 'must be greater than 0' : 'must not be negative');
  if (!CURRENCY.test(value.currency)) throw new InvalidCommand(`${field}.currency`, 'must be a three-letter ISO 4217 code such as CNY');
}

export function assertSameCurrency(a: Money, b: Money, what: string): void {
  if (a.currency !== b.currency) throw new Conflict(`${what}: currency ${a.currency} does not match ${b.currency}`, 'money.currency-mismatch', { currency: a.currency, expected: b.currency });
}

/**
 * Splits `total` minor units in proportion to `weights`, exactly (largest-remainder method):
 * the parts are integers and always add up to `total`. Ties go to the earlier weight, so the
 * split is deterministic.
 */
export function splitProportionally(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (BigInt(total) * BigInt(w)));
  const parts = exact.map((e) => Number(e / BigInt(sum)));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((e, i) => ({ i, rem: e % BigInt(sum) }))
    .sort((x, y) => (y.rem > x.rem ? 1 : y.rem < x.rem ? -1 : x.i - y.i));
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    parts[i] += 1;
    left -= 1;
  }
  return parts;
}
