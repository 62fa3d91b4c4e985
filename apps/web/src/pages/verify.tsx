import { useEffect, useState } from 'react';
import { Section } from '../components/common';
import { ReceiptRefusal } from '../components/receipt-refusal';
import { useI18n } from '../i18n/i18n';
import { fetchReceiptText, fetchVerifierKey, receiptPath } from '../receipts';
import { useSession } from '../session';

type Verdict =
  | { ok: true; size: string; origin: string; signedBy: string; events: number; giftId: string; complete: boolean; trail: string }
  | { ok: false; failure: string };

/**
 * A donor's receipt verified in the browser, by the same code as `pangolin-verify` (loaded with
 * this page), against the log's public key: the receipt never leaves the page.
 */
export function VerifyPage({ giftId }: { giftId?: string }) {
  const { t } = useI18n();
  const { session, get } = useSession();
  const [key, setKey] = useState('');
  const [receipt, setReceipt] = useState<{ name: string; text: string }>();
  const [requireComplete, setRequireComplete] = useState(false);
  const [verdict, setVerdict] = useState<Verdict>();
  // A link for one gift (#/verify?gift=<id>, a certificate's QR code): its receipt is loaded with the session, then verified at once.
  const [linked, setLinked] = useState<{ state: 'loading' } | { state: 'loaded'; pending: boolean } | { state: 'failed'; error: string }>();
  useEffect(() => {
    void fetchVerifierKey().then((text) => setKey((current) => current || text));
  }, []);
  useEffect(() => {
    if (!giftId || !session) return;
    let current = true;
    setLinked({ state: 'loading' });
    fetchReceiptText(get, receiptPath(giftId)).then(
      (text) => {
        if (!current) return;
        setReceipt({ name: `pangolin-receipt-${giftId}.json`, text });
        setLinked({ state: 'loaded', pending: true });
      },
      (failure: unknown) => current && setLinked({ state: 'failed', error: failure instanceof Error ? failure.message : String(failure) }),
    );
    return () => {
      current = false;
    };
  }, [giftId, session, get]);

  const verify = async () => {
    if (!receipt) return;
    const { verifyReceipt, describeTrail } = await import('../verify/receipt-verifier');
    const result = verifyReceipt(receipt.text, key.trim(), { requireCompleteTrail: requireComplete });
    setVerdict(
      result.ok
        ? {
            ok: true,
            size: result.checkpoint.size.toString(),
            origin: result.checkpoint.origin,
            signedBy: result.signedBy.join(', '),
            events: result.trail.steps.length,
            giftId: result.trail.giftId,
            complete: result.completeness === 'proven',
            trail: describeTrail(result.trail),
          }
        : { ok: false, failure: result.failure },
    );
  };

  useEffect(() => {
    if (linked?.state === 'loaded' && linked.pending && receipt && key) {
      setLinked({ state: 'loaded', pending: false });
      void verify();
    }
  });

  return (
    <>
      <h1>{t('verify.title')}</h1>
      <p className="lead">{t('verify.intro')}</p>
      {giftId && (
        <div className="notice info" data-testid="verify-link" data-state={session ? (linked?.state ?? 'loading') : 'sign-in'}>
          <p>{t('verify.fromLink', { giftId })}</p>
          {!session ? (
            <>
              {t('verify.fromLinkSignIn')} <a href={`#/sign-in?then=${encodeURIComponent(`verify?gift=${giftId}`)}`}>{t('verify.signIn')}</a>
            </>
          ) : linked?.state === 'failed' ? (
            <span className="field-error" role="alert">
              {t('verify.fromLinkFailed', { error: linked.error })}
            </span>
          ) : linked?.state === 'loaded' ? (
            t('verify.fromLinkLoaded')
          ) : (
            t('verify.fromLinkLoading')
          )}
        </div>
      )}
      <Section title={t('verify.inputs')} id="verify-inputs">
        <div className="field">
          <label htmlFor="verify-receipt">{t('verify.receipt')}</label>
          <input
            id="verify-receipt"
            type="file"
            accept="application/json,.json"
            onChange={async (event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              setVerdict(undefined);
              if (file) setReceipt({ name: file.name, text: await file.text() });
            }}
          />
          {receipt && <small className="hint">{receipt.name}</small>}
        </div>
        <div className="field">
          <label htmlFor="verify-key">{t('verify.key')}</label>
          <input id="verify-key" value={key} onChange={(event) => setKey(event.target.value)} spellCheck={false} />
          <small className="hint">{t('verify.keyHint')}</small>
        </div>
        <label className="choice">
          <input type="checkbox" checked={requireComplete} onChange={(event) => setRequireComplete(event.target.checked)} /> {t('verify.requireComplete')}
        </label>
        <p>
          <button type="button" onClick={verify} disabled={!receipt || !key.trim()}>
            {t('verify.run')}
          </button>
        </p>
      </Section>
      {verdict && (
        <Section title={t('verify.verdict')} id="verify-verdict">
          {verdict.ok ? (
            <div data-testid="verdict" data-verdict="verified">
              <p className="form-success">{t('verify.verified', { events: verdict.events, size: verdict.size, origin: verdict.origin, signedBy: verdict.signedBy })}</p>
              <p>{verdict.complete ? t('verify.complete', { events: verdict.events }) : t('verify.unproven')}</p>
              <details>
                <summary>{t('verify.trail', { giftId: verdict.giftId })}</summary>
                <pre lang="en">{verdict.trail}</pre>
              </details>
            </div>
          ) : (
            <div data-testid="verdict" data-verdict="refused">
              <p className="field-error">{t('verify.refused')}</p>
              <ReceiptRefusal failure={verdict.failure} />
            </div>
          )}
        </Section>
      )}
    </>
  );
}
