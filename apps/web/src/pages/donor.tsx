import { FormEvent, useEffect, useState } from 'react';
import { ApiError, HOUSEHOLD_CATEGORIES, type Money, type Page } from '../api';
import { DataTable, Filters, Loading, MoreButton, Pager, SearchField, Section, useApi, useContinuedList, useDebounced, usePages, useRefresh, withQuery, type Column } from '../components/common';
import { Field, FieldError, FormMessage, SelectField } from '../components/form';
import { formatDate, formatMoney, majorUnitsText, parseMajorUnits } from '../format';
import { useI18n } from '../i18n/i18n';
import { fetchReceiptText } from '../receipts';
import { useRegionNames } from '../components/regions';
import { useSession } from '../session';

interface Product {
  productId: string;
  terms: { name: string; annualPremium: Money };
}
interface Programme {
  programmeId: string;
  name: string;
  regionCode: string;
  productId: string;
  closed: boolean;
}
interface UncoveredHousehold {
  householdId: string;
  householdCode: string;
  villageCode: string;
  category: string;
  size: number;
  remaining: Money;
}
interface Allocation {
  allocationId: string;
  householdCode: string | null;
  amount: Money;
  allocatedAt: string;
  policy: { policyNumber: string | null; status: string; startDate: string | null; endDate: string | null } | null;
  claimsPaid: { claimId: string; amount: Money; attributedToGift: Money; paidAt: string | null }[];
}
interface Refund {
  kind: string;
  amount: Money;
  at: string;
}
export interface GiftTrace {
  giftId: string;
  target: { kind: 'household'; householdCode: string | null } | { kind: 'programme'; programmeName: string | null; regionCode: string };
  status: string;
  pledged: Money;
  received: Money;
  allocated: Money;
  refunded: Money;
  held: Money;
  pledgedAt: string;
  paidAt: string | null;
  /** The first page of each; the rest at allocationsUrl and refundsUrl. */
  allocations: Page<Allocation>;
  refunds: Page<Refund>;
  allocationsUrl: string;
  refundsUrl: string;
  /** The gift's verifiable receipt (a JSON file the donor checks offline with `npx pangolin-verify`). */
  receiptUrl: string;
}

const GIFT_STATUSES = ['pledged', 'paid', 'partly-allocated', 'holding-remainder', 'settled', 'refunded', 'expired', 'withdrawn'] as const;

export function DonorPage() {
  const { t, label } = useI18n();
  const [status, setStatus] = useState('');
  const [targetKind, setTargetKind] = useState('');
  // Newest first.
  const gifts = usePages<GiftTrace>(withQuery('/donor/gifts', { status, targetKind }));
  return (
    <>
      <h1>{t('donor.title')}</h1>
      <Give />
      <Section title={t('donor.myGifts')} id="my-gifts">
        <Filters>
          <SelectField label={t('donor.giftStatus')} value={status} onChange={setStatus} options={[{ value: '', label: t('common.any') }, ...GIFT_STATUSES.map((value) => ({ value, label: label('giftStatus', value) }))]} />
          <SelectField
            label={t('donor.giveTo')}
            value={targetKind}
            onChange={setTargetKind}
            options={[
              { value: '', label: t('common.any') },
              { value: 'household', label: t('donor.toHousehold') },
              { value: 'programme', label: t('donor.toProgramme') },
            ]}
          />
        </Filters>
        {!gifts.items ? (
          <Loading error={gifts.error} />
        ) : gifts.items.length === 0 ? (
          <p className="muted">{status || targetKind ? t('common.nothingFound') : t('donor.noGifts')}</p>
        ) : (
          <div data-testid="gifts">
            {gifts.items.map((gift) => (
              <GiftTimeline key={gift.giftId} gift={gift} />
            ))}
          </div>
        )}
        <Pager list={gifts} label={t('donor.myGifts')} />
      </Section>
    </>
  );
}

