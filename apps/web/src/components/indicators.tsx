import { formatBasisPoints, formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';
import { LineChart } from './charts';
import { DataTable, Loading, Section, Stat, useApi, type Column } from './common';

interface MonthlyIndicators {
  month: string;
  money: { currency: string; earnedPremium: number; claimsIncurred: number; incurredClaimsRatioBasisPoints: number | null }[];
  renewalRatioBasisPoints: number | null;
  claimsSettled: number;
  claimsSettledOnTime: number;
  settlementPromptnessBasisPoints: number | null;
  meanDaysToPayment: number | null;
  coverageRateBasisPoints: number | null;
}
interface Indicators {
  months: MonthlyIndicators[];
  /** The insurer's own share of claims settled on time (its answer only). */
  promptness?: { claimsSettledOnTime: number; claimsSettled: number; claimsOverdue: number; shareOnTimeBasisPoints: number | null };
}

/**
 * The monthly indicators (GET /insurer/indicators, /government/indicators): settlement promptness
 * as a line, and every figure of every month in the table below it, which is the chart's text
 * alternative.
 */
export function IndicatorsSection({ path }: { path: string }) {
  const { t, language } = useI18n();
  const indicators = useApi<Indicators>(path);
  const columns: Column<MonthlyIndicators>[] = [
    { id: 'month', header: t('indicators.month'), rowHeader: true, cell: (month) => month.month },
    { id: 'earned', header: t('indicators.earnedPremium'), cell: (month) => (month.money.length ? month.money.map((money) => formatMoney({ amount: money.earnedPremium, currency: money.currency }, language)).join(' · ') : '—') },
    { id: 'icr', header: t('indicators.incurredClaimsRatio'), cell: (month) => (month.money.length ? month.money.map((money) => formatBasisPoints(money.incurredClaimsRatioBasisPoints, language)).join(' · ') : '—') },
    { id: 'renewal', header: t('indicators.renewalRatio'), cell: (month) => formatBasisPoints(month.renewalRatioBasisPoints, language) },
    { id: 'promptness', header: t('indicators.promptness'), cell: (month) => `${formatBasisPoints(month.settlementPromptnessBasisPoints, language)} (${month.claimsSettledOnTime}/${month.claimsSettled})` },
    { id: 'days', header: t('indicators.meanDaysToPayment'), cell: (month) => month.meanDaysToPayment ?? '—' },
    { id: 'coverage', header: t('indicators.coverageRate'), cell: (month) => formatBasisPoints(month.coverageRateBasisPoints, language) },
  ];
  return (
    <Section title={t('indicators.title')} id="indicators">
      {indicators.data ? (
        <>
          {indicators.data.promptness && (
            <div className="stats">
              <Stat
                label={t('indicators.shareOnTime')}
                value={`${formatBasisPoints(indicators.data.promptness.shareOnTimeBasisPoints, language)} (${indicators.data.promptness.claimsSettledOnTime}/${indicators.data.promptness.claimsSettled + indicators.data.promptness.claimsOverdue})`}
                testId="share-on-time"
              />
              <Stat label={t('indicators.overdue')} value={indicators.data.promptness.claimsOverdue} testId="claims-overdue" />
            </div>
          )}
          <LineChart
            title={t('indicators.promptnessChart')}
            emptyText={t('indicators.nothingSettled')}
            points={indicators.data.months.map((month) => ({ label: month.month, value: month.settlementPromptnessBasisPoints, text: formatBasisPoints(month.settlementPromptnessBasisPoints, language) }))}
          />
          <DataTable label={t('indicators.table')} caption={t('indicators.table')} testId="indicators-table" columns={columns} rows={indicators.data.months} rowKey={(month) => month.month} />
        </>
      ) : (
        <Loading error={indicators.error} />
      )}
    </Section>
  );
}
