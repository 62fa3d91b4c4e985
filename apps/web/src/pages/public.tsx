import { FlowChart } from '../components/charts';
import { DataTable, Loading, Section, Stat, useApi, type Column } from '../components/common';
import { formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';

interface GiftMoney {
  currency: string;
  pledged: number;
  received: number;
  allocated: number;
  paidToInsurers: number;
  awaitingPolicyIssue: number;
  refunded: number;
  heldInEscrow: number;
  claimsPaid: number;
}
interface PublicTotals {
  programmes: { programmeId: string; name: string; regionCode: string; closed: boolean; gifts: number; donors: number; householdsCovered: number; money: GiftMoney[] }[];
  platform: { gifts: number; donors: number; householdsCovered: number; money: GiftMoney[] };
}

const ZERO: GiftMoney = { currency: 'CNY', pledged: 0, received: 0, allocated: 0, paidToInsurers: 0, awaitingPolicyIssue: 0, refunded: 0, heldInEscrow: 0, claimsPaid: 0 };

/** Programme and platform totals and where the money went: the public view has no personal data to show. */
export function PublicPage() {
  const { t, language } = useI18n();
  const totals = useApi<PublicTotals>('/public/totals');
  if (!totals.data) return <Loading error={totals.error} />;
  const { platform, programmes } = totals.data;
  const money = platform.money[0] ?? ZERO;
  const text = (amount: number) => formatMoney({ amount, currency: money.currency }, language);
  const stage = (key: string, amount: number) => ({ key, label: t(`public.flow.${key}` as 'public.flow.received'), amount, text: text(amount) });

  const figures = (programme: PublicTotals['programmes'][number]) => programme.money[0] ?? ZERO;
  const programmeColumns: Column<PublicTotals['programmes'][number]>[] = [
    { id: 'name', header: t('public.programme'), rowHeader: true, cell: (programme) => `${programme.name}${programme.closed ? ` (${t('public.closed')})` : ''}` },
    { id: 'region', header: t('public.region'), cell: (programme) => programme.regionCode },
    { id: 'gifts', header: t('public.gifts'), cell: (programme) => programme.gifts },
    { id: 'donors', header: t('public.donors'), cell: (programme) => programme.donors },
    { id: 'covered', header: t('public.householdsCovered'), cell: (programme) => programme.householdsCovered },
    { id: 'received', header: t('public.received'), cell: (programme) => text(figures(programme).received) },
    { id: 'allocated', header: t('public.flow.allocated'), cell: (programme) => text(figures(programme).allocated) },
    { id: 'held', header: t('public.flow.heldInEscrow'), cell: (programme) => text(figures(programme).heldInEscrow) },
  ];

  return (
    <>
      <h1>{t('public.title')}</h1>
      <p className="lead">{t('public.intro')}</p>
      <Section title={t('public.platform')} id="public-platform">
        <div className="stats">
          <Stat label={t('public.gifts')} value={platform.gifts} />
          <Stat label={t('public.donors')} value={platform.donors} />
          <Stat label={t('public.householdsCovered')} value={platform.householdsCovered} testId="households-covered" />
          <Stat label={t('public.received')} value={text(money.received)} />
          <Stat label={t('public.claimsPaid')} value={text(money.claimsPaid)} testId="public-claims-paid" />
        </div>
      </Section>
      <Section title={t('public.flow')} id="public-flow">
        <FlowChart
          title={t('public.flow')}
          stages={[stage('received', money.received), stage('allocated', money.allocated), stage('paidToInsurers', money.paidToInsurers), stage('claimsPaid', money.claimsPaid)]}
          sideFlows={[
            { from: 'received', stage: stage('refunded', money.refunded) },
            { from: 'received', stage: stage('heldInEscrow', money.heldInEscrow) },
            { from: 'allocated', stage: stage('awaitingPolicyIssue', money.awaitingPolicyIssue) },
          ]}
        />
        <p className="muted">{t('public.flowNote')}</p>
      </Section>
      <Section title={t('public.programmes')} id="public-programmes">
        <DataTable label={t('public.programmes')} testId="programmes-table" columns={programmeColumns} rows={programmes} rowKey={(programme) => programme.programmeId} />
      </Section>
    </>
  );
}
