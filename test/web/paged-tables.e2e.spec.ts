import type { Browser, Page } from 'playwright-core';
import { en, type MessageKey } from '../../apps/web/src/i18n/en';
import { zhCN } from '../../apps/web/src/i18n/zh-CN';
import { PAGE_SIZE } from '../../apps/web/src/api';
import { householdBody, productTerms } from '../support/actors';
import { until } from '../support/eventually';
import { ADMIN, type ApiClient, type RunningPlatform } from '../support/platform';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, openView, screenshot, signIn, startWebPlatform, VIEWS, type Language } from './support/web-platform';

/**
 * Every paged list of every page, with several pages of data, at a desktop width and at a 390 px
 * phone width, in both languages: the rows shown are the API's page (same order), "next" and
 * "previous" walk the pages, a search or filter shows the API's answer for it, and on the phone
 * nothing is wider than the screen (the page does not scroll sideways, no row is cut off).
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

const text = (language: Language, key: MessageKey) => (language === 'en' ? en : zhCN)[key];

interface Page1<T> {
  items: T[];
  nextCursor: string | null;
}

/** One list on one page: where its rows are, which API list it shows, and a search or filter to try on it (none: the API's list has none). */
interface ListCase {
  name: string;
  /** The section holding the list; its rows carry `data-key`. */
  section: string;
  path: string;
  key(item: any): string;
  /** What the search or filter sets (a field by its label), and the API list it then shows. */
  narrow?(firstPages: any[]): { label: MessageKey; kind: 'fill' | 'select'; value: string; path: string };
}

/** A page and its lists: a role's home (signed in as `user`), or `visit` (signed in, or not without `user`). */
interface PageCase {
  name: string;
  user?: string;
  home?: string;
  visit?: string;
  lists: ListCase[];
}

const REGION = '440305';
const VILLAGES = ['440305001001', '440305001002', '440305002001'];
const HOUSEHOLDS = 120;
const GIFTS = 60;
const ISSUED = 45;
/** The flooded town: the households of its two villages (80, all eligible), some covered by a parametric flood product too. */
const FLOODED_TOWN = '440305001';
const FLOOD_COVERED = PAGE_SIZE + 5;

/** `tasks` run `width` at a time: quick on the embedded store (its group commit takes concurrent writes together), without flooding it. */
async function inParallel<T>(items: T[], width: number, task: (item: T, index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += width) await Promise.all(items.slice(start, start + width).map((item, offset) => task(item, start + offset)));
}

const withParameters = (path: string, parameters: Record<string, string>) => `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(parameters)}`;

