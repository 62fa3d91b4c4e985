import { FormEvent, ReactNode, useState } from 'react';
import { ApiError, type Money } from '../api';
import { LineChart } from '../components/charts';
import { IndicatorsSection } from '../components/indicators';
import { DataTable, Filters, Loading, Pager, SearchField, Section, Stat, useApi, useDebounced, usePages, useRefresh, withQuery, type Column } from '../components/common';
import { Field, FormMessage, SelectField } from '../components/form';
import { firstOrZero, formatBasisPoints, formatDate, formatMoney, parseMajorUnits, today } from '../format';
import { EvidenceList, EvidenceUpload, type EvidenceFile } from '../components/evidence';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { BulkIssue } from './bulk-issue';
import { DeclarationList } from './disasters';

export const CLAIM_KINDS = ['accident', 'illness', 'hospitalisation', 'death', 'disability', 'crop-loss', 'livestock-loss', 'property-damage', 'other'] as const;
const POLICY_STATES = ['requested', 'active', 'expired', 'cancelled'] as const;
const CLAIM_STATES = ['filed', 'approved', 'rejected', 'paid'] as const;

export interface Policy {
  policyId: string;
  householdId: string;
  status: (typeof POLICY_STATES)[number];
  policyNumber: string | null;
  premium: Money;
  remainingCover: Money;
  startDate: string | null;
  endDate: string | null;
  /** Its household's code (and, once this insurer issued it a policy, its personal data). */
  household: { householdCode: string };
}
export interface Claim {
  claimId: string;
  policyId: string;
  householdId: string;
  state: (typeof CLAIM_STATES)[number];
  kind: string;
  incidentDate: string;
  amountClaimed: Money;
  approvedAmount: Money | null;
  filedAt: string;
  householdCode: string;
  evidence: string[];
  evidenceFiles: EvidenceFile[];
}
interface Product {
  productId: string;
  version: number;
  retired: boolean;
  terms: { name: string; coverageKind: string; annualPremium: Money; sumInsured: Money; waitingPeriodDays: number; termDays: number };
}
interface InsurerView {
  policies: { counts: Record<(typeof POLICY_STATES)[number], number> };
  premiums: { currency: string; premiumsReceived: number; premiumsEarned: number; claimsPaid: number; lossRatioBasisPoints: number | null }[];
  claims: { byState: Record<(typeof CLAIM_STATES)[number], { count: number; amounts: Money[] }> };
}
interface LossRatio {
  series: { currency: string; points: { date: string; lossRatioBasisPoints: number | null }[] }[];
}

export function InsurerPage() {
  const { t, label, language } = useI18n();
  // The day premiums are earned up to: today unless the insurer picks another.
  const [asOf, setAsOf] = useState('');
  const [asOfIncomplete, setAsOfIncomplete] = useState(false);
  const view = useApi<InsurerView>(withQuery('/insurer/dashboard', { asOf }));
  // A day the API refuses is said under the picker; a day typed in part, before anything is asked.
  const asOfError = asOfIncomplete ? t('common.dateIncomplete') : asOf && view.error ? view.error : undefined;
  const lossRatio = useApi<LossRatio>('/insurer/loss-ratio?months=12');
  // The lists load alongside the dashboard, not after it; its figures show where it has arrived.
  const dashboard = view.data;
  const premiums = dashboard?.premiums[0] ?? { currency: 'CNY', premiumsReceived: 0, premiumsEarned: 0, claimsPaid: 0, lossRatioBasisPoints: null };
  const money = (amount: number) => formatMoney({ amount, currency: premiums.currency }, language);
  const series = lossRatio.data?.series[0];

  return (
    <>
      <h1>{t('insurer.title')}</h1>
      <div className="grid two">
        <Section title={t('insurer.premiums')} id="insurer-premiums">
          <Filters>
            <Field label={t('insurer.asOf')} name="asOf" type="date" value={asOf} onChange={setAsOf} onIncomplete={setAsOfIncomplete} hint={t('insurer.asOfHint')} error={asOfError} />
          </Filters>
          {asOfError ? null : dashboard ? (
            <div className="stats">
              <Stat label={t('insurer.premiumsReceived')} value={money(premiums.premiumsReceived)} testId="premiums-received" />
              <Stat label={t('insurer.premiumsEarned')} value={money(premiums.premiumsEarned)} />
              <Stat label={t('insurer.claimsPaid')} value={money(premiums.claimsPaid)} testId="claims-paid" />
              <Stat label={t('insurer.lossRatio')} value={formatBasisPoints(premiums.lossRatioBasisPoints, language)} />
            </div>
          ) : (
            <Loading error={view.error} />
          )}
        </Section>
        <Section title={t('insurer.lossRatioOverTime')} id="insurer-loss-ratio">
          {series ? (
            <LineChart
              title={t('insurer.lossRatioOverTime')}
              emptyText={t('insurer.nothingEarned')}
              points={series.points.map((point) => ({ label: point.date.slice(0, 7), value: point.lossRatioBasisPoints, text: formatBasisPoints(point.lossRatioBasisPoints, language) }))}
            />
          ) : lossRatio.data ? (
            <p className="muted">{t('insurer.nothingEarned')}</p>
          ) : (
            <Loading error={lossRatio.error} />
          )}
        </Section>
      </div>

      <IndicatorsSection path="/insurer/indicators?months=6" />

      <Products />

      <BulkIssue />

      <Section title={t('insurer.policies')} id="insurer-policies">
        {dashboard && (
          <div className="stats">
            {POLICY_STATES.map((state) => (
              <Stat key={state} label={label('policyState', state)} value={dashboard.policies.counts[state]} testId={`policies-${state}`} />
            ))}
          </div>
        )}
        <Policies />
      </Section>

      <Section title={t('insurer.claimsQueue')} id="insurer-claims">
        {dashboard && (
          <div className="stats">
            {CLAIM_STATES.map((state) => (
              <Stat key={state} label={label('claimState', state)} value={`${dashboard.claims.byState[state].count} · ${formatMoney(firstOrZero(dashboard.claims.byState[state].amounts), language)}`} />
            ))}
          </div>
        )}
        <Claims />
      </Section>

      <DeclarationList id="insurer-disasters" mine="mineInsurer" />
    </>
  );
}

