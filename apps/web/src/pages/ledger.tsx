import type { Page } from '../api';
import { Loading, MoreButton, Section, TableWrap, usePagedList } from '../components/common';
import { formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

interface Balance {
  account: string;
  currency: string;
  balance: number;
}
/** A page of balances, with the total of the whole ledger. */
interface Ledger extends Page<Balance> {
  total: { currency: string; total: number }[];
}

/** Auditors and administrators: the ledger's total per currency (always zero) and every account's balance. */
export function LedgerPage() {
  const { t, language } = useI18n();
  const { get } = useSession();
  const ledger = usePagedList<Balance, Ledger>(get, '/ledger');
  if (!ledger.answer) return <Loading error={ledger.error} />;
  return (
    <>
      <h1>{t('ledger.title')}</h1>
      <Section title={t('ledger.total')} id="ledger-total">
        <ul>
          {ledger.answer.total.map((line) => (
            <li key={line.currency}>{t('ledger.totalLine', { currency: line.currency, total: formatMoney({ amount: line.total, currency: line.currency }, language) })}</li>
          ))}
        </ul>
      </Section>
      <Section title={t('ledger.balances')} id="ledger-balances">
        <TableWrap label={t('ledger.balances')}>
          <thead>
            <tr>
              <th scope="col">{t('ledger.account')}</th>
              <th scope="col">{t('ledger.balance')}</th>
            </tr>
          </thead>
          <tbody>
            {ledger.answer.items.map((line) => (
              <tr key={`${line.account}-${line.currency}`}>
                <th scope="row">
                  <code>{line.account}</code>
                </th>
                <td>{formatMoney({ amount: line.balance, currency: line.currency }, language)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
        <MoreButton more={ledger.more} />
      </Section>
    </>
  );
}