function Give() {
  const { t, language } = useI18n();
  const { post } = useSession();
  const refresh = useRefresh();
  // The first 500 of each: enough for a choice in a select.
  const products = useApi<Page<Product>>('/products?limit=500');
  const programmes = useApi<Page<Programme>>('/programmes?closed=false&limit=500');
  const programmeRegion = useRegionNames((programmes.data?.items ?? []).map((programme) => programme.regionCode));
  const [kind, setKind] = useState<'household' | 'programme'>('household');
  const [productId, setProductId] = useState('');
  const [household, setHousehold] = useState<UncoveredHousehold>();
  const [programmeId, setProgrammeId] = useState('');
  const [amount, setAmount] = useState('');
  const [remainder, setRemainder] = useState<'hold' | 'refund'>('refund');
  const [paymentReference, setPaymentReference] = useState(() => newPaymentReference());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [given, setGiven] = useState<string>();

  useEffect(() => {
    if (!productId && products.data?.items[0]) setProductId(products.data.items[0].productId);
    if (!programmeId && programmes.data?.items[0]) setProgrammeId(programmes.data.items[0].programmeId);
  }, [products.data, programmes.data, productId, programmeId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    setGiven(undefined);
    // Said before anything is sent: no household chosen, an amount that is not yuan and fen.
    const fen = parseMajorUnits(amount);
    const problems = { ...(kind === 'household' && !household ? { household: t('donor.householdNeeded') } : {}), ...(fen === undefined ? { amount: t('donor.amountFormat') } : {}) };
    if (fen === undefined || Object.keys(problems).length) {
      setErrors(problems);
      return;
    }
    const money = { amount: fen, currency: 'CNY' };
    const target = kind === 'household' ? { kind, householdId: household?.householdId ?? '', productId } : { kind, programmeId };
    try {
      const { giftId } = await post<{ giftId: string }>('/gifts', { amount: money, target, remainder });
      await post(`/gifts/${giftId}/payment`, { paymentReference, amount: money });
      setGiven(formatMoney(money, language));
      setAmount('');
      setHousehold(undefined);
      setPaymentReference(newPaymentReference());
      refresh();
    } catch (failure) {
      if (failure instanceof ApiError && Object.keys(failure.fieldErrors).length) {
        const { 'amount.amount': amountError, 'target.householdId': householdError, 'target.programmeId': programmeError, ...rest } = failure.fieldErrors;
        setErrors({ ...rest, amount: amountError ?? rest.amount, household: householdError, programme: programmeError });
      } else setFormError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <Section title={t('donor.give')} id="give">
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>{t('donor.giveTo')}</legend>
          <label className="choice">
            <input type="radio" name="kind" value="household" checked={kind === 'household'} onChange={() => setKind('household')} /> {t('donor.toHousehold')}
          </label>
          <label className="choice">
            <input type="radio" name="kind" value="programme" checked={kind === 'programme'} onChange={() => setKind('programme')} /> {t('donor.toProgramme')}
          </label>
        </fieldset>
        {kind === 'household' ? (
          <>
            <SelectField
              label={t('donor.product')}
              value={productId}
              onChange={(value) => (setProductId(value), setHousehold(undefined))}
              options={(products.data?.items ?? []).map((p) => ({ value: p.productId, label: `${p.terms.name} (${formatMoney(p.terms.annualPremium, language)})` }))}
            />
            <HouseholdPicker
              productId={productId}
              chosen={household}
              error={errors.household}
              onChoose={(choice) => {
                setHousehold(choice);
                setAmount(majorUnitsText(choice.remaining.amount));
              }}
            />
          </>
        ) : (
          <SelectField
            label={t('donor.programme')}
            name="programme"
            value={programmeId}
            onChange={setProgrammeId}
            error={errors.programme}
            options={(programmes.data?.items ?? []).map((p) => ({ value: p.programmeId, label: `${p.name} (${programmeRegion(p.regionCode)})` }))}
          />
        )}
        <div className="grid two">
          <Field label={t('donor.amount')} name="amount" inputMode="decimal" value={amount} onChange={setAmount} error={errors.amount} hint={t('donor.amountHint')} />
          <SelectField
            label={t('donor.remainder')}
            name="remainder"
            value={remainder}
            onChange={(value) => setRemainder(value as 'hold' | 'refund')}
            error={errors.remainder}
            options={[
              { value: 'refund', label: t('donor.remainder.refund') },
              { value: 'hold', label: t('donor.remainder.hold') },
            ]}
          />
          <Field label={t('donor.paymentReference')} name="paymentReference" value={paymentReference} onChange={setPaymentReference} error={errors.paymentReference} hint={t('donor.paymentReferenceHint')} />
        </div>
        <FormMessage error={formError} success={given && t('donor.thanks', { amount: given })} />
        <button type="submit">{t('donor.giveSubmit')}</button>
      </form>
    </Section>
  );
}

/**
 * Picks one household still needing `productId`'s premium: searched by the start of its code,
 * narrowed to a region (down to a village) and a category, a page at a time.
 */
function HouseholdPicker({ productId, chosen, error, onChoose }: { productId: string; chosen: UncoveredHousehold | undefined; error?: string; onChoose(household: UncoveredHousehold): void }) {
  const { t, label, language } = useI18n();
  const [region, setRegion] = useState('44');
  const [code, setCode] = useState('');
  const [category, setCategory] = useState('');
  const regionCode = useDebounced(region.trim());
  // Household codes are upper case (HH-3F…): what is typed is matched as such.
  const search = useDebounced(code.trim().toUpperCase());
  const validRegion = /^\d{2,12}$/.test(regionCode);
  const uncovered = usePages<UncoveredHousehold>(productId && validRegion ? withQuery('/households/uncovered', { region: regionCode, productId, code: search, category }) : undefined);
  const regionName = useRegionNames((uncovered.items ?? []).map((household) => household.villageCode));
  const columns: Column<UncoveredHousehold>[] = [
    {
      id: 'choose',
      header: t('donor.choose'),
      rowHeader: true,
      cell: (household) => (
        <label className="choice">
          <input type="radio" name="household" value={household.householdId} checked={chosen?.householdId === household.householdId} onChange={() => onChoose(household)} /> {household.householdCode}
        </label>
      ),
    },
    { id: 'village', header: t('gov.village'), cell: (household) => regionName(household.villageCode) },
    { id: 'category', header: t('gov.category'), cell: (household) => label('category', household.category) },
    { id: 'size', header: t('gov.size'), cell: (household) => household.size },
    { id: 'remaining', header: t('donor.stillNeeded'), cell: (household) => formatMoney(household.remaining, language) },
  ];
  return (
    <fieldset>
      <legend>{t('donor.chooseHousehold')}</legend>
      <Filters>
        <Field label={t('donor.region')} name="region" inputMode="numeric" value={region} onChange={setRegion} hint={t('donor.regionHint')} error={regionCode && !validRegion ? t('donor.regionFormat') : undefined} />
        <SearchField label={t('gov.searchCode')} value={code} onChange={setCode} hint={t('gov.searchCodeHint')} maxLength={64} />
        <SelectField label={t('gov.category')} value={category} onChange={setCategory} options={[{ value: '', label: t('common.any') }, ...HOUSEHOLD_CATEGORIES.map((value) => ({ value, label: label('category', value) }))]} />
      </Filters>
      {error && <FieldError message={error} />}
      {chosen && <p className="form-success">{t('donor.chosen', { code: chosen.householdCode })}</p>}
      {!uncovered.items ? (
        <Loading error={uncovered.error} />
      ) : uncovered.items.length === 0 ? (
        <p className="muted">{search || category ? t('common.nothingFound') : t('donor.noneUncovered')}</p>
      ) : (
        <DataTable label={t('donor.chooseHousehold')} testId="uncovered-households" columns={columns} rows={uncovered.items} rowKey={(household) => household.householdId} />
      )}
      <Pager list={uncovered} label={t('donor.chooseHousehold')} />
    </fieldset>
  );
}

function newPaymentReference(): string {
  return `WEB-${Date.now().toString(36).toUpperCase()}-${Math.floor(Math.random() * 1e6)}`;
}

/** A gift's trace as a timeline: received -> allocated -> policy issued -> claim paid, with the amount at each step. */
function GiftTimeline({ gift }: { gift: GiftTrace }) {
  const { t, label, language } = useI18n();
  const money = (value: Money) => formatMoney(value, language);
  const allocations = useContinuedList(gift.allocationsUrl, gift.allocations);
  const refunds = useContinuedList(gift.refundsUrl, gift.refunds);
  const target = gift.target.kind === 'household' ? t('donor.targetHousehold', { code: gift.target.householdCode ?? '—' }) : t('donor.targetProgramme', { name: gift.target.programmeName ?? gift.target.regionCode });
  return (
    <article className="gift" data-testid="gift" data-key={gift.giftId} aria-label={t('donor.giftOf', { amount: money(gift.pledged), target })}>
      <h3>
        {money(gift.pledged)} · {target} <span className="badge">{label('giftStatus', gift.status)}</span>
      </h3>
      <ol className="timeline">
        <li className={gift.paidAt ? 'done' : 'pending'} data-step="received">
          <StepState done={Boolean(gift.paidAt)} />
          <strong>{t('donor.step.received')}</strong> {money(gift.received)} <span className="muted">{formatDate(gift.paidAt, language)}</span>
        </li>
        {allocations.items.map((allocation) => (
          <li key={allocation.allocationId} className="done" data-step="allocated">
            <StepState done />
            <strong>{t('donor.step.allocated')}</strong> {money(allocation.amount)} → {allocation.householdCode ?? '—'} <span className="muted">{formatDate(allocation.allocatedAt, language)}</span>
            <ol className="timeline nested">
              <li className={allocation.policy?.policyNumber ? 'done' : 'pending'} data-step="policy">
                <StepState done={Boolean(allocation.policy?.policyNumber)} />
                <strong>{t('donor.step.policy')}</strong>{' '}
                {allocation.policy?.policyNumber
                  ? t('donor.policyDetails', { number: allocation.policy.policyNumber, start: formatDate(allocation.policy.startDate, language), end: formatDate(allocation.policy.endDate, language), status: label('policyState', allocation.policy.status) })
                  : t('donor.policyPending')}
              </li>
              {allocation.claimsPaid.map((claim) => (
                <li key={claim.claimId} className="done" data-step="claim-paid">
                  <StepState done />
                  <strong>{t('donor.step.claimPaid')}</strong> {t('donor.claimDetails', { amount: money(claim.amount), share: money(claim.attributedToGift) })} <span className="muted">{formatDate(claim.paidAt, language)}</span>
                </li>
              ))}
            </ol>
          </li>
        ))}
        {allocations.more && (
          <li>
            <MoreButton more={allocations.more} />
          </li>
        )}
        {refunds.items.map((refund, index) => (
          <li key={index} className="done" data-step="refund">
            <StepState done />
            <strong>{label('refundKind', refund.kind)}</strong> {money(refund.amount)} <span className="muted">{formatDate(refund.at, language)}</span>
          </li>
        ))}
        {refunds.more && (
          <li>
            <MoreButton more={refunds.more} />
          </li>
        )}
        {gift.held.amount > 0 && (
          <li className="pending" data-step="held">
            <StepState done={false} />
            <strong>{t('donor.step.held')}</strong> {money(gift.held)}
          </li>
        )}
      </ol>
      <FormMessage error={allocations.error ?? refunds.error} />
      {gift.paidAt && <ReceiptDownload gift={gift} />}
    </article>
  );
}

/** Fetches the receipt with the session's token (a plain link would carry none) and saves it as a file. */
function ReceiptDownload({ gift }: { gift: GiftTrace }) {
  const { t } = useI18n();
  const { get } = useSession();
  const [error, setError] = useState<string>();
  const download = async () => {
    setError(undefined);
    try {
      const receipt = await fetchReceiptText(get, gift.receiptUrl);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([receipt], { type: 'application/json' }));
      link.download = `pangolin-receipt-${gift.giftId}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t('error.unexpected'));
    }
  };
  return (
    <p className="receipt">
      <button type="button" className="secondary" onClick={download}>
        {t('donor.receipt.download')}
      </button>{' '}
      <a className="button secondary" href={`#/certificate/${encodeURIComponent(gift.giftId)}`}>
        {t('donor.certificate.open')}
      </a>{' '}
      <span className="muted">{t('donor.receipt.hint')}</span>
      <FormMessage error={error} />
    </p>
  );
}

/** Whether a step of the timeline is done, in words (its dot shows it by shape and colour). */
function StepState({ done }: { done: boolean }) {
  const { t } = useI18n();
  return <span className="visually-hidden">{done ? t('donor.stepDone') : t('donor.stepPending')}</span>;
}
