import type { Money } from '../api';
import { DataTable, Loading, Section, Stat, useApi, type Column } from '../components/common';
import { EvidenceList } from '../components/evidence';
import { formatDate, formatDateTime, formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { DecideClaim, PayClaim, type Claim } from './insurer';

interface ClaimHistoryEntry {
  type: 'ClaimFiled' | 'ClaimApproved' | 'ClaimRejected' | 'ClaimPaid';
  occurredAt: string;
  position: string;
  eventId: string;
  detail: { kind?: string; incidentDate?: string; amountClaimed?: Money; filedBy?: string; evidence?: number; declarationId?: string; approvedAmount?: Money; inFull?: boolean; note?: string; reason?: string; amount?: Money; payoutReference?: string };
}

/** A claim as GET /claims/:claimId answers it: the register's facts, and its whole history from the log. */
interface ClaimRecord extends Claim {
  paidAmount: Money | null;
  paidAt: string | null;
  decidedAt: string | null;
  rejectionReason: string | null;
  payoutReference: string | null;
  policyNumber: string | null;
  filedBy: { role: string };
  history: ClaimHistoryEntry[];
}

/**
 * One claim as its insurer of record (and, read-only, its household's government) sees it: its
 * facts and evidence, its whole history (filed; approved or rejected, with the reason; paid, with
 * the payout reference), each entry with its time and proof in the log; and what the insurer can
 * do next: decide it, or pay it.
 */
export function ClaimPage({ claimId }: { claimId: string }) {
  const { t, label, language } = useI18n();
  const { session } = useSession();
  const record = useApi<ClaimRecord>(`/claims/${encodeURIComponent(claimId)}`);
  if (!record.data) return <Loading error={record.error} />;
  const claim = record.data;
  const money = (value: Money | null | undefined) => formatMoney(value ?? undefined, language);
  return (
    <>
      <h1>{t('claim.title', { kind: label('claimKind', claim.kind), code: claim.householdCode })}</h1>
      <Section title={t('claim.facts')} id="claim-facts">
        <div className="stats">
          <Stat label={t('claim.state')} value={label('claimState', claim.state)} testId="claim-state" />
          <Stat label={t('claim.amountClaimed')} value={money(claim.amountClaimed)} testId="claim-amount" />
          {claim.approvedAmount && <Stat label={t('claim.approvedAmount')} value={money(claim.approvedAmount)} testId="claim-approved" />}
          {claim.paidAmount && <Stat label={t('claim.paidAmount')} value={money(claim.paidAmount)} testId="claim-paid" />}
        </div>
        <dl className="facts">
          <dt>{t('claim.household')}</dt>
          <dd>
            <a href={`#/household/${claim.householdId}`}>{claim.householdCode}</a>
          </dd>
          <dt>{t('claim.policy')}</dt>
          <dd data-testid="claim-policy">{claim.policyNumber ?? '—'}</dd>
          <dt>{t('claim.incidentDate')}</dt>
          <dd>{formatDate(claim.incidentDate, language)}</dd>
          <dt>{t('claim.filedOn')}</dt>
          <dd data-testid="claim-filed">{formatDate(claim.filedAt, language)}</dd>
          <dt>{t('claim.filedByLabel')}</dt>
          <dd>{label('role', claim.filedBy.role)}</dd>
          {claim.rejectionReason && (
            <>
              <dt>{t('claim.rejectionReason')}</dt>
              <dd data-testid="claim-reason">{claim.rejectionReason}</dd>
            </>
          )}
          {claim.payoutReference && (
            <>
              <dt>{t('claim.payoutReference')}</dt>
              <dd data-testid="claim-payout-reference">{claim.payoutReference}</dd>
              <dt>{t('claim.paidOn')}</dt>
              <dd>{formatDate(claim.paidAt, language)}</dd>
            </>
          )}
        </dl>
        <EvidenceList policyId={claim.policyId} claimId={claim.claimId} files={claim.evidenceFiles} listed={claim.evidence} />
      </Section>

      <ClaimHistory history={claim.history} />

      <Section title={t('claim.actions')} id="claim-actions">
        {session?.user.role !== 'insurer' ? (
          <p className="muted">{t('claim.insurerDecides')}</p>
        ) : claim.state === 'filed' ? (
          <DecideClaim claim={claim} />
        ) : claim.state === 'approved' ? (
          <PayClaim claim={claim} />
        ) : (
          <p className="muted">{t('claim.nothingToDo', { state: label('claimState', claim.state) })}</p>
        )}
      </Section>
    </>
  );
}

function ClaimHistory({ history }: { history: ClaimHistoryEntry[] }) {
  const { t, label, language } = useI18n();
  const money = (value: Money | undefined) => formatMoney(value, language);
  const summary = ({ type, detail }: ClaimHistoryEntry) => {
    switch (type) {
      case 'ClaimFiled':
        return [
          `${label('claimKind', detail.kind ?? '')} · ${money(detail.amountClaimed)}`,
          t('claim.history.incident', { date: formatDate(detail.incidentDate, language) }),
          t('claim.history.filedBy', { who: label('role', detail.filedBy ?? '') }),
          t('claim.history.evidence', { count: detail.evidence ?? 0 }),
          ...(detail.declarationId ? [t('claim.history.declaration')] : []),
        ].join(' · ');
      case 'ClaimApproved':
        return [`${money(detail.approvedAmount)} (${t(detail.inFull ? 'claim.history.inFull' : 'claim.history.inPart')})`, ...(detail.note ? [t('claim.history.note', { note: detail.note })] : [])].join(' · ');
      case 'ClaimRejected':
        return t('claim.history.reason', { reason: detail.reason ?? '' });
      case 'ClaimPaid':
        return t('claim.history.paid', { amount: money(detail.amount), reference: detail.payoutReference ?? '' });
    }
  };
  const columns: Column<ClaimHistoryEntry>[] = [
    { id: 'when', header: t('claim.when'), rowHeader: true, cell: (entry) => formatDateTime(entry.occurredAt, language) },
    { id: 'what', header: t('household.what'), cell: (entry) => label('history', entry.type) },
    { id: 'detail', header: t('household.detail'), cell: summary },
    { id: 'proof', header: t('public.feed.proof'), cell: (entry) => <a href={`/transparency/events/${entry.eventId}/inclusion-proof`}>{t('public.feed.proofLink', { position: entry.position })}</a> },
  ];
  return (
    <Section title={t('claim.history')} id="claim-history">
      <DataTable label={t('claim.history')} testId="claim-history-table" columns={columns} rows={history} rowKey={(entry) => entry.position} rowAttributes={(entry) => ({ 'data-type': entry.type })} />
    </Section>
  );
}
