import type { Browser, Page } from 'playwright-core';
import { en, type MessageKey } from '../../apps/web/src/i18n/en';
import { zhCN } from '../../apps/web/src/i18n/zh-CN';
import { householdBody, productTerms } from '../support/actors';
import type { ApiClient, RunningPlatform } from '../support/platform';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, openView, pageLayout, rawKeysOnPage, screenshot, signIn, startWebPlatform, VIEWS, type Language } from './support/web-platform';

/**
 * Issue #13's pages in Chromium, on the embedded platform with the demo seeded, in both languages,
 * at a desktop width and at a 390 px phone width: the county's government declares a flood over a
 * town (first with a last day in the future: the API's word shows under that field), the insurer
 * finds it in its console and confirms it, and the government and the public follow its payouts,
 * the public by household codes only.
 *
 * Set up through the API: a parametric product of the demo insurer paying 500 yuan per flood; in
 * one village, two households covered by it (policies starting today), one eligible and uncovered.
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

const text = (language: Language, key: MessageKey, values: Record<string, string | number> = {}) =>
  (language === 'en' ? en : zhCN)[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));

const TOWN = '440305009';
const VILLAGE = `${TOWN}001`;
const BENEFIT = { amount: 50_000, currency: 'CNY' };

/** The page's own view of itself (this file compiles without the DOM library). */
declare const document: { body: { innerText: string } };

