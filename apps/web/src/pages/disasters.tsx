import { useQuery, useQueryClient } from '@tanstack/react-query';
import { FormEvent, useEffect, useId, useState } from 'react';
import { ApiError, PERILS, type Money } from '../api';
import { DataTable, Loading, Pager, Section, Stat, usePages, useRefresh, type Column } from '../components/common';
import { Field, FieldError, FormMessage, SelectField } from '../components/form';
import { formatDate, formatMoney, today } from '../format';
import { useI18n } from '../i18n/i18n';
import { useRegionNames } from '../components/regions';
import { navigate } from '../router';
import { useSession } from '../session';
import { HOME_OF } from './sign-in';

const SEVERITIES = ['1', '2', '3', '4'] as const;
/** How often a declaration being paid is asked again, to follow its batches. */
const PROGRESS_MS = 1_000;

interface Answer {
  insurerId: string;
  status: 'confirmed' | 'disputed';
  reason: string | null;
  answeredAt: string;
  completedAt: string | null;
}
interface Declaration {
  declarationId: string;
  peril: string;
  regionCodes: string[];
  incidentFrom: string;
  incidentTo: string;
  severity: number;
  authorityReference: string;
  declaredAt: string;
  status: 'declared' | 'paying' | 'paid' | 'disputed';
  answers: Answer[];
  policiesPaid: number;
  amountPaid: Money | null;
  /** Whether ids and payout references are shown (the area's government, a confirming insurer). */
  detailsShown: boolean;
}
interface Payout {
  householdCode: string;
  villageCode: string;
  insurerId: string;
  amount: Money;
  batchNumber: number;
  paidAt: string;
  policyId?: string;
  payoutReference?: string;
}
interface UncoveredHousehold {
  householdCode: string;
  villageCode: string;
  category: string;
  size: number;
}

const declarationPath = (id: string) => `/disasters/declarations/${encodeURIComponent(id)}`;

/**
 * Declarations, newest first, a page at a time; each opens its own page (payouts, uncovered
 * households, answers). `mine`: the signed-in government's own, or those of the perils the
 * signed-in insurer's parametric products cover, under that title.
 */
export function DeclarationList({ id = 'disasters', mine }: { id?: string; mine?: 'mineGovernment' | 'mineInsurer' }) {
  const { t, label, language } = useI18n();
  const list = usePages<Declaration>(mine ? '/disasters/declarations?mine=true' : '/disasters/declarations');
  const title = t(mine ? `disaster.${mine}` : 'disaster.declarations');
  const regionName = useRegionNames((list.items ?? []).flatMap((d) => d.regionCodes));
  const columns: Column<Declaration>[] = [
    {
      id: 'declaration',
      header: t('disaster.declaration'),
      rowHeader: true,
      cell: (d) => <a href={`#/disasters/${d.declarationId}`}>{`${label('peril', d.peril)} · ${d.authorityReference}`}</a>,
    },
    { id: 'regions', header: t('disaster.regions'), cell: (d) => d.regionCodes.map((code) => regionName(code)).join(', ') },
    { id: 'dates', header: t('disaster.incidentDates'), cell: (d) => `${formatDate(d.incidentFrom, language)} – ${formatDate(d.incidentTo, language)}` },
    { id: 'severity', header: t('disaster.severity'), cell: (d) => label('severity', String(d.severity)) },
    { id: 'status', header: t('disaster.status'), cell: (d) => label('disasterStatus', d.status) },
    { id: 'paid', header: t('disaster.policiesPaid'), cell: (d) => d.policiesPaid },
    { id: 'amount', header: t('disaster.amountPaid'), cell: (d) => formatMoney(d.amountPaid ?? undefined, language) },
  ];
  return (
    <Section title={title} id={id}>
      {!list.items ? (
        <Loading error={list.error} />
      ) : list.items.length === 0 ? (
        <p className="muted">{t('disaster.none')}</p>
      ) : (
        <DataTable label={title} testId="declarations-table" columns={columns} rows={list.items} rowKey={(d) => d.declarationId} />
      )}
      <Pager list={list} label={title} />
    </Section>
  );
}

