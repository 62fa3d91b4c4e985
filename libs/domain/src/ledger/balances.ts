import { assertBalanced, Posting } from './postings';

/**
 * Running balance of every account, per currency, folded from postings in log order.
 * Rejects an unbalanced posting, so the balances of all accounts always sum to 0 per currency.
 */
export class LedgerBalances {
  private readonly byAccount = new Map<string, Map<string, number>>();

  static of(postings: Iterable<Posting>): LedgerBalances {
    const balances = new LedgerBalances();
    for (const posting of postings) balances.apply(posting);
    return balances;
  }

  apply(posting: Posting): this {
    assertBalanced(posting);
    for (const { account, amount } of posting.entries) {
      const byCurrency = this.byAccount.get(account) ?? new Map<string, number>();
      byCurrency.set(posting.currency, (byCurrency.get(posting.currency) ?? 0) + amount);
      this.byAccount.set(account, byCurrency);
    }
    return this;
  }

  /** 0 for an account that has never moved money in `currency`. */
  balance(account: string, currency: string): number {
    return this.byAccount.get(account)?.get(currency) ?? 0;
  }

  /** account -> currency -> balance, for every account that has appeared in a posting. */
  toJSON(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.byAccount].map(([account, byCurrency]) => [account, Object.fromEntries(byCurrency)]));
  }
}
