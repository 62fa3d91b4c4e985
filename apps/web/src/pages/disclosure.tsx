import { useState } from 'react';
import { DataTable, Filters, Loading, Pager, Section, Stat, useApi, usePages, withQuery, type Column } from '../components/common';
import { SelectField } from '../components/form';
import { formatDate } from '../format';
import { useI18n } from '../i18n/i18n';
import { useRegionNames } from '../components/regions';
import type { DisclosureEvent, DisclosureMoney, RegionCoverage } from '@pangolin/domain';

/** A report as GET /disclosures/:id answers it: the published event's data, with where to check it. */
export type DisclosureReport = Omit<DisclosureEvent['data'], 'checkpoint'> & { latest: boolean; checkpoint: DisclosureEvent['data']['checkpoint'] & { url: string } };

/** Minor units as yuan with two decimals, grouped, from the integer (never through a float), so the page shows the ledger's figures to the fen. */
export function exactMoney(fen: number, currency: string, locale: string): string {
  const sign = fen < 0 ? '-' : '';
  const abs = BigInt(Math.abs(fen));
  const symbol = currency === 'CNY' ? '¥' : `${currency} `;
  return `${sign}${symbol}${(abs / 100n).toLocaleString(locale)}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Basis points as a percentage with two decimals, from the integer. */
function exactPercent(basisPoints: number): string {
  return `${Math.floor(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}%`;
}

type MoneyRow = { key: string; label: string; values: string[] };

/** A published disclosure report, printable (print styles hide the navigation and the buttons). */
export function DisclosurePage({ reportId, version }: { reportId: string; version?: string }) {
  const { t, language } = useI18n();
  const path = `/disclosures/${encodeURIComponent(reportId)}${version ? `?version=${encodeURIComponent(version)}` : ''}`;
  const answer = useApi<DisclosureReport>(path);
  const regionName = useRegionNames([...(answer.data?.figures.households.byRegion ?? []).map((row) => row.regionCode), answer.data?.figures.scope.regionCode]);
  if (!answer.data) return <Loading error={answer.error} />;
  const report = answer.data;
  const { figures } = report;
  const money = figures.money;
  const text = (pick: (row: DisclosureMoney) => number) => money.map((row) => exactMoney(pick(row), row.currency, language));
  const moneyRows: MoneyRow[] = [
    { key: 'pledged', label: t('disclosure.pledged'), values: text((m) => m.pledged) },
    { key: 'pledgesLapsed', label: t('disclosure.pledgesLapsed'), values: text((m) => m.pledgesLapsed) },
    { key: 'received', label: t('disclosure.received'), values: text((m) => m.received) },
    { key: 'allocatedToPremiums', label: t('disclosure.allocatedToPremiums'), values: text((m) => m.allocatedToPremiums) },
    { key: 'paidToInsurers', label: t('disclosure.paidToInsurers'), values: text((m) => m.paidToInsurers) },
    { key: 'premiumRefundsCredited', label: t('disclosure.premiumRefundsCredited'), values: text((m) => m.premiumRefundsCredited) },
    { key: 'refunded', label: t('disclosure.refunded'), values: text((m) => m.refunded) },
    { key: 'claimsPaid', label: t('disclosure.claimsPaid'), values: text((m) => m.claimsPaid.amount) },
    { key: 'overhead', label: t('disclosure.overhead'), values: text((m) => m.overhead) },
    { key: 'awaitingPolicyIssue', label: t('disclosure.awaitingPolicyIssue'), values: text((m) => m.awaitingPolicyIssue) },
    { key: 'held', label: t('disclosure.held'), values: text((m) => m.held.total) },
    { key: 'keptForNextPremium', label: t('disclosure.keptForNextPremium'), values: text((m) => m.held.keptForNextPremium) },
    { key: 'toBeRefunded', label: t('disclosure.toBeRefunded'), values: text((m) => m.held.toBeRefunded) },
  ];
  const moneyColumns: Column<MoneyRow>[] = [
    { id: 'figure', header: t('disclosure.figure'), rowHeader: true, cell: (row) => row.label },
    ...money.map((row, i) => ({ id: row.currency, header: row.currency, cell: (entry: MoneyRow) => <span data-figure={entry.key}>{entry.values[i]}</span> })),
  ];
  const perils = money.flatMap((row) => row.claimsPaid.byPeril.map((peril) => ({ ...peril, currency: row.currency })));
  const perilName = (peril: string) => {
    const claimKind = t(`claimKind.${peril}` as 'claimKind.other');
    return claimKind.startsWith('claimKind.') ? t(`peril.${peril}` as 'peril.flood') : claimKind;
  };
  const perilColumns: Column<(typeof perils)[number]>[] = [
    { id: 'peril', header: t('disclosure.peril'), rowHeader: true, cell: (row) => perilName(row.peril) },
    { id: 'count', header: t('disclosure.count'), cell: (row) => row.count },
    { id: 'amount', header: t('disclosure.amount'), cell: (row) => exactMoney(row.amount, row.currency, language) },
  ];
  const households = figures.households;
  const regionColumns: Column<RegionCoverage>[] = [
    { id: 'region', header: t('disclosure.region'), rowHeader: true, cell: (row) => regionName(row.regionCode) },
    { id: 'eligible', header: t('disclosure.eligible'), cell: (row) => row.eligible },
    { id: 'covered', header: t('disclosure.covered'), cell: (row) => row.covered },
    { id: 'uncovered', header: t('disclosure.uncovered'), cell: (row) => row.uncovered },
    { id: 'rate', header: t('disclosure.coverageRate'), cell: (row) => exactPercent(row.coverageRateBasisPoints) },
  ];
  const scopeName = report.scope.kind === 'platform' ? t('disclosure.platform') : `${figures.scope.name ?? report.scope.programmeId} (${regionName(figures.scope.regionCode)})`;
  const period = report.period.label ? `${report.period.label} (${report.period.from} – ${report.period.to})` : `${report.period.from} – ${report.period.to}`;
  const csv = (lang: string) => `/disclosures/${report.reportId}?version=${report.version}&format=csv&lang=${lang}`;

  return (
    <article className="disclosure" data-testid="disclosure-report">
      <h1>{t('disclosure.title', { scope: scopeName })}</h1>
      <p className="lead">{t('disclosure.period', { period })}</p>
      <div className="stats">
        <Stat label={t('disclosure.version')} value={report.version} testId="disclosure-version" />
        <Stat label={t('disclosure.publishedAt')} value={formatDate(report.publishedAt, language)} />
        <Stat label={t('disclosure.checkpointSize')} value={report.checkpoint.size} testId="disclosure-checkpoint" />
      </div>
      {report.correctionNote !== null && (
        <p className="correction" role="note">
          <strong>{t('disclosure.correction', { version: report.version })}</strong> {report.correctionNote}
        </p>
      )}
      {!report.latest && <p className="correction" role="note">{t('disclosure.superseded')} <a href={`#/disclosure/${report.reportId}`}>{t('disclosure.latestVersion')}</a></p>}
      <p className="no-print actions">
        <button type="button" onClick={() => window.print()}>
          {t('disclosure.print')}
        </button>{' '}
        <a className="button secondary" href={csv(language)} download>
          {t('disclosure.csv')}
        </a>{' '}
        <a className="button secondary" href={csv('both')} download>
          {t('disclosure.csvBoth')}
        </a>{' '}
        <a className="button secondary" href={`/disclosures/${report.reportId}?version=${report.version}`}>
          JSON
        </a>
      </p>
      <Section title={t('disclosure.money')} id="disclosure-money">
        <DataTable label={t('disclosure.money')} testId="disclosure-money" columns={moneyColumns} rows={moneyRows} rowKey={(row) => row.key} />
        <p className="muted">{t('disclosure.overheadNote')}</p>
      </Section>
      <Section title={t('disclosure.claims')} id="disclosure-claims">
        <div className="stats">
          {money.map((row) => (
            <Stat key={row.currency} label={t('disclosure.claimsCount', { currency: row.currency })} value={row.claimsPaid.count} />
          ))}
        </div>
        {perils.length > 0 ? <DataTable label={t('disclosure.claims')} columns={perilColumns} rows={perils} rowKey={(row) => `${row.currency}:${row.peril}`} /> : <p className="muted">{t('disclosure.noClaims')}</p>}
      </Section>
      <Section title={t('disclosure.households')} id="disclosure-households">
        <div className="stats">
          <Stat label={t('disclosure.eligible')} value={households.eligible} />
          <Stat label={t('disclosure.covered')} value={households.covered} />
          <Stat label={t('disclosure.uncovered')} value={households.uncoveredEligible} testId="disclosure-uncovered" />
          <Stat label={t('disclosure.coverageRate')} value={exactPercent(households.coverageRateBasisPoints)} />
          <Stat label={t('disclosure.coveredByTheseGifts')} value={households.coveredByTheseGifts} />
        </div>
        <DataTable label={t('disclosure.byRegion')} columns={regionColumns} rows={households.byRegion} rowKey={(row) => row.regionCode} />
        <p className="muted">{t('disclosure.householdsNote')}</p>
      </Section>
      <Section title={t('disclosure.heldTitle')} id="disclosure-held">
        <p>{t('disclosure.heldPolicy')}</p>
      </Section>
      <Section title={t('disclosure.verifyTitle')} id="disclosure-verify">
        <p>{t('disclosure.verify', { size: report.checkpoint.size })}</p>
        <p className="mono">
          {t('disclosure.root')}: {report.checkpoint.rootHash}
        </p>
        <p className="no-print">
          <a href={report.checkpoint.url}>{t('disclosure.checkpointLink')}</a>
        </p>
      </Section>
      <Versions reportId={report.reportId} />
    </article>
  );
}

