import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Money } from '../api';
import { Loading, useApi } from '../components/common';
import { ReceiptRefusal } from '../components/receipt-refusal';
import { formatDate, formatMoney } from '../format';
import { useI18n, type Translate } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { fetchReceiptText, fetchVerifierKey, receiptPath, verifyLinkOf } from '../receipts';
import { useSession } from '../session';
import type { GiftTrace } from './donor';
import type { TrailStep } from '../verify/receipt-verifier';

/** A step of the gift's proven trail, as the certificate prints it: its kind, date, main amount and the texts' values. */
interface CertificateStep {
  kind: TrailStep['kind'];
  at: string;
  /** The money the step moved or committed, if any (a policy's issue moves none). */
  amount?: Money;
  values: Record<string, string | number | Money>;
}

interface ProvenReceipt {
  steps: CertificateStep[];
  /** Pseudonymous codes (HH-…) of the households the gift's money was allocated to, in trail order. */
  households: string[];
  checkpoint: { origin: string; size: string; rootHash: string };
  signedBy: string;
  complete: boolean;
}

type Verified = { ok: true; receipt: ProvenReceipt } | { ok: false; failure: string };

/**
 * A printable certificate of one gift: its amount, date and the households (by code) or programme
 * it reached, its money trail as the receipt proves it, the checkpoint it is proven against, and a
 * QR code of the verification page's link that loads the receipt. The receipt is fetched and
 * verified in the page first (the code `pangolin-verify` runs): nothing unproven is certified.
 */
export function CertificatePage({ giftId }: { giftId: string }) {
  const { t, language } = useI18n();
  const { get } = useSession();
  const gift = useApi<GiftTrace>(`/gifts/${encodeURIComponent(giftId)}`);
  const proof = useQuery({ queryKey: ['certificate', giftId], queryFn: () => provenReceipt(get, giftId), retry: false, staleTime: Infinity });
  const link = verifyLinkOf(giftId);
  const qr = useQrCode(link);
  const error = gift.error ?? (proof.error ? proof.error.message : undefined);

  if (error || !gift.data || !proof.data) {
    return (
      <>
        <h1>{t('certificate.title')}</h1>
        {error ? <Loading error={error} /> : <p className="muted" aria-live="polite">{t('certificate.checking')}</p>}
        <BackToGifts />
      </>
    );
  }
  if (!proof.data.ok) {
    return (
      <>
        <h1>{t('certificate.title')}</h1>
        <div role="alert" data-testid="certificate-refused">
          <p className="field-error">{t('certificate.unverified')}</p>
          <ReceiptRefusal failure={proof.data.failure} />
        </div>
        <BackToGifts />
      </>
    );
  }
  const { receipt } = proof.data;
  const trace = gift.data;
  const money = (value: Money) => formatMoney(value, language);
  const target = trace.target.kind === 'household' ? t('certificate.household', { code: trace.target.householdCode ?? '—' }) : t('certificate.programme', { name: trace.target.programmeName ?? trace.target.regionCode });
  return (
    <>
      <p className="no-print certificate-actions">
        <button type="button" onClick={() => window.print()}>
          {t('certificate.print')}
        </button>{' '}
        <span className="muted">{t('certificate.printHint')}</span>
      </p>
      <article className="certificate" data-testid="certificate" aria-labelledby="certificate-title">
        <header>
          <p className="certificate-brand">{t('app.name')}</p>
          <h1 id="certificate-title">{t('certificate.title')}</h1>
          <p className="lead">{t('certificate.lead')}</p>
        </header>
        <dl className="facts">
          <dt>{t('certificate.amount')}</dt>
          <dd data-testid="certificate-amount">{money(trace.paidAt ? trace.received : trace.pledged)}</dd>
          <dt>{t('certificate.date')}</dt>
          <dd data-testid="certificate-date">{formatDate(trace.paidAt ?? trace.pledgedAt, language)}</dd>
          <dt>{t('certificate.reached')}</dt>
          <dd data-testid="certificate-reached">
            {target}
            {trace.target.kind === 'programme' && <> · {receipt.households.length ? t('certificate.households', { codes: receipt.households.join(', ') }) : t('certificate.notYetAllocated')}</>}
          </dd>
          <dt>{t('certificate.giftId')}</dt>
          <dd>
            <code>{giftId}</code>
          </dd>
        </dl>
        <h2>{t('certificate.trail')}</h2>
        <ol className="certificate-trail" data-testid="certificate-trail">
          {receipt.steps.map((step, index) => (
            <li key={index} data-kind={step.kind} data-amount={step.amount?.amount}>
              <span className="muted">{formatDate(step.at, language)}</span> {stepText(t, step, language, target)}
            </li>
          ))}
        </ol>
        <div className="certificate-proof">
          <div>
            <h2>{t('certificate.proof')}</h2>
            <p>{t('certificate.verifiedHere', { events: receipt.steps.length, origin: receipt.checkpoint.origin, signedBy: receipt.signedBy })}</p>
            <p>{receipt.complete ? t('verify.complete', { events: receipt.steps.length }) : t('verify.unproven')}</p>
            <dl className="facts">
              <dt>{t('certificate.checkpointSize')}</dt>
              <dd data-testid="certificate-size">{receipt.checkpoint.size}</dd>
              <dt>{t('certificate.root')}</dt>
              <dd>
                <code className="hash" data-testid="certificate-root">
                  {receipt.checkpoint.rootHash}
                </code>
              </dd>
            </dl>
            <p className="muted">{t('certificate.pseudonymous')}</p>
          </div>
          <figure className="certificate-qr">
            {qr ? <img src={qr} alt={t('certificate.qrAlt')} data-testid="certificate-qr" data-link={link} width={176} height={176} /> : <span className="muted">{t('common.loading')}</span>}
            <figcaption>
              {t('certificate.qrCaption')}
              <br />
              <code>{link}</code>
            </figcaption>
          </figure>
        </div>
      </article>
      <BackToGifts />
    </>
  );
}

