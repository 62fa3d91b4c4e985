import type { Money } from '@pangolin/domain';

/** Sums of money kept apart per currency, listed in currency order. */
export class MoneySums {
  private readonly byCurrency = new Map<string, number>();

  add(currency: string, amount: number): this {
    this.byCurrency.set(currency, (this.byCurrency.get(currency) ?? 0) + amount);
    return this;
  }

  toList(): Money[] {
    return [...this.byCurrency.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency }));
  }
}
