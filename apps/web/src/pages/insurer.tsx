import { FormEvent, ReactNode, useState } from 'react';
import { ApiError, type Money } from '../api';
import { LineChart } from '../components/charts';
import { Loading, MoreButton, Section, Stat, TableWrap, useLoad, usePagedList } from '../components/common';
import { Field, FormMessage, SelectField } from '../components/form';
import { firstOrZero, formatBasisPoints, formatDate, formatMoney, parseMajorUnits, today } from '../format';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

export const CLAIM_KINDS = ['accident', 'illness', 'hospitalisation', 'death', 'disability', 'crop-loss', 'livestock-loss', 'property-damage', 'other'] as const;
const POLICY_STATES = ['requested', 'active', 'expired', 'cancelled'] as const;
const CLAIM_STATES = ['filed', 'approved', 'rejected', 'paid'] as const;

interface Policy {
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
interface Claim {
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
  const { session, get } = useSession();
  const view = useLoad(() => get<InsurerView>('/insurer/dashboard'), []);
  const products = usePagedList<Product>(get, `/products?insurerId=${encodeURIComponent(session!.user.insurerId!)}&includeRetired=true`);
  // Newest request first, each with its household's code.
  const policies = usePagedList<Policy>(get, '/insurer/policies');
  // What waits for the insurer, oldest first: filed claims to decide, approved claims to pay.
  const queue = usePagedList<Claim>(get, '/insurer/claims?state=filed,approved');
  const lossRatio = useLoad(() => get<LossRatio>('/insurer/loss-ratio?months=12'), []);
  const reload = () => {
    view.reload();
    policies.reload();
    queue.reload();
    lossRatio.reload();
  };
  if (!view.data) return <Loading error={view.error} />;
  const dashboard = view.data;
  const premiums = dashboard.premiums[0] ?? { currency: 'CNY', premiumsReceived: 0, premiumsEarned: 0, claimsPaid: 0, lossRatioBasisPoints: null };
  const money = (amount: number) => formatMoney({ amount, currency: premiums.currency }, language);
  const series = lossRatio.data?.series[0];

