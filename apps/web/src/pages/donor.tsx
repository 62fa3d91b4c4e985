import { FormEvent, useEffect, useState } from 'react';
import { ApiError, callApi, type Money, type Page } from '../api';
import { Loading, MoreButton, Section, TableWrap, useContinuedList, useLoad, usePagedList } from '../components/common';
import { Field, FieldError, FormMessage, SelectField } from '../components/form';
import { formatDate, formatMoney, majorUnitsText, parseMajorUnits } from '../format';
import { useI18n } from '../i18n/i18n';
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
interface GiftTrace {
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

export function DonorPage() {
  const { t } = useI18n();
  const { get } = useSession();
  // Newest first.
  const gifts = usePagedList<GiftTrace>(get, '/donor/gifts');
  return (
    <>
      <h1>{t('donor.title')}</h1>
      <Give onGiven={gifts.reload} />
      <Section title={t('donor.myGifts')} id="my-gifts">
        {!gifts.data ? <Loading error={gifts.error} /> : gifts.data.length === 0 ? <p className="muted">{t('donor.noGifts')}</p> : gifts.data.map((gift) => <GiftTimeline key={gift.giftId} gift={gift} />)}
        <MoreButton more={gifts.more} />
      </Section>
    </>
  );
}

function Give({ onGiven }: { onGiven: () => void }) {
  const { t, label, language } = useI18n();
  const { post } = useSession();
  // The first 500 of each: enough for a choice in a select.
  const catalogue = useLoad(
    async () => ({
      products: (await callApi<Page<Product>>('GET', '/products?limit=500', undefined)).items,
      programmes: (await callApi<Page<Programme>>('GET', '/programmes?closed=false&limit=500', undefined)).items,
    }),
    [],
  );
  const [kind, setKind] = useState<'household' | 'programme'>('household');
  const [productId, setProductId] = useState('');
  const [region, setRegion] = useState('44');
  const [householdId, setHouseholdId] = useState('');
  const [programmeId, setProgrammeId] = useState('');
  const [amount, setAmount] = useState('');
  const [remainder, setRemainder] = useState<'hold' | 'refund'>('refund');
  const [paymentReference, setPaymentReference] = useState(() => newPaymentReference());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [given, setGiven] = useState<string>();

  useEffect(() => {
    if (!productId && catalogue.data?.products[0]) setProductId(catalogue.data.products[0].productId);
    if (!programmeId && catalogue.data?.programmes.find((p) => !p.closed)) setProgrammeId(catalogue.data.programmes.find((p) => !p.closed)!.programmeId);
  }, [catalogue.data, productId, programmeId]);
  const uncovered = usePagedList<UncoveredHousehold>(
    (path) => callApi('GET', path, undefined),
    productId && /^\d{2,12}$/.test(region) ? `/households/uncovered?region=${region}&productId=${productId}` : undefined,
    [given],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    setGiven(undefined);
    const fen = parseMajorUnits(amount);
    if (fen === undefined) {
      setErrors({ amount: t('donor.amountFormat') });
      return;
    }
    const money = { amount: fen, currency: 'CNY' };
    const target = kind === 'household' ? { kind, householdId, productId } : { kind, programmeId };
    try {
      const { giftId } = await post<{ giftId: string }>('/gifts', { amount: money, target, remainder });
      await post(`/gifts/${giftId}/payment`, { paymentReference, amount: money });
      setGiven(formatMoney(money, language));
      setAmount('');
      setHouseholdId('');
      setPaymentReference(newPaymentReference());
      onGiven();
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
            <div className="grid two">
              <SelectField label={t('donor.product')} value={productId} onChange={setProductId} options={(catalogue.data?.products ?? []).map((p) => ({ value: p.productId, label: `${p.terms.name} (${formatMoney(p.terms.annualPremium, language)})` }))} />
              <Field label={t('donor.region')} name="region" inputMode="numeric" value={region} onChange={setRegion} hint={t('donor.regionHint')} />
            </div>
            <fieldset>
              <legend>{t('donor.chooseHousehold')}</legend>
              {errors.household && <FieldError message={errors.household} />}
              {!uncovered.data ? (
                <Loading error={uncovered.error} />
              ) : uncovered.data.length === 0 ? (
                <p className="muted">{t('donor.noneUncovered')}</p>
              ) : (
                <TableWrap label={t('donor.chooseHousehold')}>
                  <thead>
                    <tr>
                      <th scope="col">{t('donor.choose')}</th>
                      <th scope="col">{t('gov.village')}</th>
                      <th scope="col">{t('gov.category')}</th>
                      <th scope="col">{t('gov.size')}</th>
                      <th scope="col">{t('donor.stillNeeded')}</th>
                    </tr>
                  </thead>
                  <tbody data-testid="uncovered-households">
                    {uncovered.data.map((household) => (
                      <tr key={household.householdId}>
                        <td>
                          <label className="choice">
                            <input
                              type="radio"
                              name="household"
                              value={household.householdId}
                              checked={householdId === household.householdId}
                              onChange={() => {
                                setHouseholdId(household.householdId);
                                setAmount(majorUnitsText(household.remaining.amount));
                              }}
                            />{' '}
                            {household.householdCode}
                          </label>
                        </td>
                        <td>{household.villageCode}</td>
                        <td>{label('category', household.category)}</td>
                        <td>{household.size}</td>
                        <td>{formatMoney(household.remaining, language)}</td>
                      </tr>
                    ))}
                  </tbody>
                </TableWrap>
              )}
              <MoreButton more={uncovered.more} />
            </fieldset>
          </>
        ) : (
          <SelectField
            label={t('donor.programme')}
            name="programme"
            value={programmeId}
            onChange={setProgrammeId}
            error={errors.programme}
            options={(catalogue.data?.programmes ?? []).filter((p) => !p.closed).map((p) => ({ value: p.programmeId, label: `${p.name} (${p.regionCode})` }))}
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

function newPaymentReference(): string {
  return `WEB-${Date.now().toString(36).toUpperCase()}-${Math.floor(Math.random() * 1e6)}`;
}

/** A gift's trace as a timeline: received -> allocated -> policy issued -> claim paid, with the amount at each step. */
function GiftTimeline({ gift }: { gift: GiftTrace }) {
  const { t, label, language } = useI18n();
  const money = (value: Money) => formatMoney(value, language);
  const { get } = useSession();
  const allocations = useContinuedList(get, gift.allocationsUrl, gift.allocations);
  const refunds = useContinuedList(get, gift.refundsUrl, gift.refunds);
  const target = gift.target.kind === 'household' ? t('donor.targetHousehold', { code: gift.target.householdCode ?? '—' }) : t('donor.targetProgramme', { name: gift.target.programmeName ?? gift.target.regionCode });
  return (
    <article className="gift" data-testid="gift" aria-label={t('donor.giftOf', { amount: money(gift.pledged), target })}>
      <h3>
        {money(gift.pledged)} · {target} <span className="badge">{label('giftStatus', gift.status)}</span>
      </h3>
      <ol className="timeline">
        <li className={gift.paidAt ? 'done' : ''} data-step="received">
          <strong>{t('donor.step.received')}</strong> {money(gift.received)} <span className="muted">{formatDate(gift.paidAt, language)}</span>
        </li>
        {allocations.items.map((allocation) => (
          <li key={allocation.allocationId} className="done" data-step="allocated">
            <strong>{t('donor.step.allocated')}</strong> {money(allocation.amount)} → {allocation.householdCode ?? '—'} <span className="muted">{formatDate(allocation.allocatedAt, language)}</span>
            <ol className="timeline nested">
              <li className={allocation.policy?.policyNumber ? 'done' : ''} data-step="policy">
                <strong>{t('donor.step.policy')}</strong>{' '}
                {allocation.policy?.policyNumber
                  ? t('donor.policyDetails', { number: allocation.policy.policyNumber, start: formatDate(allocation.policy.startDate, language), end: formatDate(allocation.policy.endDate, language), status: label('policyState', allocation.policy.status) })
                  : t('donor.policyPending')}
              </li>
              {allocation.claimsPaid.map((claim) => (
                <li key={claim.claimId} className="done" data-step="claim-paid">
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
            <strong>{label('refundKind', refund.kind)}</strong> {money(refund.amount)} <span className="muted">{formatDate(refund.at, language)}</span>
          </li>
        ))}
        {refunds.more && (
          <li>
            <MoreButton more={refunds.more} />
          </li>
        )}
        {gift.held.amount > 0 && (
          <li data-step="held">
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
      const receipt = await get<unknown>(gift.receiptUrl);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(receipt, null, 2)], { type: 'application/json' }));
      link.download = `pangolin-receipt-${gift.giftId}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
    }
  };
  return (
    <p className="receipt">
      <button type="button" className="secondary" onClick={download}>
        {t('donor.receipt.download')}
      </button>{' '}
      <span className="muted">{t('donor.receipt.hint')}</span>
      <FormMessage error={error} />
    </p>
  );
}