/** A government declares a disaster within its region; the API's word on each field shows under it. */
export function DeclareDisaster({ region }: { region: string }) {
  const { t, label } = useI18n();
  const { post } = useSession();
  const refresh = useRefresh();
  const [peril, setPeril] = useState<string>(PERILS[0]);
  const [regionCodes, setRegionCodes] = useState(region);
  const [incidentFrom, setIncidentFrom] = useState(today());
  const [incidentTo, setIncidentTo] = useState(today());
  const [severity, setSeverity] = useState('3');
  const [authorityReference, setAuthorityReference] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [declared, setDeclared] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    setDeclared(undefined);
    try {
      const codes = regionCodes.split(/[\s,，、]+/).filter(Boolean);
      const answer = await post<{ declarationId: string }>('/disasters/declarations', { peril, regionCodes: codes, incidentFrom, incidentTo, severity: Number(severity), authorityReference: authorityReference.trim() });
      setDeclared(answer.declarationId);
      setAuthorityReference('');
      refresh();
    } catch (failure) {
      if (failure instanceof ApiError && Object.keys(failure.fieldErrors).length) {
        // "regionCodes[1]" (one of the codes) shows under the codes' field.
        setErrors(Object.fromEntries(Object.entries(failure.fieldErrors).map(([field, message]) => [field.replace(/\[\d+\]$/, ''), message])));
      } else if (failure instanceof ApiError && failure.problems.some((problem) => problem.code === 'region.outside-yours')) {
        // A code outside the officer's region is refused as forbidden, not as a field's rule: it still shows under the codes.
        setErrors({ regionCodes: failure.message });
      } else setFormError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <Section title={t('disaster.declare')} id="declare-disaster">
      <form onSubmit={submit} noValidate aria-label={t('disaster.declare')}>
        <div className="grid two">
          <SelectField label={t('disaster.peril')} name="peril" value={peril} onChange={setPeril} error={errors.peril} options={PERILS.map((value) => ({ value, label: label('peril', value) }))} />
          <Field label={t('disaster.regionCodes')} name="regionCodes" inputMode="numeric" value={regionCodes} onChange={setRegionCodes} error={errors.regionCodes} hint={t('disaster.regionCodesHint', { region })} />
          <Field label={t('disaster.incidentFrom')} name="incidentFrom" type="date" value={incidentFrom} onChange={setIncidentFrom} error={errors.incidentFrom} />
          <Field label={t('disaster.incidentTo')} name="incidentTo" type="date" value={incidentTo} onChange={setIncidentTo} error={errors.incidentTo} />
          <SelectField label={t('disaster.severity')} name="severity" value={severity} onChange={setSeverity} error={errors.severity} options={SEVERITIES.map((value) => ({ value, label: label('severity', value) }))} />
          <Field label={t('disaster.authorityReference')} name="authorityReference" value={authorityReference} onChange={setAuthorityReference} error={errors.authorityReference} hint={t('disaster.authorityReferenceHint')} />
        </div>
        <FormMessage
          error={formError}
          success={
            declared && (
              <>
                {t('disaster.declared')} <a href={`#/disasters/${declared}`}>{t('disaster.open')}</a>
              </>
            )
          }
        />
        <button type="submit">{t('disaster.declareSubmit')}</button>
      </form>
    </Section>
  );
}