  return (
    <>
      <h1>{t('insurer.title')}</h1>
      <div className="grid two">
        <Section title={t('insurer.premiums')} id="insurer-premiums">
          <div className="stats">
            <Stat label={t('insurer.premiumsReceived')} value={money(premiums.premiumsReceived)} testId="premiums-received" />
            <Stat label={t('insurer.premiumsEarned')} value={money(premiums.premiumsEarned)} />
            <Stat label={t('insurer.claimsPaid')} value={money(premiums.claimsPaid)} testId="claims-paid" />
            <Stat label={t('insurer.lossRatio')} value={formatBasisPoints(premiums.lossRatioBasisPoints, language)} />
          </div>
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

      <Section title={t('insurer.products')} id="insurer-products">
        <TableWrap label={t('insurer.products')}>
          <thead>
            <tr>
              <th scope="col">{t('insurer.product')}</th>
              <th scope="col">{t('insurer.coverageKind')}</th>
              <th scope="col">{t('insurer.annualPremium')}</th>
              <th scope="col">{t('insurer.sumInsured')}</th>
              <th scope="col">{t('insurer.terms')}</th>
            </tr>
          </thead>
          <tbody>
            {(products.data ?? []).map((product) => (
              <tr key={product.productId}>
                <th scope="row">{product.terms.name}</th>
                <td>{label('coverageKind', product.terms.coverageKind)}</td>
                <td>{formatMoney(product.terms.annualPremium, language)}</td>
                <td>{formatMoney(product.terms.sumInsured, language)}</td>
                <td>{t('insurer.termsText', { term: product.terms.termDays, waiting: product.terms.waitingPeriodDays })}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
        <MoreButton more={products.more} />
      </Section>

      <Section title={t('insurer.policies')} id="insurer-policies">
        <div className="stats">
          {POLICY_STATES.map((state) => (
            <Stat key={state} label={label('policyState', state)} value={dashboard.policies.counts[state]} testId={`policies-${state}`} />
          ))}
        </div>
        <ul className="cards" data-testid="policies">
          {(policies.data ?? []).map((policy) => (
            <li key={policy.policyId} className="item" data-household-code={policy.household.householdCode} data-policy-state={policy.status}>
              <h3>
                {policy.policyNumber ?? t('insurer.unnumbered')} · {t('insurer.household', { code: policy.household.householdCode })} <span className="badge">{label('policyState', policy.status)}</span>
              </h3>
              <p>
                {t('insurer.policyLine', { premium: formatMoney(policy.premium, language), cover: formatMoney(policy.remainingCover, language), start: formatDate(policy.startDate, language), end: formatDate(policy.endDate, language) })}
              </p>
              {policy.status === 'requested' && <IssuePolicy policy={policy} onDone={reload} />}
              {policy.status === 'active' && <FileClaim policy={policy} onDone={reload} />}
            </li>
          ))}
        </ul>
        {!policies.data && <Loading error={policies.error} />}
        <MoreButton more={policies.more} />
      </Section>

      <Section title={t('insurer.claimsQueue')} id="insurer-claims">
        <div className="stats">
          {CLAIM_STATES.map((state) => (
            <Stat key={state} label={label('claimState', state)} value={`${dashboard.claims.byState[state].count} · ${formatMoney(firstOrZero(dashboard.claims.byState[state].amounts), language)}`} />
          ))}
        </div>
        {!queue.data ? (
          <Loading error={queue.error} />
        ) : queue.data.length === 0 ? (
          <p className="muted">{t('insurer.queueEmpty')}</p>
        ) : (
          <ul className="cards" data-testid="claims-queue">
            {queue.data.map((claim) => (
              <li key={claim.claimId} className="item" data-household-code={claim.householdCode} data-claim-state={claim.state}>
                <h3>
                  {label('claimKind', claim.kind)} · {t('insurer.household', { code: claim.householdCode })} <span className="badge">{label('claimState', claim.state)}</span>
                </h3>
                <p>{t('insurer.claimLine', { amount: formatMoney(claim.amountClaimed, language), incident: formatDate(claim.incidentDate, language), filed: formatDate(claim.filedAt, language) })}</p>
                {claim.state === 'filed' ? <DecideClaim claim={claim} onDone={reload} /> : <PayClaim claim={claim} onDone={reload} />}
              </li>
            ))}
          </ul>
        )}
        <MoreButton more={queue.more} />
      </Section>
    </>
  );
}

/** Posts a form to the API and shows each field's message next to it (or the refusal above the button). */
function useCommand(onDone: () => void) {
  const { post } = useSession();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const run = async (path: string, body: unknown) => {
    setErrors({});
    setFormError(undefined);
    try {
      await post(path, body);
      onDone();
    } catch (failure) {
      if (failure instanceof ApiError && Object.keys(failure.fieldErrors).length) setErrors(failure.fieldErrors);
      else setFormError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return { errors, setErrors, formError, run };
}

function InlineForm({ label, onSubmit, children }: { label: string; onSubmit: () => void; children: ReactNode }) {
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

function IssuePolicy({ policy, onDone }: { policy: Policy; onDone: () => void }) {
  const { t } = useI18n();
  const [policyNumber, setPolicyNumber] = useState('');
  const [startDate, setStartDate] = useState(today());
  const { errors, formError, run } = useCommand(onDone);
  return (
    <InlineForm label={t('insurer.issue')} onSubmit={() => run(`/policies/${policy.policyId}/issue`, { policyNumber, startDate })}>
      <Field label={t('insurer.policyNumber')} name="policyNumber" value={policyNumber} onChange={setPolicyNumber} error={errors.policyNumber} />
      <Field label={t('insurer.startDate')} name="startDate" type="date" value={startDate} onChange={setStartDate} error={errors.startDate} />
      <FormMessage error={formError} />
      <button type="submit">{t('insurer.issue')}</button>
    </InlineForm>
  );
}

function FileClaim({ policy, onDone }: { policy: Policy; onDone: () => void }) {
  const { t, label } = useI18n();
  const [open, setOpen] = useState(false);
  const [incidentDate, setIncidentDate] = useState(today());
  const [kind, setKind] = useState<string>('illness');
  const [amount, setAmount] = useState('');
  const [evidence, setEvidence] = useState('');
  const { errors, setErrors, formError, run } = useCommand(() => {
    setOpen(false);
    onDone();
  });
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
    return run(`/policies/${policy.policyId}/claims`, { incidentDate, kind, amountClaimed: { amount: fen, currency: policy.premium.currency }, evidence: files });
  };
  return (
    <InlineForm label={t('insurer.fileClaim')} onSubmit={submit}>
      <Field label={t('insurer.incidentDate')} name="incidentDate" type="date" value={incidentDate} onChange={setIncidentDate} error={errors.incidentDate} />
      <SelectField label={t('insurer.claimKind')} name="kind" value={kind} onChange={setKind} error={errors.kind} options={CLAIM_KINDS.map((value) => ({ value, label: label('claimKind', value) }))} />
      <Field label={t('insurer.amountClaimed')} name="amountClaimed" inputMode="decimal" value={amount} onChange={setAmount} error={errors['amountClaimed.amount']} hint={t('donor.amountHint')} />
      <Field label={t('insurer.evidence')} name="evidence" value={evidence} onChange={setEvidence} error={errors.evidence} hint={t('insurer.evidenceHint')} />
      <FormMessage error={formError} />
      <button type="submit">{t('insurer.fileClaimSubmit')}</button>
    </InlineForm>
  );
}

function DecideClaim({ claim, onDone }: { claim: Claim; onDone: () => void }) {
  const { t } = useI18n();
  const [decision, setDecision] = useState<'full' | 'part' | 'reject'>('full');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const { errors, setErrors, formError, run } = useCommand(onDone);
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

function PayClaim({ claim, onDone }: { claim: Claim; onDone: () => void }) {
  const { t, language } = useI18n();
  const [payoutReference, setPayoutReference] = useState('');
  const { errors, formError, run } = useCommand(onDone);
  return (
    <InlineForm label={t('insurer.pay')} onSubmit={() => run(`/policies/${claim.policyId}/claims/${claim.claimId}/payment`, { payoutReference })}>
      <p>{t('insurer.approvedFor', { amount: formatMoney(claim.approvedAmount ?? undefined, language) })}</p>
      <Field label={t('insurer.payoutReference')} name="payoutReference" value={payoutReference} onChange={setPayoutReference} error={errors.payoutReference} />
      <FormMessage error={formError} />
      <button type="submit">{t('insurer.pay')}</button>
    </InlineForm>
  );
}