function Products() {
  const { t, label, language } = useI18n();
  const { session } = useSession();
  const products = usePages<Product>(`/products?insurerId=${encodeURIComponent(session!.user.insurerId!)}&includeRetired=true`);
  const columns: Column<Product>[] = [
    { id: 'name', header: t('insurer.product'), rowHeader: true, cell: (product) => product.terms.name },
    { id: 'kind', header: t('insurer.coverageKind'), cell: (product) => label('coverageKind', product.terms.coverageKind) },
    { id: 'premium', header: t('insurer.annualPremium'), cell: (product) => formatMoney(product.terms.annualPremium, language) },
    { id: 'sum', header: t('insurer.sumInsured'), cell: (product) => formatMoney(product.terms.sumInsured, language) },
    { id: 'terms', header: t('insurer.terms'), cell: (product) => t('insurer.termsText', { term: product.terms.termDays, waiting: product.terms.waitingPeriodDays }) },
  ];
  return (
    <Section title={t('insurer.products')} id="insurer-products">
      {products.items ? <DataTable label={t('insurer.products')} testId="products-table" columns={columns} rows={products.items} rowKey={(product) => product.productId} /> : <Loading error={products.error} />}
      <Pager list={products} label={t('insurer.products')} />
    </Section>
  );
}

/** The insurer's policies, newest request first, a page at a time; each carries its household, so nothing is asked per row. */
function Policies() {
  const { t, label, language } = useI18n();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [region, setRegion] = useState('');
  const searched = useDebounced(search.trim());
  const regionFilter = useDebounced(/^\d{2,12}$/.test(region.trim()) ? region.trim() : '');
  const policies = usePages<Policy>(withQuery('/insurer/policies', { search: searched, status, region: regionFilter }));
  return (
    <>
      <Filters>
        <SearchField label={t('insurer.searchPolicy')} value={search} onChange={setSearch} hint={t('insurer.searchPolicyHint')} maxLength={64} />
        <SelectField label={t('insurer.status')} value={status} onChange={setStatus} options={[{ value: '', label: t('common.any') }, ...POLICY_STATES.map((value) => ({ value, label: label('policyState', value) }))]} />
        <Field label={t('insurer.region')} value={region} onChange={setRegion} inputMode="numeric" hint={t('insurer.regionHint')} />
      </Filters>
      {!policies.items ? (
        <Loading error={policies.error} />
      ) : policies.items.length === 0 ? (
        <p className="muted">{t('common.nothingFound')}</p>
      ) : (
        <ul className="cards" data-testid="policies">
          {policies.items.map((policy) => (
            <li key={policy.policyId} className="item" data-key={policy.policyId} data-household-code={policy.household.householdCode} data-policy-state={policy.status}>
              <h3>
                {policy.policyNumber ?? t('insurer.unnumbered')} · {t('insurer.household', { code: policy.household.householdCode })} <span className="badge">{label('policyState', policy.status)}</span>
              </h3>
              <p>
                {t('insurer.policyLine', { premium: formatMoney(policy.premium, language), cover: formatMoney(policy.remainingCover, language), start: formatDate(policy.startDate, language), end: formatDate(policy.endDate, language) })}
              </p>
              {policy.status === 'requested' && <IssuePolicy policy={policy} />}
              {policy.status === 'active' && <FileClaim policy={policy} />}
            </li>
          ))}
        </ul>
      )}
      <Pager list={policies} label={t('insurer.policies')} />
    </>
  );
}

