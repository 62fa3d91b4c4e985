import { FormEvent, useState } from 'react';
import { ApiError, HOUSEHOLD_CATEGORIES, pageAfter, type Money, type Page } from '../api';
import { BarChart } from '../components/charts';
import { IndicatorsSection } from '../components/indicators';
import { DataTable, Filters, Loading, Pager, SearchField, Section, Stat, useApi, useDebounced, usePages, useRefresh, withQuery, type Column } from '../components/common';
import { Field, FieldError, FormMessage, SelectField } from '../components/form';
import { firstOrZero, formatBasisPoints, formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';
import { useRegionNames } from '../components/regions';
import { HouseholdImport } from './household-import';
import { navigate } from '../router';
import { DeclarationList, DeclareDisaster } from './disasters';
import { useSession } from '../session';

const CLAIM_STATES = ['filed', 'approved', 'rejected', 'paid'] as const;

interface DashboardNode {
  code: string;
  level: string;
  registered: number;
  eligible: number;
  covered: number;
  coverageRateBasisPoints: number | null;
  money: { currency: string; received: number; allocated: number; claimsPaid: number }[];
  children: DashboardNode[];
}

export interface Household {
  householdId: string;
  householdCode: string;
  villageCode: string;
  category: string;
  size: number;
  eligible: boolean;
  covered: boolean;
  /** Null once the household's personal data has been erased. */
  personal: { headName: string; headNationalId: string; address: string } | null;
}

interface Dashboard extends DashboardNode {
  claims: { byState: Record<(typeof CLAIM_STATES)[number], { count: number; amounts: Money[] }> };
}

/** The dashboard carries its region's direct subdivisions (a county's towns, a town's villages); a village stands for itself. */
function areasOf(node: DashboardNode): DashboardNode[] {
  return node.level === 'village' ? [node] : node.children;
}

/** Every page of a list, for an export. */
async function everyPage<T>(get: (path: string) => Promise<Page<T>>, path: string): Promise<T[]> {
  const items: T[] = [];
  for (let page = await get(path); ; page = await get(pageAfter(path, page.nextCursor!))) {
    items.push(...page.items);
    if (page.nextCursor === null) return items;
  }
}

/** The codes from the officer's own region down to the one shown: county -> town -> village. */
function breadcrumb(own: string, current: string): string[] {
  return [own, ...[9, 12].filter((length) => length > own.length && length <= current.length).map((length) => current.slice(0, length))];
}

function csvOf(households: Household[]): string {
  const quote = (value: string | number) => `"${String(value).replace(/"/g, '""')}"`;
  const header = ['householdCode', 'householdId', 'villageCode', 'category', 'size', 'headName', 'headNationalId', 'address'];
  const rows = households.map((h) => [h.householdCode, h.householdId, h.villageCode, h.category, h.size, h.personal?.headName ?? '', h.personal?.headNationalId ?? '', h.personal?.address ?? '']);
  // A byte order mark, so spreadsheet programs read the Chinese names as UTF-8.
  return '\uFEFF' + [header, ...rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export function GovernmentPage({ region }: { region?: string }) {
  const { t } = useI18n();
  const { session, get } = useSession();
  const own = session!.user.regionCode!;
  const shown = region ?? own;
  const uncoveredPath = `/government/households?region=${encodeURIComponent(shown)}&eligible=true&covered=false`;
  const exportUncovered = async () => download(`uncovered-households-${shown}.csv`, csvOf(await everyPage<Household>(get, `${uncoveredPath}&limit=500`)));

  // The lists load alongside the dashboard, not after it; for a region outside the officer's own,
  // the dashboard's refusal is said once and no list is asked for.
  const inScope = shown.startsWith(own);
  const crumbs = breadcrumb(own, shown);
  const regionName = useRegionNames(crumbs);
  return (
    <>
      <nav aria-label={t('gov.breadcrumb')} className="breadcrumb">
        <ol>
          {crumbs.map((code) => (
            <li key={code}>{code === shown ? <span aria-current="page">{regionName(code)}</span> : <a href={`#/government/${code}`}>{regionName(code)}</a>}</li>
          ))}
        </ol>
      </nav>
      <Overview shown={shown} />

      {inScope && (
        <>
          <Section title={t('gov.uncovered')} id="gov-uncovered">
            <p>
              <button type="button" onClick={exportUncovered}>
                {t('gov.exportCsv')}
              </button>
            </p>
            <HouseholdList path={uncoveredPath} caption={t('gov.uncovered')} testId="uncovered-table" empty={t('gov.noneUncovered')} />
          </Section>

          <Section title={t('gov.allHouseholds')} id="gov-all">
            <HouseholdList path={`/government/households?region=${encodeURIComponent(shown)}`} caption={t('gov.allHouseholds')} testId="households-table" withStatusFilter verify />
          </Section>

          <RegisterHousehold defaultVillage={shown.length === 12 ? shown : ''} />
          <HouseholdImport />

          <DeclareDisaster region={shown} />
          <DeclarationList id="gov-disasters" mine="mineGovernment" />
        </>
      )}
      {shown !== own && (
        <p>
          <button type="button" className="secondary" onClick={() => navigate('government')}>
            {t('gov.backToRegion')}
          </button>
        </p>
      )}
    </>
  );
}

/** The region's figures: households, money, claims, coverage by area (each area a link to drill down). */
function Overview({ shown }: { shown: string }) {
  const { t, label, language } = useI18n();
  const dashboard = useApi<Dashboard>(`/government/dashboard?region=${encodeURIComponent(shown)}`);
  const regionName = useRegionNames([shown, ...(dashboard.data ? areasOf(dashboard.data).map((area) => area.code) : []), ...(dashboard.data?.children ?? []).map((child) => child.code)]);
  if (!dashboard.data) return <Loading error={dashboard.error} />;
  const view = dashboard.data;
  const money = view.money[0] ?? { currency: 'CNY', received: 0, allocated: 0, claimsPaid: 0 };
  const asMoney = (amount: number) => formatMoney({ amount, currency: money.currency }, language);
  const areaColumns: Column<DashboardNode>[] = [
    {
      id: 'area',
      header: t('gov.area'),
      rowHeader: true,
      cell: (child) => (
        <a href={`#/government/${child.code}`} aria-label={t('gov.drillDown', { code: child.code })}>
          {label('level', child.level)} {regionName(child.code)}
        </a>
      ),
    },
    { id: 'registered', header: t('gov.registered'), cell: (child) => child.registered },
    { id: 'eligible', header: t('gov.eligible'), cell: (child) => child.eligible },
    { id: 'covered', header: t('gov.covered'), cell: (child) => child.covered },
    { id: 'rate', header: t('gov.coverageRate'), cell: (child) => formatBasisPoints(child.coverageRateBasisPoints, language) },
  ];

  return (
    <>
      <h1>
        {t('gov.title')} · {label('level', view.level)} {regionName(view.code)}
      </h1>

      <Section title={t('gov.households')} id="gov-households">
        <div className="stats">
          <Stat label={t('gov.registered')} value={view.registered} testId="stat-registered" />
          <Stat label={t('gov.eligible')} value={view.eligible} testId="stat-eligible" />
          <Stat label={t('gov.covered')} value={view.covered} testId="stat-covered" />
          <Stat label={t('gov.coverageRate')} value={formatBasisPoints(view.coverageRateBasisPoints, language)} testId="stat-coverage" />
        </div>
      </Section>

      <div className="grid two">
        <Section title={t('gov.money')} id="gov-money">
          <div className="stats">
            <Stat label={t('gov.received')} value={asMoney(money.received)} testId="stat-received" />
            <Stat label={t('gov.allocated')} value={asMoney(money.allocated)} testId="stat-allocated" />
            <Stat label={t('gov.paidOut')} value={asMoney(money.claimsPaid)} testId="stat-paid-out" />
          </div>
        </Section>
        <Section title={t('gov.claims')} id="gov-claims">
          <div className="stats">
            {CLAIM_STATES.map((state) => (
              <Stat key={state} label={label('claimState', state)} value={`${view.claims.byState[state].count} · ${formatMoney(firstOrZero(view.claims.byState[state].amounts), language)}`} testId={`claims-${state}`} />
            ))}
          </div>
        </Section>
      </div>

      <Section title={t('gov.coverageByVillage')} id="gov-chart">
        <BarChart
          title={t('gov.coverageByVillage')}
          emptyText={t('gov.noVillages')}
          bars={areasOf(view).map((area) => ({
            label: regionName(area.code, 'short'),
            fraction: area.coverageRateBasisPoints === null ? null : area.coverageRateBasisPoints / 10_000,
            text: `${formatBasisPoints(area.coverageRateBasisPoints, language)} (${area.covered}/${area.eligible})`,
          }))}
        />
        {view.children.length > 0 && <DataTable label={t('gov.areas')} caption={t('gov.areas')} testId="areas-table" columns={areaColumns} rows={view.children} rowKey={(child) => child.code} />}
      </Section>

      <IndicatorsSection path={`/government/indicators?region=${encodeURIComponent(shown)}&months=6`} />
    </>
  );
}

/** Which households a status filter asks for. */
const STATUS_FILTERS: Record<string, Record<string, string>> = {
  all: {},
  unverified: { eligible: 'false' },
  uncovered: { eligible: 'true', covered: 'false' },
  covered: { covered: 'true' },
};

/** A page of a region's households, searched by the start of a household code and filtered by category (and status). */
function HouseholdList({ path, caption, testId, empty, withStatusFilter, verify }: { path: string; caption: string; testId: string; empty?: string; withStatusFilter?: boolean; verify?: boolean }) {
  const { t, label } = useI18n();
  const [code, setCode] = useState('');
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState('all');
  // Household codes are upper case (HH-3F…): what is typed is matched as such.
  const search = useDebounced(code.trim().toUpperCase());
  const list = usePages<Household>(withQuery(path, { code: search, category, ...STATUS_FILTERS[status] }));
  const filtered = Boolean(search || category || status !== 'all');
  return (
    <>
      <Filters>
        <SearchField label={t('gov.searchCode')} value={code} onChange={setCode} hint={t('gov.searchCodeHint')} maxLength={64} />
        <SelectField label={t('gov.category')} value={category} onChange={setCategory} options={[{ value: '', label: t('common.any') }, ...HOUSEHOLD_CATEGORIES.map((value) => ({ value, label: label('category', value) }))]} />
        {withStatusFilter && <SelectField label={t('gov.status')} value={status} onChange={setStatus} options={Object.keys(STATUS_FILTERS).map((value) => ({ value, label: t(`gov.statusFilter.${value}` as 'gov.statusFilter.all') }))} />}
      </Filters>
      {!list.items ? (
        <Loading error={list.error} />
      ) : list.items.length === 0 ? (
        <p className="muted">{filtered || !empty ? t('common.nothingFound') : empty}</p>
      ) : (
        <HouseholdTable households={list.items} caption={caption} testId={testId} verify={verify} />
      )}
      <Pager list={list} label={caption} />
    </>
  );
}

function HouseholdTable({ households, caption, testId, verify }: { households: Household[]; caption: string; testId: string; verify?: boolean }) {
  const { t, label } = useI18n();
  const regionName = useRegionNames(households.map((household) => household.villageCode));
  const columns: Column<Household>[] = [
    {
      id: 'code',
      header: t('gov.code'),
      rowHeader: true,
      cell: (household) => (
        <a href={`#/household/${household.householdId}`} aria-label={t('gov.openHousehold', { code: household.householdCode })}>
          {household.householdCode}
        </a>
      ),
    },
    { id: 'village', header: t('gov.village'), cell: (household) => regionName(household.villageCode) },
    { id: 'head', header: t('gov.head'), cell: (household) => household.personal?.headName ?? t('gov.erased') },
    { id: 'category', header: t('gov.category'), cell: (household) => label('category', household.category) },
    { id: 'size', header: t('gov.size'), cell: (household) => household.size },
    {
      id: 'status',
      header: t('gov.status'),
      cell: (household) => (household.covered ? t('gov.statusCovered') : household.eligible ? t('gov.statusEligible') : verify ? <VerifyEligibility household={household} /> : t('gov.statusUnverified')),
    },
  ];
  return <DataTable label={caption} testId={testId} columns={columns} rows={households} rowKey={(household) => household.householdId} rowAttributes={(household) => ({ 'data-household-code': household.householdCode })} />;
}

function VerifyEligibility({ household }: { household: Household }) {
  const { t, label } = useI18n();
  const { post } = useSession();
  const refresh = useRefresh();
  const [category, setCategory] = useState(household.category);
  const [errors, setErrors] = useState<{ category?: string; form?: string }>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    try {
      await post(`/households/${household.householdId}/eligibility/verify`, { category });
      refresh();
    } catch (failure) {
      // The category's refusal under it; any other (the household's state, a lost connection) above the button.
      if (failure instanceof ApiError && failure.fieldErrors.category) setErrors({ category: failure.fieldErrors.category });
      else setErrors({ form: failure instanceof Error ? failure.message : String(failure) });
    }
  };
  return (
    <form className="inline" onSubmit={submit} noValidate aria-label={t('gov.verifyFor', { code: household.householdCode })}>
      <SelectField label={t('gov.category')} value={category} onChange={setCategory} error={errors.category} options={HOUSEHOLD_CATEGORIES.map((value) => ({ value, label: label('category', value) }))} />
      {errors.form && <FieldError message={errors.form} />}
      <button type="submit">{t('gov.verify')}</button>
    </form>
  );
}

interface MemberInput {
  name: string;
  relation: string;
}

function RegisterHousehold({ defaultVillage }: { defaultVillage: string }) {
  const { t, label } = useI18n();
  const { post } = useSession();
  const refresh = useRefresh();
  const [villageCode, setVillageCode] = useState(defaultVillage);
  const [category, setCategory] = useState<string>(HOUSEHOLD_CATEGORIES[0]);
  const [headName, setHeadName] = useState('');
  const [headNationalId, setHeadNationalId] = useState('');
  const [address, setAddress] = useState('');
  const [members, setMembers] = useState<MemberInput[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [registered, setRegistered] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    setRegistered(undefined);
    try {
      const answer = await post<{ householdId: string; householdCode: string }>('/households', {
        villageCode: villageCode.trim(),
        category,
        personal: { headName, headNationalId: headNationalId.trim(), members, address },
      });
      setRegistered(answer.householdCode);
      setHeadName('');
      setHeadNationalId('');
      setAddress('');
      setMembers([]);
      refresh();
    } catch (failure) {
      if (failure instanceof ApiError && Object.keys(failure.fieldErrors).length) setErrors(failure.fieldErrors);
      else setFormError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const setMember = (index: number, change: Partial<MemberInput>) => setMembers(members.map((member, i) => (i === index ? { ...member, ...change } : member)));

  return (
    <Section title={t('gov.register')} id="gov-register">
      <form onSubmit={submit} noValidate>
        <div className="grid two">
          <Field label={t('gov.villageCode')} name="villageCode" inputMode="numeric" value={villageCode} onChange={setVillageCode} error={errors.villageCode} hint={t('gov.villageCodeHint')} />
          <SelectField label={t('gov.category')} name="category" value={category} onChange={setCategory} error={errors.category} options={HOUSEHOLD_CATEGORIES.map((value) => ({ value, label: label('category', value) }))} />
          <Field label={t('gov.headName')} name="headName" value={headName} onChange={setHeadName} error={errors['personal.headName']} />
          <Field label={t('gov.headNationalId')} name="headNationalId" value={headNationalId} onChange={setHeadNationalId} error={errors['personal.headNationalId']} />
          <Field label={t('gov.address')} name="address" value={address} onChange={setAddress} error={errors['personal.address']} />
        </div>
        <fieldset>
          <legend>{t('gov.members')}</legend>
          {errors['personal.members'] && <FieldError message={errors['personal.members']} />}
          {members.map((member, index) => (
            <div className="member-row" key={index}>
              <Field label={t('gov.memberName', { n: index + 1 })} value={member.name} onChange={(name) => setMember(index, { name })} error={errors[`personal.members[${index}].name`]} />
              <Field label={t('gov.memberRelation', { n: index + 1 })} value={member.relation} onChange={(relation) => setMember(index, { relation })} error={errors[`personal.members[${index}].relation`]} />
              <button type="button" className="secondary" onClick={() => setMembers(members.filter((_, i) => i !== index))}>
                {t('gov.removeMember', { n: index + 1 })}
              </button>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => setMembers([...members, { name: '', relation: '' }])}>
            {t('gov.addMember')}
          </button>
        </fieldset>
        <FormMessage error={formError} success={registered && t('gov.registerSuccess', { code: registered })} />
        <button type="submit">{t('gov.registerSubmit')}</button>
      </form>
    </Section>
  );
}
