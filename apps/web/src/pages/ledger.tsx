import { useState } from 'react';
import type { Page } from '../api';
import { DataTable, Filters, Loading, Pager, SearchField, Section, useDebounced, usePages, withQuery, type Column } from '../components/common';
import { formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';

interface Balance {
  account: string;
  currency: string;
  balance: number;
}
/** A page of balances, with the total of the whole ledger. */
interface Ledger extends Page<Balance> {
  total: { currency: string; total: number }[];
}

/** Auditors and administrators: the ledger's total per currency (always zero) and every account's balance, a page at a time. */
export function LedgerPage() {
  const { t, language } = useI18n();
  const [account, setAccount] = useState('');
  const search = useDebounced(account.trim());
  const ledger = usePages<Balance, Ledger>(withQuery('/ledger', { account: search }));
  const columns: Column<Balance>[] = [
    { id: 'account', header: t('ledger.account'), rowHeader: true, cell: (line) => <code>{line.account}</code> },
    { id: 'balance', header: t('ledger.balance'), cell: (line) => formatMoney({ amount: line.balance, currency: line.currency }, language) },
  ];
  return (
    <>
      <h1>{t('ledger.title')}</h1>
      <Section title={t('ledger.total')} id="ledger-total">
        {ledger.answer ? (
          <ul>
            {ledger.answer.total.map((line) => (
              <li key={line.currency}>{t('ledger.totalLine', { currency: line.currency, total: formatMoney({ amount: line.total, currency: line.currency }, language) })}</li>
            ))}
          </ul>
        ) : (
          <Loading error={ledger.error} />
        )}
      </Section>
      <Section title={t('ledger.balances')} id="ledger-balances">
        <Filters>
          <SearchField label={t('ledger.searchAccount')} value={account} onChange={setAccount} hint={t('ledger.searchAccountHint')} maxLength={120} />
        </Filters>
        {!ledger.items ? (
          <Loading error={ledger.error} />
        ) : ledger.items.length === 0 ? (
          <p className="muted">{t('common.nothingFound')}</p>
        ) : (
          <DataTable label={t('ledger.balances')} testId="ledger-table" columns={columns} rows={ledger.items} rowKey={(line) => `${line.account} ${line.currency}`} />
        )}
        <Pager list={ledger} label={t('ledger.balances')} />
      </Section>
    </>
  );
}