/** Which claims a state filter asks for: by default the queue (filed claims to decide, approved claims to pay), oldest first. */
const CLAIM_FILTERS = ['queue', ...CLAIM_STATES] as const;

function Claims() {
  const { t, label, language } = useI18n();
  const [filter, setFilter] = useState<string>('queue');
  const [filedFrom, setFiledFrom] = useState('');
  const [filedTo, setFiledTo] = useState('');
  const claims = usePages<Claim>(withQuery('/insurer/claims', { state: filter === 'queue' ? 'filed,approved' : filter, from: filedFrom, to: filedTo }));
  return (
    <>
      <Filters>
        <SelectField
          label={t('insurer.claimState')}
          value={filter}
          onChange={setFilter}
          options={CLAIM_FILTERS.map((value) => ({ value, label: value === 'queue' ? t('insurer.claimFilter.queue') : label('claimState', value) }))}
        />
        <Field label={t('insurer.filedFrom')} name="filedFrom" type="date" value={filedFrom} onChange={setFiledFrom} />
        <Field label={t('insurer.filedTo')} name="filedTo" type="date" value={filedTo} onChange={setFiledTo} />
      </Filters>
      {!claims.items ? (
        <Loading error={claims.error} />
      ) : claims.items.length === 0 ? (
        <p className="muted">{filter === 'queue' ? t('insurer.queueEmpty') : t('common.nothingFound')}</p>
      ) : (
        <ul className="cards" data-testid="claims-queue">
          {claims.items.map((claim) => (
            <li key={claim.claimId} className="item" data-key={claim.claimId} data-household-code={claim.householdCode} data-claim-state={claim.state}>
              <h3>
                <a href={`#/claim/${claim.claimId}`}>
                  {label('claimKind', claim.kind)} · {t('insurer.household', { code: claim.householdCode })}
                </a>{' '}
                <span className="badge">{label('claimState', claim.state)}</span>
              </h3>
              <p>{t('insurer.claimLine', { amount: formatMoney(claim.amountClaimed, language), incident: formatDate(claim.incidentDate, language), filed: formatDate(claim.filedAt, language) })}</p>
              <EvidenceList policyId={claim.policyId} claimId={claim.claimId} files={claim.evidenceFiles} listed={claim.evidence} />
              {claim.state === 'filed' && <DecideClaim claim={claim} />}
              {claim.state === 'approved' && <PayClaim claim={claim} />}
            </li>
          ))}
        </ul>
      )}
      <Pager list={claims} label={t('insurer.claimsQueue')} />
    </>
  );
}