/** The list's first `pages` pages (of the web's page size), as the API answers them. */
async function apiPages(api: ApiClient, path: string, pages: number): Promise<any[][]> {
  const answer: any[][] = [];
  let cursor: string | null = null;
  for (let n = 0; n < pages; n++) {
    const page: Page1<unknown> = await api.read(withParameters(path, { limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) }));
    answer.push(page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return answer;
}

/** The page's own view of itself (this file compiles without the DOM library). */
interface Box {
  right: number;
  left: number;
}
interface RowElement {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Box;
  scrollWidth: number;
  clientWidth: number;
}
declare const document: { documentElement: { scrollWidth: number }; querySelectorAll(selector: string): Iterable<RowElement> };
declare const window: { innerWidth: number };

const rowsOf = (section: string) => `${section} [data-key]`;

/** Waits until the section's rows are exactly `keys`, in that order. */
async function waitForRows(page: Page, section: string, keys: string[]): Promise<void> {
  await page.waitForFunction(
    ({ selector, expected }) => JSON.stringify([...document.querySelectorAll(selector)].map((row) => row.getAttribute('data-key'))) === JSON.stringify(expected),
    { selector: rowsOf(section), expected: keys },
  );
}

/** Shows the section's first page, then "next" its second (so labelled). */
async function walkTwoPages(page: Page, section: string, [first, second]: string[][], language: Language): Promise<void> {
  await waitForRows(page, section, first);
  await page.locator(section).locator('[data-pager="next"]').click();
  await waitForRows(page, section, second);
  expect(await page.locator(section).locator('[data-pager="page"]').innerText()).toBe(text(language, 'common.page').replace('{n}', '2'));
}

/** Whether the page is wider than the window, and the rows sticking out of it or cut off inside. */
function overflow(page: Page, section: string): Promise<{ pageWider: boolean; clippedRows: string[] }> {
  return page.evaluate((selector) => {
    const width = window.innerWidth;
    const clippedRows = [...document.querySelectorAll(selector)]
      .filter((row) => row.getBoundingClientRect().right > width + 0.5 || row.getBoundingClientRect().left < -0.5 || row.scrollWidth > row.clientWidth + 1)
      .map((row) => row.getAttribute('data-key') ?? '');
    return { pageWider: document.documentElement.scrollWidth > width, clippedRows };
  }, rowsOf(section));
}

describeWithBrowser('every table pages and searches, on a desktop and a phone, in both languages', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const pages: PageCase[] = [];
  let clients: Record<string, ApiClient>;

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    const api = platform.api;
    const government = await api.login('gov.nanshan', DEMO_PASSWORD);
    const donor = await api.login('donor.brightfuture', DEMO_PASSWORD);
    const insurer = await api.login('insurer.anxin', DEMO_PASSWORD);
    const auditor = await api.login('auditor', DEMO_PASSWORD);
    const productId: string = (await api.read('/products')).items[0].productId;

    // Several pages of everything: households (all verified), gifts funding some of them, policies issued for some, claims on those.
    const households: { householdId: string }[] = [];
    await inParallel(
      Array.from({ length: HOUSEHOLDS }, (_, n) => n),
      8,
      async (n) => households.push(await government.ok('/households', householdBody(VILLAGES[n % VILLAGES.length], 500 + n, n % 3 === 0 ? 'elderly-alone' : 'low-income'))),
    );
    await inParallel(households, 8, (household, n) => government.ok(`/households/${household.householdId}/eligibility/verify`, { category: n % 3 === 0 ? 'elderly-alone' : 'low-income' }));
    const amount = { amount: 5000, currency: 'CNY' };
    await inParallel(households.slice(0, GIFTS), 8, async (household, n) => {
      const { giftId } = await donor.ok('/gifts', { amount, target: { kind: 'household', householdId: household.householdId, productId }, remainder: 'refund' });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAGED-${n}`, amount });
    });
    const today = new Date().toISOString().slice(0, 10);
    const requested: { policyId: string }[] = (await insurer.read('/insurer/policies?status=requested&limit=500')).items;
    await inParallel(requested.slice(0, ISSUED), 8, async (policy, n) => {
      await insurer.ok(`/policies/${policy.policyId}/issue`, { policyNumber: `PAGED-${String(n).padStart(4, '0')}`, startDate: today });
      await government.ok(`/policies/${policy.policyId}/claims`, { incidentDate: today, kind: 'illness', amountClaimed: { amount: 10_000, currency: 'CNY' }, evidence: ['invoice.pdf'] });
    });

    // More than a page of programmes, for the public page's programme totals.
    await inParallel(Array.from({ length: PAGE_SIZE }, (_, n) => n), 8, (n) => government.ok('/programmes', { name: `Paged programme ${n}`, regionCode: VILLAGES[n % VILLAGES.length], productId }));

    // A parametric flood product covering more households of the town than a page, a flood over the town confirmed (its payouts
    // and the town's households it paid nothing are more than a page each), and more floods declared than a page (unanswered).
    const { productId: floodProductId } = await insurer.ok('/products', productTerms({ name: 'Paged flood index cover', coverageKind: 'property', waitingPeriodDays: 0, parametric: { perils: ['flood'], rule: 'fixed', amount: { amount: 50_000, currency: 'CNY' } } }));
    // The donor's form offers the products by id and starts on the first: the picker below lists that product's
    // uncovered households (the flood product's random id may sort before the demo product's).
    const pickerProductId: string = (await api.read('/products')).items[0].productId;
    // Households the demo product covers already (the uncovered lists above keep their pages).
    const townHouseholds: { householdId: string }[] = (await government.read(`/government/households?region=${FLOODED_TOWN}&covered=true&limit=500`)).items;
    await inParallel(townHouseholds.slice(0, FLOOD_COVERED), 8, async (household, n) => {
      const amount = { amount: 3000, currency: 'CNY' };
      const { giftId } = await donor.ok('/gifts', { amount, target: { kind: 'household', householdId: household.householdId, productId: floodProductId }, remainder: 'refund' });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAGED-FLOOD-${n}`, amount });
      const policyId = (await donor.read(`/gifts/${giftId}`)).allocations.items[0].policyId;
      await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: `PAGED-FLOOD-${n}`, startDate: today });
    });
    const flood = { peril: 'flood', incidentFrom: today, incidentTo: today, severity: 3 };
    const { declarationId } = await government.ok('/disasters/declarations', { ...flood, regionCodes: [FLOODED_TOWN], authorityReference: 'PAGED-FLOOD-TOWN' });
    await insurer.ok(`/disasters/declarations/${declarationId}/confirm`, { paymentFileReference: 'PAGED-FLOOD-PAY' });
    await until('the flood paid', () => government.read(`/disasters/declarations/${declarationId}`), ({ status }) => status === 'paid', { deadlineMs: 60_000, intervalMs: 200 });
    await inParallel(Array.from({ length: PAGE_SIZE }, (_, n) => n), 8, (n) => government.ok('/disasters/declarations', { ...flood, regionCodes: [VILLAGES[2]], authorityReference: `PAGED-FLOOD-${String(n).padStart(2, '0')}` }));

    // More disclosure reports than a page: the platform's for past quarters, then a few programmes' (newest, so the platform's only is another page).
    const admin = await api.login(ADMIN.username, ADMIN.password).catch(() => api.login('admin', DEMO_PASSWORD));
    const quarters = Array.from({ length: PAGE_SIZE + 4 }, (_, n) => `${2020 + Math.floor(n / 4)}-Q${(n % 4) + 1}`);
    await inParallel(quarters, 4, (quarter) => admin.ok('/disclosures', { quarter }));
    const programmeIds: string[] = (await api.read('/public/programmes?limit=4')).items.map((programme: { programmeId: string }) => programme.programmeId);
    await inParallel(programmeIds, 4, (programmeId) => admin.ok('/disclosures', { programmeId, quarter: '2025-Q4' }));

    const declarations = { name: 'declarations', path: '/disasters/declarations', key: (item: any) => item.declarationId };
    const payouts = { name: 'payouts', section: '#declaration-payouts', path: `/disasters/declarations/${declarationId}/payouts`, key: (item: any) => `${item.householdCode} ${item.policyId ?? `${item.insurerId} ${item.batchNumber} ${item.amount.amount}`}` };
    const uncovered = { name: 'flood-uncovered', section: '#declaration-uncovered', path: `/disasters/declarations/${declarationId}/uncovered`, key: (item: any) => item.householdCode };
    const codePrefix = (items: any[], code: (item: any) => string) => code(items[items.length - 1]).slice(0, 5);
    pages.push(
      {
        name: 'government',
        user: 'gov.nanshan',
        home: 'government',
        lists: [
          {
            name: 'households',
            section: '#gov-all',
            path: `/government/households?region=${REGION}`,
            key: (item) => item.householdId,
            // Typed in lower case: household codes are matched in upper case.
            narrow: (items) => ({ label: 'gov.searchCode', kind: 'fill', value: codePrefix(items, (item) => item.householdCode).toLowerCase(), path: withParameters(`/government/households?region=${REGION}`, { code: codePrefix(items, (item) => item.householdCode) }) }),
          },
          {
            name: 'uncovered',
            section: '#gov-uncovered',
            path: `/government/households?region=${REGION}&eligible=true&covered=false`,
            key: (item) => item.householdId,
            narrow: () => ({ label: 'gov.category', kind: 'select', value: 'elderly-alone', path: withParameters(`/government/households?region=${REGION}&eligible=true&covered=false`, { category: 'elderly-alone' }) }),
          },
          { ...declarations, name: 'government-declarations', section: '#gov-disasters', path: '/disasters/declarations?mine=true' },
        ],
      },
      // The flood's page as the area's government sees it (ids and payout references), then as anyone does.
      { name: 'declaration-government', user: 'gov.nanshan', home: 'government', visit: `disasters/${declarationId}`, lists: [payouts, uncovered] },
      { name: 'declaration-public', visit: `disasters/${declarationId}`, lists: [payouts, uncovered] },
      {
        name: 'donor',
        user: 'donor.brightfuture',
        home: 'donor',
        lists: [
          {
            name: 'household-picker',
            section: '#give',
            path: `/households/uncovered?region=44&productId=${pickerProductId}`,
            key: (item) => item.householdId,
            narrow: (items) => ({ label: 'gov.searchCode', kind: 'fill', value: codePrefix(items, (item) => item.householdCode), path: withParameters(`/households/uncovered?region=44&productId=${pickerProductId}`, { code: codePrefix(items, (item) => item.householdCode) }) }),
          },
          {
            name: 'gifts',
            section: '#my-gifts',
            path: '/donor/gifts',
            key: (item) => item.giftId,
            narrow: () => ({ label: 'donor.giveTo', kind: 'select', value: 'household', path: withParameters('/donor/gifts', { targetKind: 'household' }) }),
          },
        ],
      },
      {
        name: 'insurer',
        user: 'insurer.anxin',
        home: 'insurer',
        lists: [
          {
            name: 'policies',
            section: '#insurer-policies',
            path: '/insurer/policies',
            key: (item) => item.policyId,
            narrow: (items) => ({ label: 'insurer.searchPolicy', kind: 'fill', value: codePrefix(items, (item) => item.household.householdCode), path: withParameters('/insurer/policies', { search: codePrefix(items, (item) => item.household.householdCode) }) }),
          },
          {
            name: 'claims',
            section: '#insurer-claims',
            path: '/insurer/claims?state=filed,approved',
            key: (item) => item.claimId,
            narrow: () => ({ label: 'insurer.claimState', kind: 'select', value: 'filed', path: withParameters('/insurer/claims', { state: 'filed' }) }),
          },
          { ...declarations, name: 'insurer-declarations', section: '#insurer-disasters', path: '/disasters/declarations?mine=true' },
        ],
      },
      {
        name: 'ledger',
        user: 'auditor',
        home: 'ledger',
        lists: [
          {
            name: 'ledger',
            section: '#ledger-balances',
            path: '/ledger',
            key: (item) => `${item.account} ${item.currency}`,
            narrow: () => ({ label: 'ledger.searchAccount', kind: 'fill', value: 'escrow:gift:', path: withParameters('/ledger', { account: 'escrow:gift:' }) }),
          },
        ],
      },
      // The public page: the programmes' totals, the disclosure reports (all, or the platform's), the declarations, the money movements.
      {
        name: 'public',
        visit: '',
        lists: [
          { name: 'programmes', section: '#public-programmes', path: '/public/programmes', key: (item) => item.programmeId },
          {
            name: 'disclosures',
            section: '#public-disclosures',
            path: '/disclosures',
            key: (item) => item.reportId,
            narrow: () => ({ label: 'disclosure.scope', kind: 'select', value: 'true', path: '/disclosures?platform=true' }),
          },
          { ...declarations, name: 'public-declarations', section: '#public-disasters' },
          {
            name: 'money-feed',
            section: '#public-money-feed',
            path: '/public/money-movements',
            key: (item) => item.id,
            narrow: () => ({ label: 'public.feed.kind', kind: 'select', value: 'premium-paid-to-insurer', path: '/public/money-movements?kind=premium-paid-to-insurer' }),
          },
        ],
      },
    );
    clients = { 'gov.nanshan': government, 'donor.brightfuture': donor, 'insurer.anxin': insurer, auditor, anyone: api };
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it.each(VIEWS)('$language at $width px: every list shows the API’s pages, forward and back, and its search', async ({ language, width, height }) => {
    const { context, page } = await openView(browser, platform.url, { language, width, height });
    const phone = width < 600;
    const checked: string[] = [];
    for (const { name, user, home, visit, lists } of pages) {
      if (user) await signIn(page, user, home!);
      if (visit !== undefined) await page.goto(`/#/${visit}`);
      const api = clients[user ?? 'anyone'];
      for (const list of lists) {
        const section = page.locator(list.section);
        const [first, second] = await apiPages(api, list.path, 2);
        expect([list.name, second?.length ?? 0]).not.toEqual([list.name, 0]);
        await walkTwoPages(page, list.section, [first, second].map((items) => items.map(list.key)), language);
        if (phone) expect([list.name, await overflow(page, list.section)]).toEqual([list.name, { pageWider: false, clippedRows: [] }]);
        await section.locator('[data-pager="previous"]').click();
        await waitForRows(page, list.section, first.map(list.key));
        checked.push(list.name);
        if (!list.narrow) continue;

        const narrow = list.narrow([...first, ...second]);
        const field = section.getByLabel(text(language, narrow.label), { exact: true });
        if (narrow.kind === 'fill') await field.fill(narrow.value);
        else await field.selectOption(narrow.value);
        const [narrowed] = await apiPages(api, narrow.path, 1);
        expect([list.name, narrowed.length]).not.toEqual([list.name, 0]);
        await waitForRows(page, list.section, narrowed.map(list.key));
        if (phone) expect([list.name, await overflow(page, list.section)]).toEqual([list.name, { pageWider: false, clippedRows: [] }]);
      }
      // Every row of every table of the page (those not paged too: a region's areas, the products, the six months of indicators) fits the phone.
      if (phone) expect([name, await overflow(page, 'main')]).toEqual([name, { pageWider: false, clippedRows: [] }]);
      await screenshot(page, `paged-${name}-${language}-${width}`);
      if (user) await page.getByRole('button', { name: text(language, 'app.signOut') }).click();
    }
    // The demo accounts, on the sign-in page.
    await page.goto('/#/sign-in');
    await page.locator('main [data-key]').first().waitFor();
    if (phone) expect(['sign-in', await overflow(page, 'main')]).toEqual(['sign-in', { pageWider: false, clippedRows: [] }]);
    await screenshot(page, `paged-sign-in-${language}-${width}`);
    expect(checked).toEqual([
      ...['households', 'uncovered', 'government-declarations', 'payouts', 'flood-uncovered', 'payouts', 'flood-uncovered'],
      ...['household-picker', 'gifts', 'policies', 'claims', 'insurer-declarations', 'ledger', 'programmes', 'disclosures', 'public-declarations', 'money-feed'],
    ]);
    await context.close();
  }, 180_000);
});