function Versions({ reportId }: { reportId: string }) {
  const { t, language } = useI18n();
  const versions = usePages<DisclosureReport>(`/disclosures?reportId=${encodeURIComponent(reportId)}`);
  const columns: Column<DisclosureReport>[] = [
    { id: 'version', header: t('disclosure.version'), rowHeader: true, cell: (row) => <a href={`#/disclosure/${row.reportId}/${row.version}`}>{row.version}</a> },
    { id: 'published', header: t('disclosure.publishedAt'), cell: (row) => formatDate(row.publishedAt, language) },
    { id: 'checkpoint', header: t('disclosure.checkpointSize'), cell: (row) => row.checkpoint.size },
    { id: 'note', header: t('disclosure.correctionNote'), cell: (row) => row.correctionNote ?? '—' },
  ];
  return (
    <Section title={t('disclosure.versions')} id="disclosure-versions">
      {versions.items ? <DataTable label={t('disclosure.versions')} columns={columns} rows={versions.items} rowKey={(row) => String(row.version)} /> : <Loading error={versions.error} />}
      <Pager list={versions} label={t('disclosure.versions')} />
    </Section>
  );
}

/** The latest version of every published report, newest first (on the public page); all of them, or the platform's only. */
export function DisclosureList() {
  const { t } = useI18n();
  const [platform, setPlatform] = useState('');
  const reports = usePages<DisclosureReport>(withQuery('/disclosures', { platform }));
  const columns: Column<DisclosureReport>[] = [
    { id: 'scope', header: t('disclosure.scope'), rowHeader: true, cell: (row) => <a href={`#/disclosure/${row.reportId}`}>{row.scope.kind === 'platform' ? t('disclosure.platform') : row.figures.scope.name ?? row.scope.programmeId}</a> },
    { id: 'period', header: t('disclosure.periodHeader'), cell: (row) => row.period.label ?? `${row.period.from} – ${row.period.to}` },
    { id: 'version', header: t('disclosure.version'), cell: (row) => row.version },
  ];
  return (
    <Section title={t('disclosure.reports')} id="public-disclosures">
      <Filters>
        <SelectField
          label={t('disclosure.scope')}
          value={platform}
          onChange={setPlatform}
          options={[
            { value: '', label: t('common.any') },
            { value: 'true', label: t('disclosure.platform') },
          ]}
        />
      </Filters>
      {reports.items ? <DataTable label={t('disclosure.reports')} testId="disclosures-table" columns={columns} rows={reports.items} rowKey={(row) => row.reportId} /> : <Loading error={reports.error} />}
      <Pager list={reports} label={t('disclosure.reports')} />
    </Section>
  );
}