/** Posts a form to the API and shows each field's message next to it (or the refusal above the button). */
export function useCommand(onDone?: () => void) {
  const { post } = useSession();
  const refresh = useRefresh();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const run = async (path: string, body: unknown) => {
    setErrors({});
    setFormError(undefined);
    try {
      await post(path, body);
      onDone?.();
      refresh();
    } catch (failure) {
      if (failure instanceof ApiError && Object.keys(failure.fieldErrors).length) setErrors(failure.fieldErrors);
      else setFormError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return { errors, setErrors, formError, run };
}

export function InlineForm({ label, onSubmit, children }: { label: string; onSubmit: () => void; children: ReactNode }) {
  return (
    <form
      className="inline"
      aria-label={label}
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

function IssuePolicy({ policy }: { policy: Policy }) {
  const { t } = useI18n();
  const [policyNumber, setPolicyNumber] = useState('');
  const [startDate, setStartDate] = useState(today());
  const { errors, formError, run } = useCommand();
  return (
    <InlineForm label={t('insurer.issue')} onSubmit={() => run(`/policies/${policy.policyId}/issue`, { policyNumber, startDate })}>
      <Field label={t('insurer.policyNumber')} name="policyNumber" value={policyNumber} onChange={setPolicyNumber} error={errors.policyNumber} />
      <Field label={t('insurer.startDate')} name="startDate" type="date" value={startDate} onChange={setStartDate} error={errors.startDate} />
      <FormMessage error={formError} />
      <button type="submit">{t('insurer.issue')}</button>
    </InlineForm>
  );
}

export function FileClaim({ policy }: { policy: Policy }) {
  const { t, label } = useI18n();
  const [open, setOpen] = useState(false);
  const [incidentDate, setIncidentDate] = useState(today());
  const [kind, setKind] = useState<string>('illness');
  const [amount, setAmount] = useState('');
  const [evidence, setEvidence] = useState('');
  const [evidenceFiles, setEvidenceFiles] = useState<{ name: string; sha256: string }[]>([]);
  const { errors, setErrors, formError, run } = useCommand(() => setOpen(false));
  if (!open)
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        {t('insurer.fileClaim')}
      </button>
    );
  const submit = () => {
    const fen = parseMajorUnits(amount);
    if (fen === undefined) return setErrors({ 'amountClaimed.amount': t('donor.amountFormat') });
    const files = evidence.split(',').map((file) => file.trim()).filter(Boolean);
    return run(`/policies/${policy.policyId}/claims`, { incidentDate, kind, amountClaimed: { amount: fen, currency: policy.premium.currency }, evidence: files, evidenceFiles });
  };
  return (
    <InlineForm label={t('insurer.fileClaim')} onSubmit={submit}>
      <Field label={t('insurer.incidentDate')} name="incidentDate" type="date" value={incidentDate} onChange={setIncidentDate} error={errors.incidentDate} />
      <SelectField label={t('insurer.claimKind')} name="kind" value={kind} onChange={setKind} error={errors.kind} options={CLAIM_KINDS.map((value) => ({ value, label: label('claimKind', value) }))} />
      <Field label={t('insurer.amountClaimed')} name="amountClaimed" inputMode="decimal" value={amount} onChange={setAmount} error={errors['amountClaimed.amount']} hint={t('donor.amountHint')} />
      <Field label={t('insurer.evidence')} name="evidence" value={evidence} onChange={setEvidence} error={errors.evidence} hint={t('insurer.evidenceHint')} />
      <EvidenceUpload onChange={setEvidenceFiles} />
      <FormMessage error={formError} />
      <button type="submit">{t('insurer.fileClaimSubmit')}</button>
    </InlineForm>
  );
}

export function DecideClaim({ claim }: { claim: Claim }) {
  const { t } = useI18n();
  const [decision, setDecision] = useState<'full' | 'part' | 'reject'>('full');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const { errors, setErrors, formError, run } = useCommand();
  const submit = () => {
    if (decision === 'reject') return run(`/policies/${claim.policyId}/claims/${claim.claimId}/reject`, { reason });
    if (decision === 'full') return run(`/policies/${claim.policyId}/claims/${claim.claimId}/approve`, note ? { note } : {});
    const fen = parseMajorUnits(amount);
    if (fen === undefined) return setErrors({ 'approvedAmount.amount': t('donor.amountFormat') });
    return run(`/policies/${claim.policyId}/claims/${claim.claimId}/approve`, { approvedAmount: { amount: fen, currency: claim.amountClaimed.currency }, ...(note ? { note } : {}) });
  };
  return (
    <InlineForm label={t('insurer.decide')} onSubmit={submit}>
      <fieldset>
        <legend>{t('insurer.decision')}</legend>
        {(['full', 'part', 'reject'] as const).map((choice) => (
          <label key={choice} className="choice">
            <input type="radio" name={`decision-${claim.claimId}`} value={choice} checked={decision === choice} onChange={() => setDecision(choice)} /> {t(`insurer.decision.${choice}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'part' && <Field label={t('insurer.approvedAmount')} name="approvedAmount" inputMode="decimal" value={amount} onChange={setAmount} error={errors['approvedAmount.amount'] ?? errors.approvedAmount} hint={t('donor.amountHint')} />}
      {decision === 'reject' ? (
        <Field label={t('insurer.reason')} name="reason" value={reason} onChange={setReason} error={errors.reason} />
      ) : (
        <Field label={t('insurer.note')} name="note" value={note} onChange={setNote} error={errors.note} />
      )}
      <FormMessage error={formError} />
      <button type="submit">{t('insurer.decideSubmit')}</button>
    </InlineForm>
  );
}

export function PayClaim({ claim }: { claim: Claim }) {
  const { t, language } = useI18n();
  const [payoutReference, setPayoutReference] = useState('');
  const { errors, formError, run } = useCommand();
  return (
    <InlineForm label={t('insurer.pay')} onSubmit={() => run(`/policies/${claim.policyId}/claims/${claim.claimId}/payment`, { payoutReference })}>
      <p>{t('insurer.approvedFor', { amount: formatMoney(claim.approvedAmount ?? undefined, language) })}</p>
      <Field label={t('insurer.payoutReference')} name="payoutReference" value={payoutReference} onChange={setPayoutReference} error={errors.payoutReference} />
      <FormMessage error={formError} />
      <button type="submit">{t('insurer.pay')}</button>
    </InlineForm>
  );
}
