import { FlowChart } from '../components/charts';
import { DataTable, Loading, Pager, Section, Stat, useApi, usePages, type Column } from '../components/common';
import { formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';
import { useRegionNames } from '../components/regions';
import { DisclosureList } from './disclosure';
import { DeclarationList } from './disasters';
import { MoneyFeed, TransparencyLog } from './public-transparency';

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
interface Totals {
  gifts: number;
  donors: number;
  householdsCovered: number;
  money: GiftMoney[];
}
interface ProgrammeTotals extends Totals {
  programmeId: string;
  name: string;
  regionCode: string;
  closed: boolean;
}

const ZERO: GiftMoney = { currency: 'CNY', pledged: 0, received: 0, allocated: 0, paidToInsurers: 0, awaitingPolicyIssue: 0, refunded: 0, heldInEscrow: 0, claimsPaid: 0 };

/** Platform totals, where the money went, and each programme's totals a page at a time: the public view has no personal data to show. */
export function PublicPage() {
  const { t, language } = useI18n();
  const totals = useApi<{ platform: Totals }>('/public/totals');
  if (!totals.data) return <Loading error={totals.error} />;
  const { platform } = totals.data;
  const money = platform.money[0] ?? ZERO;
  const text = (amount: number) => formatMoney({ amount, currency: money.currency }, language);
  const stage = (key: string, amount: number) => ({ key, label: t(`public.flow.${key}` as 'public.flow.received'), amount, text: text(amount) });

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
      <Programmes />
      <MoneyFeed />
      <TransparencyLog />
      <DisclosureList />
      <DeclarationList id="public-disasters" />
    </>
  );
}

function Programmes() {
  const { t, language } = useI18n();
  const programmes = usePages<ProgrammeTotals>('/public/programmes');
  const regionName = useRegionNames((programmes.items ?? []).map((programme) => programme.regionCode));
  const figures = (programme: ProgrammeTotals) => programme.money[0] ?? ZERO;
  const text = (programme: ProgrammeTotals, figure: 'received' | 'allocated' | 'heldInEscrow') => formatMoney({ amount: figures(programme)[figure], currency: figures(programme).currency }, language);
  const columns: Column<ProgrammeTotals>[] = [
    { id: 'name', header: t('public.programme'), rowHeader: true, cell: (programme) => `${programme.name}${programme.closed ? ` (${t('public.closed')})` : ''}` },
    { id: 'region', header: t('public.region'), cell: (programme) => regionName(programme.regionCode) },
    { id: 'gifts', header: t('public.gifts'), cell: (programme) => programme.gifts },
    { id: 'donors', header: t('public.donors'), cell: (programme) => programme.donors },
    { id: 'covered', header: t('public.householdsCovered'), cell: (programme) => programme.householdsCovered },
    { id: 'received', header: t('public.received'), cell: (programme) => text(programme, 'received') },
    { id: 'allocated', header: t('public.flow.allocated'), cell: (programme) => text(programme, 'allocated') },
    { id: 'held', header: t('public.flow.heldInEscrow'), cell: (programme) => text(programme, 'heldInEscrow') },
  ];
  return (
    <Section title={t('public.programmes')} id="public-programmes">
      {programmes.items ? <DataTable label={t('public.programmes')} testId="programmes-table" columns={columns} rows={programmes.items} rowKey={(programme) => programme.programmeId} /> : <Loading error={programmes.error} />}
      <Pager list={programmes} label={t('public.programmes')} />
    </Section>
  );
}
