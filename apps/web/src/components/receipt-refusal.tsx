import { useI18n } from '../i18n/i18n';

/**
 * Why a receipt did not verify, in the page's language: the verifier (the library `pangolin-verify`
 * runs) states its failure in English, so the page says which check failed in its own words, and
 * keeps the verifier's words, as the command line prints them, folded away below.
 */
export function ReceiptRefusal({ failure }: { failure: string }) {
  const { t } = useI18n();
  const event = /^event (\d+) \(leaf/.exec(failure);
  const why = event
    ? t('verify.why.event', { number: event[1] })
    : /not valid UTF-8|malformed/.test(failure)
      ? t('verify.why.malformed')
      : /trail map|trail of|whole trail/.test(failure)
        ? t('verify.why.trail')
        : /signature|signed|verifier key|of the log|cosignature|witness/.test(failure)
          ? t('verify.why.signature')
          : t('verify.why.other');
  return (
    <>
      <p data-testid="verdict-why">{why}</p>
      <details>
        <summary>{t('verify.whyDetail')}</summary>
        <p lang="en" data-testid="verdict-failure">
          {failure}
        </p>
      </details>
    </>
  );
}