/** One declaration: its figures (followed while it is being paid), the insurers' answers, its payouts and the area's uncovered households. */
export function DeclarationPage({ declarationId }: { declarationId: string }) {
  const { t, label, language } = useI18n();
  const { session, get } = useSession();
  const queryClient = useQueryClient();
  const path = declarationPath(declarationId);
  const query = useQuery({
    queryKey: [path],
    queryFn: ({ signal }) => get<Declaration>(path, signal),
    refetchInterval: (current) => (current.state.data?.status === 'paying' ? PROGRESS_MS : false),
  });
  const declaration = query.data;
  const regionName = useRegionNames(declaration?.regionCodes ?? []);
  // As batches are recorded, the payouts and the uncovered households are asked again.
  const paid = declaration?.policiesPaid;
  useEffect(() => {
    if (paid !== undefined) void queryClient.invalidateQueries({ predicate: ({ queryKey }) => typeof queryKey[0] === 'string' && queryKey[0].startsWith(`${path}/`) });
  }, [paid, path, queryClient]);
  if (!declaration) return <Loading error={query.error?.message} />;
  const insurerId = session?.user.role === 'insurer' ? session.user.insurerId : undefined;
  const answered = declaration.answers.some((answer) => answer.insurerId === insurerId);

  return (
    <>
      <p>
        <button type="button" className="secondary" onClick={() => navigate(session ? HOME_OF[session.user.role] : '')}>
          {t('disaster.back')}
        </button>
      </p>
      <h1>
        {label('peril', declaration.peril)} · {declaration.authorityReference}
      </h1>
      <Section title={t('disaster.summary')} id="declaration-summary">
        <div className="stats">
          <Stat label={t('disaster.status')} value={label('disasterStatus', declaration.status)} testId="declaration-status" />
          <Stat label={t('disaster.policiesPaid')} value={declaration.policiesPaid} testId="declaration-policies-paid" />
          <Stat label={t('disaster.amountPaid')} value={formatMoney(declaration.amountPaid ?? undefined, language)} testId="declaration-amount-paid" />
          <Stat label={t('disaster.severity')} value={label('severity', String(declaration.severity))} />
        </div>
        <dl className="facts">
          <dt>{t('disaster.regions')}</dt>
          <dd>{declaration.regionCodes.map((code) => regionName(code)).join(', ')}</dd>
          <dt>{t('disaster.incidentDates')}</dt>
          <dd>
            {formatDate(declaration.incidentFrom, language)} – {formatDate(declaration.incidentTo, language)}
          </dd>
          <dt>{t('disaster.declaredAt')}</dt>
          <dd>{formatDate(declaration.declaredAt, language)}</dd>
        </dl>
        {declaration.answers.length === 0 ? (
          <p className="muted">{t('disaster.noAnswers')}</p>
        ) : (
          <ul data-testid="declaration-answers">
            {declaration.answers.map((answer) => (
              <li key={answer.insurerId}>
                {t('disaster.answer', { insurer: answer.insurerId, status: label('answerStatus', answer.status), date: formatDate(answer.answeredAt, language) })}
                {answer.status === 'confirmed' && ` · ${answer.completedAt ? t('disaster.completed') : t('disaster.inProgress')}`}
                {answer.reason && ` · ${answer.reason}`}
              </li>
            ))}
          </ul>
        )}
      </Section>
      {insurerId && !answered && <AnswerDeclaration declarationId={declarationId} />}
      <Payouts declaration={declaration} />
      <Uncovered declarationId={declarationId} />
    </>
  );
}

/** The insurer confirms (its payment file's reference optional) or disputes (with its reason); a refusal of either shows in its own form, above its button. */
function AnswerDeclaration({ declarationId }: { declarationId: string }) {
  const { t } = useI18n();
  const { post } = useSession();
  const refresh = useRefresh();
  const reasonId = useId();
  const [paymentFileReference, setPaymentFileReference] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<{ action: 'confirm' | 'dispute'; message: string }>();
  const answer = async (action: 'confirm' | 'dispute', body: Record<string, string>) => {
    setErrors({});
    setFormError(undefined);
    try {
      await post(`${declarationPath(declarationId)}/${action}`, body);
      refresh();
    } catch (failure) {
      if (failure instanceof ApiError && Object.keys(failure.fieldErrors).length) setErrors(failure.fieldErrors);
      else setFormError({ action, message: failure instanceof Error ? failure.message : String(failure) });
    }
  };
  return (
    <Section title={t('disaster.answerTitle')} id="answer-declaration">
      <p className="muted">{t('disaster.answerIntro')}</p>
      <form
        aria-label={t('disaster.confirm')}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void answer('confirm', paymentFileReference.trim() ? { paymentFileReference: paymentFileReference.trim() } : {});
        }}
      >
        <Field label={t('disaster.paymentFileReference')} name="paymentFileReference" value={paymentFileReference} onChange={setPaymentFileReference} error={errors.paymentFileReference} hint={t('disaster.paymentFileReferenceHint')} />
        <FormMessage error={formError?.action === 'confirm' ? formError.message : undefined} />
        <button type="submit">{t('disaster.confirm')}</button>
      </form>
      <form
        aria-label={t('disaster.dispute')}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void answer('dispute', { reason });
        }}
      >
        <div className="field">
          <label htmlFor={reasonId}>{t('disaster.reason')}</label>
          <textarea id={reasonId} name="reason" rows={3} maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} aria-invalid={errors.reason ? true : undefined} aria-describedby={errors.reason ? `${reasonId}-error` : undefined} />
          {errors.reason && <FieldError id={`${reasonId}-error`} message={errors.reason} />}
        </div>
        <FormMessage error={formError?.action === 'dispute' ? formError.message : undefined} />
        <button type="submit" className="secondary">
          {t('disaster.dispute')}
        </button>
      </form>
    </Section>
  );
}

