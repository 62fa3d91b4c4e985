import type { EntityManager } from 'typeorm';
import { LedgerEntryRow } from './ledger-entry.entity';

export interface CurrencyTotal {
  currency: string;
  /** Sum of every entry: 0 in a sound ledger. */
  total: number;
}

export interface AccountBalance {
  account: string;
  currency: string;
  balance: number;
}

export interface LedgerEntryView {
  postingId: string;
  line: number;
  account: string;
  amount: number;
  currency: string;
  giftIds: string[];
  eventId: string;
  /** Decimal string of the event's global position. */
  position: string;
}

/** Sum of all entries per currency. Every posting balances, so each total must be 0. */
export async function ledgerTotal(manager: EntityManager): Promise<CurrencyTotal[]> {
  const rows = await manager
    .createQueryBuilder(LedgerEntryRow, 'e')
    .select('e.currency', 'currency')
    .addSelect('SUM(e.amount)', 'total')
    .groupBy('e.currency')
    .orderBy('e.currency', 'ASC')
    .getRawMany<{ currency: string; total: number | string }>();
  return rows.map((row) => ({ currency: row.currency, total: Number(row.total) }));
}

/** Balance of every account (e.g. `escrow:gift:<id>`), optionally only accounts starting with `accountPrefix`. */
export async function accountBalances(manager: EntityManager, filter: { accountPrefix?: string } = {}): Promise<AccountBalance[]> {
  const query = manager
    .createQueryBuilder(LedgerEntryRow, 'e')
    .select('e.account', 'account')
    .addSelect('e.currency', 'currency')
    .addSelect('SUM(e.amount)', 'balance')
    .groupBy('e.account')
    .addGroupBy('e.currency')
    .orderBy('e.account', 'ASC')
    .addOrderBy('e.currency', 'ASC');
  if (filter.accountPrefix) query.where('e.account LIKE :prefix', { prefix: `${filter.accountPrefix}%` });
  const rows = await query.getRawMany<{ account: string; currency: string; balance: number | string }>();
  return rows.map((row) => ({ account: row.account, currency: row.currency, balance: Number(row.balance) }));
}

/** Every entry of every posting that moves the gift's money, in log order. */
export async function entriesForGift(manager: EntityManager, giftId: string): Promise<LedgerEntryView[]> {
  // giftIds is JSON text: LIKE narrows the rows, the parsed list decides.
  const rows = await manager
    .createQueryBuilder(LedgerEntryRow, 'e')
    .where('e.giftIds LIKE :pattern', { pattern: `%${JSON.stringify(giftId)}%` })
    .orderBy('e.position', 'ASC')
    .addOrderBy('e.postingId', 'ASC')
    .addOrderBy('e.line', 'ASC')
    .getMany();
  return rows
    .filter((row) => row.giftIds.includes(giftId))
    .map((row) => ({
      postingId: row.postingId,
      line: row.line,
      account: row.account,
      amount: row.amount,
      currency: row.currency,
      giftIds: row.giftIds,
      eventId: row.eventId,
      position: row.position.toString(),
    }));
}
