import { useState } from 'react';
import type { Money } from '../api';
import { DataTable, Loading, Pager, Section, Stat, useApi, usePages, type Column } from '../components/common';
import { Field, FormMessage } from '../components/form';
import { useRegionNames } from '../components/regions';
import { formatDate, formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import type { Household } from './government';
import { FileClaim, InlineForm, useCommand, type Policy } from './insurer';

/** A household's record as its government and insurer of record see it, with its policies' first page. */
interface HouseholdRecord extends Household {
  revokedAt: string | null;
  revocationReason: string | null;
  personal: (Household['personal'] & { members: { name: string; relation: string }[] }) | null;
  personalDataErased: boolean;
  policies: { items: Policy[] };
}

interface HistoryEntry {
  type: string;
  occurredAt: string;
  position: string;
  eventId: string;
  detail: Record<string, unknown> & { amount?: Money; amountClaimed?: Money; approvedAmount?: Money; premium?: Money; policyNumber?: string; reason?: string; kind?: string; category?: string };
}

/**
 * One household as its government (and its insurer of record) sees it: its record, its whole
 * history with each entry's proof in the log, and the government's work on it: file a claim on a
 * policy in force, revoke its eligibility, erase its personal data.
 */
export function HouseholdPage({ householdId }: { householdId: string }) {
  const { t, label, language } = useI18n();
  const { session } = useSession();
  const record = useApi<HouseholdRecord>(`/households/${encodeURIComponent(householdId)}`);
  const regionName = useRegionNames([record.data?.villageCode]);
  if (!record.data) return <Loading error={record.error} />;
  const household = record.data;
  const isGovernment = session?.user.role === 'government';
  const status = household.covered ? t('gov.statusCovered') : household.eligible ? t('gov.statusEligible') : t('gov.statusUnverified');
  return (
    <>
      <h1>{t('household.title', { code: household.householdCode })}</h1>
      <Section title={t('household.record')} id="household-record">
        <div className="stats">
          <Stat label={t('gov.village')} value={regionName(household.villageCode)} />
          <Stat label={t('gov.category')} value={label('category', household.category)} />
          <Stat label={t('gov.size')} value={household.size} />
          <Stat label={t('gov.status')} value={status} testId="household-status" />
        </div>
        {household.personal ? (
          <dl className="facts" data-testid="household-personal">
            <dt>{t('gov.head')}</dt>
            <dd>{household.personal.headName}</dd>
            <dt>{t('gov.headNationalId')}</dt>
            <dd>{household.personal.headNationalId}</dd>
            <dt>{t('gov.address')}</dt>
            <dd>{household.personal.address}</dd>
            <dt>{t('gov.members')}</dt>
            <dd>{household.personal.members.map((member) => `${member.name} (${member.relation})`).join('、') || '—'}</dd>
          </dl>
        ) : (
          <p className="muted" data-testid="household-personal">
            {t('gov.erased')}
          </p>
        )}
        {household.revokedAt && <p className="muted">{t('household.revoked', { date: formatDate(household.revokedAt, language), reason: household.revocationReason ?? '' })}</p>}
      </Section>

      <Section title={t('household.policies')} id="household-policies">
        {household.policies.items.length === 0 ? (
          <p className="muted">{t('household.noPolicies')}</p>
        ) : (
          <ul className="plain">
            {household.policies.items.map((policy) => (
              <li key={policy.policyId} data-policy-id={policy.policyId}>
                {policy.policyNumber ?? t('household.policyRequested')} · {label('policyState', policy.status)} · {t('household.remainingCover', { amount: formatMoney(policy.remainingCover, language) })}
                {policy.status === 'active' && isGovernment && <FileClaim policy={policy} />}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <History householdId={householdId} />

      {isGovernment && (
        <Section title={t('household.actions')} id="household-actions">
          {household.eligible && <RevokeEligibility householdId={householdId} />}
          {!household.personalDataErased && <ErasePersonalData householdId={householdId} code={household.householdCode} />}
        </Section>
      )}
    </>
  );
}

function History({ householdId }: { householdId: string }) {
  const { t, label, language } = useI18n();
  const history = usePages<HistoryEntry>(`/households/${encodeURIComponent(householdId)}/history`);
  const money = (value: Money | undefined) => (value ? formatMoney(value, language) : '');
  const summary = ({ type, detail }: HistoryEntry): string => {
    switch (type) {
      case 'HouseholdEligibilityVerified':
        return label('category', detail.category ?? '');
      case 'HouseholdEligibilityRevoked':
      case 'HouseholdPersonalDataErased':
      case 'ClaimRejected':
      case 'PolicyCancelled':
        return detail.reason ?? '';
      case 'GiftPledged':
      case 'GiftAllocated':
      case 'ClaimPaid':
        return money(detail.amount);
      case 'PolicyRequested':
        return money(detail.premium);
      case 'PolicyIssued':
        return `${detail.policyNumber ?? ''} · ${money(detail.premium)}`;
      case 'ClaimFiled':
        return `${label('claimKind', detail.kind ?? '')} · ${money(detail.amountClaimed)}`;
      case 'ClaimApproved':
        return money(detail.approvedAmount);
      default:
        return '';
    }
  };
  const columns: Column<HistoryEntry>[] = [
    { id: 'when', header: t('household.when'), rowHeader: true, cell: (entry) => formatDate(entry.occurredAt, language) },
    { id: 'what', header: t('household.what'), cell: (entry) => label('history', entry.type) },
    {
      id: 'detail',
      header: t('household.detail'),
      cell: (entry) =>
        typeof entry.detail.claimId === 'string' ? (
          <>
            {summary(entry)} · <a href={`#/claim/${entry.detail.claimId}`}>{t('household.openClaim')}</a>
          </>
        ) : (
          summary(entry)
        ),
    },
    { id: 'proof', header: t('public.feed.proof'), cell: (entry) => <a href={`/transparency/events/${entry.eventId}/inclusion-proof`}>{t('public.feed.proofLink', { position: entry.position })}</a> },
  ];
  return (
    <Section title={t('household.history')} id="household-history">
      {history.items ? <DataTable label={t('household.history')} testId="history-table" columns={columns} rows={history.items} rowKey={(entry) => entry.position} rowAttributes={(entry) => ({ 'data-type': entry.type })} /> : <Loading error={history.error} />}
      <Pager list={history} label={t('household.history')} />
    </Section>
  );
}

function RevokeEligibility({ householdId }: { householdId: string }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const { errors, formError, run } = useCommand(() => setReason(''));
  return (
    <InlineForm label={t('household.revoke')} onSubmit={() => run(`/households/${householdId}/eligibility/revoke`, { reason })}>
      <Field label={t('household.revokeReason')} name="reason" value={reason} onChange={setReason} error={errors.reason} />
      <FormMessage error={formError} />
      <button type="submit">{t('household.revoke')}</button>
    </InlineForm>
  );
}

/** Erasure cannot be undone: the officer types the household's code to confirm it. */
function ErasePersonalData({ householdId, code }: { householdId: string; code: string }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [unconfirmed, setUnconfirmed] = useState<string>();
  const { errors, formError, run } = useCommand();
  const submit = () => {
    if (confirmation.trim().toUpperCase() !== code) return setUnconfirmed(t('household.eraseConfirmMismatch', { code }));
    setUnconfirmed(undefined);
    return run(`/households/${householdId}/erasure`, { reason });
  };
  return (
    <InlineForm label={t('household.erase')} onSubmit={submit}>
      <p className="warning">{t('household.eraseWarning')}</p>
      <Field label={t('household.eraseReason')} name="reason" value={reason} onChange={setReason} error={errors.reason} hint={t('household.eraseReasonHint')} />
      <Field label={t('household.eraseConfirm', { code })} name="confirmation" value={confirmation} onChange={setConfirmation} error={unconfirmed} />
      <FormMessage error={formError} />
      <button type="submit" className="danger">
        {t('household.erase')}
      </button>
    </InlineForm>
  );
}