function BackToGifts() {
  const { t } = useI18n();
  return (
    <p className="no-print">
      <a href="#/donor">{t('certificate.back')}</a>
    </p>
  );
}

/** `text` as a QR code: an SVG image's data URL, drawn by the qrcode library (loaded with the first certificate; undefined until drawn). */
function useQrCode(text: string): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let current = true;
    void import('qrcode')
      .then((qrcode) => qrcode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }))
      .then((svg) => current && setUrl(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`));
    return () => {
      current = false;
    };
  }, [text]);
  return url;
}

/** The gift's receipt fetched with the session and verified against the log's public key, in the page. */
async function provenReceipt(get: <T>(path: string) => Promise<T>, giftId: string): Promise<Verified> {
  const [text, key, verifier] = await Promise.all([fetchReceiptText(get, receiptPath(giftId)), fetchVerifierKey(), import('../verify/receipt-verifier')]);
  const result = verifier.verifyReceipt(text, key);
  if (!result.ok) return { ok: false, failure: result.failure };
  const code = verifier.householdCodeOf;
  const households: string[] = [];
  const steps = result.trail.steps.map((step): CertificateStep => {
    if (step.kind === 'allocated' && !households.includes(code(step.householdId))) households.push(code(step.householdId));
    return certificateStep(step, code);
  });
  const { checkpoint } = result;
  return {
    ok: true,
    receipt: {
      steps,
      households,
      checkpoint: { origin: checkpoint.origin, size: checkpoint.size.toString(), rootHash: base64(checkpoint.rootHash) },
      signedBy: result.signedBy.join(', '),
      complete: result.completeness === 'proven',
    },
  };
}

/** What the certificate says of a step: never an id of a person, only a household's code, a policy's number and amounts. */
function certificateStep(step: TrailStep, code: (householdId: string) => string): CertificateStep {
  const base = { kind: step.kind, at: step.at };
  switch (step.kind) {
    case 'gift-pledged':
    case 'payment-confirmed':
    case 'remainder-held':
    case 'remainder-refunded':
    case 'pledge-expired':
    case 'pledge-withdrawn':
    case 'premium-refund-credited':
      return { ...base, amount: step.amount, values: {} };
    case 'contribution-accepted':
      return { ...base, amount: step.amount, values: { code: code(step.householdId), funded: step.fundedTotal, premium: step.premium } };
    case 'allocation-planned':
      return { ...base, amount: step.total, values: { count: step.allocations.length } };
    case 'allocated':
      return { ...base, amount: step.amount, values: { code: code(step.householdId) } };
    case 'premium-fully-funded':
      return { ...base, amount: step.giftShare, values: { code: code(step.householdId), premium: step.premium } };
    case 'policy-requested':
      return { ...base, amount: step.premium, values: { code: code(step.householdId), sumInsured: step.sumInsured } };
    case 'policy-issued':
      return { ...base, values: { code: code(step.householdId), number: step.policyNumber, start: step.startDate, end: step.endDate } };
    case 'policy-cancelled':
      return { ...base, amount: step.giftRefund, values: { code: code(step.householdId), date: step.effectiveDate } };
    case 'policy-expired':
      return { ...base, values: { code: code(step.householdId), date: step.endDate } };
    case 'claim-paid':
      return { ...base, amount: step.amount, values: { code: code(step.householdId) } };
  }
}

/** A step in words, in the page's language: amounts in yuan, dates as the locale writes them. */
function stepText(t: Translate, step: CertificateStep, language: string, target: string): string {
  const values: Record<string, string | number> = { amount: step.amount ? formatMoney(step.amount, language) : '', target };
  for (const [name, value] of Object.entries(step.values)) {
    if (typeof value === 'object') values[name] = formatMoney(value, language);
    else values[name] = ['start', 'end', 'date'].includes(name) ? formatDate(String(value), language) : value;
  }
  return t(`certificate.step.${step.kind}` as MessageKey, values);
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
