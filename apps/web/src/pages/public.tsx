import { callApi } from '../api';
import { FlowChart } from '../components/charts';
import { Loading, Section, Stat, TableWrap, useLoad } from '../components/common';
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
  const totals = useLoad(() => callApi<PublicTotals>('GET', '/public/totals', undefined), []);
  if (!totals.data) return <Loading error={totals.error} />;
  const { platform, programmes } = totals.data;
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
      <Section title={t('public.programmes')} id="public-programmes">
        <TableWrap label={t('public.programmes')}>
          <thead>
            <tr>
              <th scope="col">{t('public.programme')}</th>
              <th scope="col">{t('public.region')}</th>
              <th scope="col">{t('public.gifts')}</th>
              <th scope="col">{t('public.donors')}</th>
              <th scope="col">{t('public.householdsCovered')}</th>
              <th scope="col">{t('public.received')}</th>
              <th scope="col">{t('public.flow.allocated')}</th>
              <th scope="col">{t('public.flow.heldInEscrow')}</th>
            </tr>
          </thead>
          <tbody>
            {programmes.map((programme) => {
              const figures = programme.money[0] ?? ZERO;
              return (
                <tr key={programme.programmeId}>
                  <th scope="row">
                    {programme.name}
                    {programme.closed && ` (${t('public.closed')})`}
                  </th>
                  <td>{programme.regionCode}</td>
                  <td>{programme.gifts}</td>
                  <td>{programme.donors}</td>
                  <td>{programme.householdsCovered}</td>
                  <td>{text(figures.received)}</td>
                  <td>{text(figures.allocated)}</td>
                  <td>{text(figures.heldInEscrow)}</td>
                </tr>
              );
            })}
          </tbody>
        </TableWrap>
      </Section>
    </>
  );
}