function Payouts({ declaration }: { declaration: Declaration }) {
  const { t, language } = useI18n();
  const list = usePages<Payout>(`${declarationPath(declaration.declarationId)}/payouts`);
  const regionName = useRegionNames((list.items ?? []).map((p) => p.villageCode));
  const columns: Column<Payout>[] = [
    { id: 'household', header: t('gov.code'), rowHeader: true, cell: (p) => p.householdCode },
    { id: 'village', header: t('gov.village'), cell: (p) => regionName(p.villageCode) },
    { id: 'insurer', header: t('disaster.insurer'), cell: (p) => p.insurerId },
    { id: 'amount', header: t('disaster.amount'), cell: (p) => formatMoney(p.amount, language) },
    { id: 'batch', header: t('disaster.batch'), cell: (p) => p.batchNumber },
    { id: 'paidAt', header: t('disaster.paidAt'), cell: (p) => formatDate(p.paidAt, language) },
    ...(declaration.detailsShown ? [{ id: 'reference', header: t('disaster.payoutReference'), cell: (p: Payout) => p.payoutReference ?? '—' }] : []),
  ];
  return (
    <Section title={t('disaster.payouts')} id="declaration-payouts">
      {!list.items ? (
        <Loading error={list.error} />
      ) : list.items.length === 0 ? (
        <p className="muted">{t('disaster.noPayouts')}</p>
      ) : (
        <DataTable label={t('disaster.payouts')} testId="payouts-table" columns={columns} rows={list.items} rowKey={(p) => `${p.householdCode} ${p.policyId ?? `${p.insurerId} ${p.batchNumber} ${p.amount.amount}`}`} />
      )}
      <Pager list={list} label={t('disaster.payouts')} />
    </Section>
  );
}

function Uncovered({ declarationId }: { declarationId: string }) {
  const { t, label } = useI18n();
  const list = usePages<UncoveredHousehold>(`${declarationPath(declarationId)}/uncovered`);
  const regionName = useRegionNames((list.items ?? []).map((h) => h.villageCode));
  const columns: Column<UncoveredHousehold>[] = [
    { id: 'household', header: t('gov.code'), rowHeader: true, cell: (h) => h.householdCode },
    { id: 'village', header: t('gov.village'), cell: (h) => regionName(h.villageCode) },
    { id: 'category', header: t('gov.category'), cell: (h) => label('category', h.category) },
    { id: 'size', header: t('gov.size'), cell: (h) => h.size },
  ];
  return (
    <Section title={t('disaster.uncovered')} id="declaration-uncovered">
      <p className="muted">{t('disaster.uncoveredIntro')}</p>
      {!list.items ? (
        <Loading error={list.error} />
      ) : list.items.length === 0 ? (
        <p className="muted">{t('disaster.noneUncovered')}</p>
      ) : (
        <DataTable label={t('disaster.uncovered')} testId="declaration-uncovered-table" columns={columns} rows={list.items} rowKey={(h) => h.householdCode} />
      )}
      <Pager list={list} label={t('disaster.uncovered')} />
    </Section>
  );
}