describeWithBrowser('disaster declarations in the browser: declare, confirm, follow the payouts', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let government: ApiClient;
  const covered: { householdId: string; householdCode: string; headName: string }[] = [];
  let uncovered: { householdCode: string; headName: string };

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    const api = platform.api;
    government = await api.login('gov.nanshan', DEMO_PASSWORD);
    const insurer = await api.login('insurer.anxin', DEMO_PASSWORD);
    const donor = await api.login('donor.brightfuture', DEMO_PASSWORD);
    const { productId } = await insurer.ok('/products', productTerms({ name: 'Flood index cover', coverageKind: 'property', waitingPeriodDays: 0, parametric: { perils: ['flood'], rule: 'fixed', amount: BENEFIT } }));
    const today = new Date().toISOString().slice(0, 10);
    for (const n of [901, 902, 903]) {
      const body = householdBody(VILLAGE, n);
      const { householdId, householdCode } = await government.ok('/households', body);
      await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
      const household = { householdId, householdCode, headName: body.personal.headName };
      if (n === 903) {
        uncovered = household;
        continue;
      }
      const amount = { amount: 3000, currency: 'CNY' };
      const { giftId } = await donor.ok('/gifts', { amount, target: { kind: 'household', householdId, productId }, remainder: 'refund' });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `WEB-FLOOD-${n}`, amount });
      const policyId = (await donor.read(`/gifts/${giftId}`)).allocations.items[0].policyId;
      await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: `WEB-FLOOD-${n}`, startDate: today });
      covered.push(household);
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it.each(VIEWS)('$language at $width px', async ({ language, width, height }) => {
    const { context, page } = await openView(browser, platform.url, { language, width, height });
    const t = (key: MessageKey, values?: Record<string, string | number>) => text(language, key, values);
    const name = `disaster-${language}-${width}`;
    const reference = `WEB-${language}-${width}`;
    const fits = async () => expect((await pageLayout(page)).scrollWidth).toBeLessThanOrEqual(width);
    const signOut = () => page.getByRole('button', { name: t('app.signOut') }).click();
    const status = (key: MessageKey) => page.getByTestId('declaration-status').getByText(t(key), { exact: true }).waitFor();

    // The government declares; a last day in the future is refused, said under that field.
    await signIn(page, 'gov.nanshan', 'government');
    const form = page.locator('#declare-disaster');
    await form.getByLabel(t('disaster.peril')).selectOption('flood');
    await form.getByLabel(t('disaster.regionCodes')).fill(TOWN);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel(t('disaster.incidentTo')).fill(tomorrow);
    await form.getByLabel(t('disaster.severity')).selectOption('2');
    await form.getByLabel(t('disaster.authorityReference')).fill(reference);
    await form.getByRole('button', { name: t('disaster.declareSubmit') }).click();
    const lastDay = form.getByLabel(t('disaster.incidentTo'));
    // Said in the page's language under the field, with the field's label (the day itself is the API's today, in Beijing time).
    await form.getByText(t('error.invalid.after-today', { field: t('field.incidentTo') }).split('{today}')[0]).waitFor();
    expect(await lastDay.getAttribute('aria-invalid')).toBe('true');
    if (width < 600) await fits();
    await screenshot(page, `${name}-1-government-refused`);
    await lastDay.fill(new Date().toISOString().slice(0, 10));
    await form.getByRole('button', { name: t('disaster.declareSubmit') }).click();
    await form.getByRole('link', { name: t('disaster.open') }).click();
    await status('disasterStatus.declared');
    const declarationId = page.url().split('/').pop()!;
    await screenshot(page, `${name}-2-government-declared`);
    await signOut();

    // The insurer finds it in its console, and confirms.
    await signIn(page, 'insurer.anxin', 'insurer');
    await page.locator('#insurer-disasters').getByRole('link', { name: new RegExp(reference) }).click();
    const answer = page.locator('#answer-declaration');
    await answer.getByLabel(t('disaster.paymentFileReference')).fill(`PAY-${reference}`);
    await answer.getByRole('button', { name: t('disaster.confirm') }).click();
    await status('disasterStatus.paid');
    await page.getByTestId('declaration-policies-paid').getByText('2', { exact: true }).waitFor();
    await page.locator('[data-testid="payouts-table"] tr').nth(1).waitFor();
    expect(await page.locator('#answer-declaration').count()).toBe(0);
    if (width < 600) await fits();
    await screenshot(page, `${name}-3-insurer-confirmed`);
    await signOut();

    // The government follows the payouts (with their references) and sees whom the flood found uncovered.
    await signIn(page, 'gov.nanshan', 'government');
    await page.locator('#gov-disasters').getByRole('link', { name: new RegExp(reference) }).click();
    await status('disasterStatus.paid');
    const payouts = page.locator('[data-testid="payouts-table"] tr');
    await payouts.nth(1).waitFor();
    expect(await payouts.count()).toBe(2);
    for (const household of covered) await page.locator('[data-testid="payouts-table"]').getByText(household.householdCode, { exact: true }).waitFor();
    await page.locator('[data-testid="payouts-table"]').getByText(`PAY-${reference}-1`).first().waitFor();
    await page.locator('[data-testid="declaration-uncovered-table"]').getByText(uncovered.householdCode, { exact: true }).waitFor();
    if (width < 600) await fits();
    expect(await rawKeysOnPage(page, ['gov.nanshan'])).toEqual([]);
    await screenshot(page, `${name}-4-government-payouts`);
    await signOut();

    // The public: the declaration from the public page, its payouts by household code, no personal data or references.
    await page.goto('/#/');
    await page.locator('#public-disasters').getByRole('link', { name: new RegExp(reference) }).click();
    await status('disasterStatus.paid');
    await page.locator('[data-testid="payouts-table"] tr').nth(1).waitFor();
    for (const household of covered) await page.locator('[data-testid="payouts-table"]').getByText(household.householdCode, { exact: true }).waitFor();
    const shown = await page.evaluate(() => document.body.innerText);
    for (const secret of [...covered.flatMap(({ householdId, headName }) => [householdId, headName]), uncovered.headName, `PAY-${reference}`]) expect([secret, shown.includes(secret)]).toEqual([secret, false]);
    expect(page.url()).toContain(declarationId);
    if (width < 600) await fits();
    expect(await rawKeysOnPage(page)).toEqual([]);
    await screenshot(page, `${name}-5-public-payouts`);
    await context.close();
  }, 180_000);
});
