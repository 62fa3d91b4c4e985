import type { EntityManager } from 'typeorm';
import { applyKeyset, decodeCursor, keysetPage, listOrder, mapPage, Page, pageOf, PageRequest, startsWithIndexed } from '../shared/paging';
import { LedgerEntryRow } from './ledger-entry.entity';
import { LedgerPostingGiftRow } from './ledger-posting-gift.entity';
import { LedgerTotalRow } from './ledger-total.entity';

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

/** Sum of all entries per currency, as the ledger projection keeps it. Every posting balances, so each total must be 0. */
export async function ledgerTotal(manager: EntityManager): Promise<CurrencyTotal[]> {
  const rows = await manager.find(LedgerTotalRow, { order: { currency: 'ASC' } });
  return rows.map(({ currency, total }) => ({ currency, total }));
}

/** Balances by account, then currency. */
export const ACCOUNT_BALANCES = listOrder('balances', [['e.account', 'text'], ['e.currency', 'text']]);

/**
 * One page of account balances (e.g. `escrow:gift:<id>`), optionally only of accounts starting with
 * `accountPrefix`. The database sums each account's entries as it walks the (account, currency)
 * index, and stops after the page.
 */
export async function accountBalances(manager: EntityManager, filter: { accountPrefix?: string }, page: PageRequest): Promise<Page<AccountBalance>> {
  const query = manager
    .createQueryBuilder(LedgerEntryRow, 'e')
    .select('e.account', 'account')
    .addSelect('e.currency', 'currency')
    .addSelect('SUM(e.amount)', 'balance')
    .groupBy('e.account')
    .addGroupBy('e.currency');
  if (filter.accountPrefix) query.where(...startsWithIndexed(manager, 'e.account', filter.accountPrefix));
  applyKeyset(query, ACCOUNT_BALANCES, page.cursor === undefined ? undefined : decodeCursor(ACCOUNT_BALANCES, page.cursor));
  const rows = await query.limit(page.limit + 1).getRawMany<{ account: string; currency: string; balance: number | string }>();
  return mapPage(
    pageOf(rows, ACCOUNT_BALANCES, page.limit, (row) => [row.account, row.currency]),
    (row) => ({ account: row.account, currency: row.currency, balance: Number(row.balance) }),
  );
}

/** A gift's entries in log order. */
export const GIFT_ENTRIES = listOrder('gift-entries', [['g.position', 'position'], ['g.postingId', 'text'], ['e.line', 'position']]);

/** One page of the entries of every posting that moves the gift's money, in log order. */
export async function entriesForGift(manager: EntityManager, giftId: string, page: PageRequest): Promise<Page<LedgerEntryView>> {
  const query = manager
    .createQueryBuilder(LedgerEntryRow, 'e')
    .innerJoin(LedgerPostingGiftRow, 'g', 'g.postingId = e.postingId')
    .where('g.giftId = :giftId', { giftId });
  const rows = await keysetPage(query, GIFT_ENTRIES, page, (row) => [row.position.toString(), row.postingId, String(row.line)]);
  return mapPage(rows, (row) => ({
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
