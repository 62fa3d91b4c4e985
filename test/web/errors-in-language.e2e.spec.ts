import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { nationalIdWithChecksum, householdCodeFor } from '@pangolin/domain';
import { en, type MessageKey } from '../../apps/web/src/i18n/en';
import { zhCN } from '../../apps/web/src/i18n/zh-CN';
import { DEMO } from '../../apps/api/src/demo/seed-demo';
import { formatMoney } from '../../apps/web/src/format';
import { until } from '../support/eventually';
import { householdBody, productTerms } from '../support/actors';
import { cny, type ApiClient, type RunningPlatform } from '../support/platform';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, viewProfile, demoDataWords, englishIn, openSignedInAt, rawKeysIn, replaceSessionToken, shownText, screenshot, signIn, startWebPlatform, VIEWS, type Language } from './support/web-platform';

/**
 * Issue #15 (1 and 8) in Chromium, in both languages, on a desktop and a 390 px phone: every form
 * driven with invalid input shows each refusal in the page's language (money in yuan, fields by
 * their label, dates as the language writes them), a lost connection is said so, an expired
 * session and a page of another role lead back to sign-in with a message. On a zh-CN page no
 * English is left: no Latin word in the interface's text but the data's own (names, codes).
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

const text = (language: Language, key: MessageKey, values: Record<string, string | number> = {}) =>
  (language === 'en' ? en : zhCN)[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));

/** The refusals on the page (under fields, above buttons, notices). */
async function refusals(page: Page): Promise<string[]> {
  return page.locator('.field-error, [data-testid="sign-in-notice"]').allInnerTexts();
}

/** A refusal of the whole form (a conflict, a lost connection): right above its button. */
function aboveButton(form: Locator): Locator {
  return form.locator('xpath=./*[contains(concat(" ", @class, " "), " field-error ")][following-sibling::*[1][self::button]]');
}

/** The refusal under the field labelled `label` (exactly), inside `scope`: where a refusal that names the field must show. */
function fieldError(scope: Locator, label: string): Locator {
  return scope.locator('.field').filter({ has: scope.page().getByLabel(label, { exact: true }) }).locator('.field-error');
}

/**
 * A file of many megabytes, written once, to choose by its path: Playwright hands a path to the
 * browser as it is, where a buffer crosses DevTools in base64 (1.5 s for 10 MiB).
 */
let largeFiles: string | undefined;
function largeFile(name: string, content: Buffer): string {
  largeFiles ??= mkdtempSync(join(tmpdir(), 'pangolin-large-files-'));
  const path = join(largeFiles, name);
  if (!existsSync(path)) writeFileSync(path, content);
  return path;
}

const today = () => new Date().toISOString().slice(0, 10);
const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describeWithBrowser('refusals in the page’s language', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let demoUsernames: string[];
  let dataWords: Set<string>;
  const active = householdCodeFor(DEMO.household(1));
  const requested = householdCodeFor(DEMO.household(2));
  /** Household 3's policy, issued: the claims the claim page refuses to decide are filed on it (household 1's cover stays whole). */
  const claimed = householdCodeFor(DEMO.household(3));
  /** Household 4's policy, requested: the one the bulk issue is refused. */
  const bulk = householdCodeFor(DEMO.household(4));
  let government: ApiClient;
  let insurerApi: ApiClient;
  let claimPolicyId: string;
  /** donor.li's paid gift: another donor's for donor.wang, and a receipt to alter on its way. */
  let liGiftId: string;

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    demoUsernames = (await platform.api.read('/auth/demo-accounts')).accounts.map((account: { username: string }) => account.username);
    dataWords = await demoDataWords(platform);
    // Household 1's policy issued (a claim to refuse), household 2's requested (a policy to issue).
    const insurer: ApiClient = await platform.api.login('insurer.anxin', DEMO_PASSWORD);
    const donor: ApiClient = await platform.api.login('donor.li', DEMO_PASSWORD);
    government = await platform.api.login('gov.nanshan', DEMO_PASSWORD);
    insurerApi = insurer;
    // A flood index product of the insurer (named in Chinese, like the demo's data): declarations of floods are its to confirm or dispute.
    await insurer.ok('/products', productTerms({ name: '洪水指数保险', coverageKind: 'property', waitingPeriodDays: 0, parametric: { perils: ['flood'], rule: 'fixed', amount: cny(50_000) } }));
    for (const n of [2, 3, 4]) {
      const gift = await donor.ok('/gifts', { amount: { amount: 5000, currency: 'CNY' }, target: { kind: 'household', householdId: DEMO.household(n), productId: DEMO.productId }, remainder: 'refund' });
      await donor.ok(`/gifts/${gift.giftId}/payment`, { paymentReference: `ERRORS-TEST-000${n - 1}`, amount: { amount: 5000, currency: 'CNY' } });
      if (n === 2) liGiftId = gift.giftId;
    }
    type Policy = { policyId: string; household: { householdCode: string }; status: string; fundedOn?: string; requestedAt?: string };
    const policies = await until(
      'household 2’s policy requested',
      async (): Promise<Policy[]> => (await insurer.read('/insurer/policies?limit=100')).items,
      (items) => [requested, claimed, bulk].every((code) => items.some((policy) => policy.household.householdCode === code)),
      { deadlineMs: 30_000, intervalMs: 200 },
    );
    const first = policies.find((policy) => policy.household.householdCode === active)!;
    const issued = await insurer.post(`/policies/${first.policyId}/issue`, { policyNumber: 'ANX-ERR-0001', startDate: new Date().toISOString().slice(0, 10) });
    expect([issued.status, issued.body]).toEqual([expect.any(Number), expect.anything()]);
    expect(issued.status).toBeLessThan(300);
    claimPolicyId = policies.find((policy) => policy.household.householdCode === claimed)!.policyId;
    await insurer.ok(`/policies/${claimPolicyId}/issue`, { policyNumber: 'ANX-ERR-0003', startDate: today() });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (largeFiles) rmSync(largeFiles, { recursive: true, force: true });
  });

  /**
   * After each refusal: what it says is in the page's language, nothing English is left on a zh-CN
   * page, no key shows; then a screenshot of the window at the refusal, numbered by step under `name`.
   */
  const checker = (page: Page, language: Language, name: string, codes: string[] = []) => {
    const words = new Set([...dataWords, ...codes.flatMap((code) => code.match(/[A-Za-z][A-Za-z'’-]+/g) ?? [])]);
    const shots: string[] = [];
    const check = async (step: string) => {
      const said = await refusals(page);
      expect([step, said.length > 0]).toEqual([step, true]);
      for (const refusal of said) {
        if (language === 'zh-CN') expect([step, refusal, /[\u4e00-\u9fff]/.test(refusal)]).toEqual([step, refusal, true]);
        else expect([step, refusal, /[\u4e00-\u9fff]/.test(refusal)]).toEqual([step, refusal, false]);
      }
      const shown = await shownText(page);
      if (language === 'zh-CN') expect([step, englishIn(shown, words)]).toEqual([step, []]);
      expect([step, rawKeysIn(shown, demoUsernames)]).toEqual([step, []]);
      expect([step, await page.title()]).toEqual([step, text(language, 'app.title')]);
      // The refusal as the person sees it: the window, scrolled to the first one (a full page of a phone is some 7,000 px, six times the cost).
      await page.locator('.field-error, [data-testid="sign-in-notice"]').first().scrollIntoViewIfNeeded();
      shots.push(await screenshot(page, `${name}-${String(shots.length + 1).padStart(2, '0')}-${step}`, { window: true }));
    };
    return { check, shots };
  };
  const submit = (scope: Locator, language: Language, key: MessageKey, values?: Record<string, string | number>) =>
    scope.getByRole('button', { name: text(language, key, values), exact: true }).click();

  /**
   * One browser profile per view, shared by the cases: each case opens a tab of its own, and the
   * session lives in the tab's sessionStorage, so no case sees another's; the web application's
   * files are fetched and compiled once per view rather than once per case.
   */
  const profiles = new Map<(typeof VIEWS)[number], Promise<BrowserContext>>();
  const newTab = async (view: (typeof VIEWS)[number]): Promise<Page> => {
    if (!profiles.has(view)) profiles.set(view, viewProfile(browser, platform.url, view));
    return (await profiles.get(view)!).newPage();
  };

  /** A new tab at `view`, at `route` (a role's home, a claim's page…) as `username` signed in, with the view's translations and refusal checks (screenshots named after `name`). */
  const openSignedIn = async (view: (typeof VIEWS)[number], name: string, username: string, route: string, codes: string[] = []) => {
    const page = await newTab(view);
    const t = (key: MessageKey, values?: Record<string, string | number>) => text(view.language, key, values);
    await openSignedInAt(page, username, route);
    return { page, t, language: view.language, ...checker(page, view.language, `errors-${name}-${view.language}-${view.width}`, codes) };
  };

  it.each(VIEWS)('$language at $width px', async (view) => {
    const { language, width } = view;
    const page = await newTab(view);
    const t = (key: MessageKey, values?: Record<string, string | number>) => text(language, key, values);
    const { check, shots } = checker(page, language, `errors-${language}-${width}`);
    const signInForm = page.locator('#sign-in');

    // Sign-in: nothing typed, then a wrong password.
    await page.goto('/#/sign-in');
    await submit(signInForm, language, 'signIn.submit');
    await signInForm.getByText(t('error.validation.isNotEmpty', { field: t('field.username') })).waitFor();
    await check('sign-in-empty');
    await signInForm.getByLabel(t('signIn.username')).fill('donor.li');
    await signInForm.getByLabel(t('signIn.password')).fill('not-the-password');
    await submit(signInForm, language, 'signIn.submit');
    await signInForm.getByText(t('signIn.wrong')).waitFor();
    await check('sign-in-wrong-password');

    // A page of another role leads back to sign-in, saying whose it is.
    await signIn(page, 'donor.li', 'donor');
    await page.goto('/#/insurer');
    await page.getByTestId('sign-in-notice').getByText(t('signIn.wrongRole', { roles: t('role.insurer'), role: t('role.donor') })).waitFor();
    await check('wrong-role');

    // The donor's form: an amount that is not one, then a gift while the connection is lost.
    await page.goto('/#/donor');
    const give = page.locator('form').filter({ has: page.getByRole('button', { name: t('donor.giveSubmit') }) });
    await give.getByLabel(t('donor.toProgramme')).check();
    await give.getByLabel(t('donor.amount')).fill('五十');
    await submit(give, language, 'donor.giveSubmit');
    await give.getByText(t('donor.amountFormat')).waitFor();
    await check('donor-amount-format');
    await give.getByLabel(t('donor.amount')).fill('50');
    await page.route('**/gifts', (route) => route.abort('internetdisconnected'));
    await submit(give, language, 'donor.giveSubmit');
    await give.getByText(t('error.network')).waitFor();
    await check('donor-offline');
    await page.unroute('**/gifts');

    // The session's token expires: the next answer leads back to sign-in, saying so.
    await replaceSessionToken(page, 'expired.token.value');
    await page.reload();
    await page.getByTestId('sign-in-notice').getByText(t('signIn.expired')).waitFor();
    await check('session-expired');

    // The officer's household form: nothing filled in, then a resident ID that is not one, then a village of another region.
    await signIn(page, 'gov.nanshan', 'government');
    const register = page.locator('#gov-register');
    await submit(register, language, 'gov.registerSubmit');
    await register.getByText(t('error.validation.isNotEmpty', { field: t('field.personal.headName') })).waitFor();
    await check('register-empty');
    await register.getByLabel(t('gov.villageCode')).fill('440305001002');
    await register.getByLabel(t('gov.headName')).fill('周明');
    await register.getByLabel(t('gov.headNationalId')).fill('12345');
    await register.getByLabel(t('gov.address')).fill('440305001002 村 9 号');
    await submit(register, language, 'gov.registerSubmit');
    await register.getByText(t('error.invalid.national-id', { field: t('field.personal.headNationalId') })).waitFor();
    await check('register-national-id');
    await register.getByLabel(t('gov.villageCode')).fill('440306001001');
    await register.getByLabel(t('gov.headNationalId')).fill(nationalIdWithChecksum(`44030619900101${String(VIEWS.indexOf(view)).padStart(3, '0')}`));
    await submit(register, language, 'gov.registerSubmit');
    await register.getByText(t('error.region.outside-yours', { yourRegion: '440305' })).waitFor();
    await check('register-outside-region');

    // The declaration form (on the officer's page): nothing filled in.
    const declare = page.locator('#declare-disaster');
    await submit(declare, language, 'disaster.declareSubmit');
    await declare.locator('.field-error').first().waitFor();
    await check('declare-empty');

    // The insurer: a policy issued without a number, then starting too late; a claim above the cover (in yuan), and one for tomorrow.
    await signIn(page, 'insurer.anxin', 'insurer');
    const toIssue = page.locator(`[data-testid="policies"] li[data-household-code="${requested}"]`);
    await toIssue.getByLabel(t('insurer.policyNumber')).fill('');
    await submit(toIssue, language, 'insurer.issue');
    await toIssue.getByText(t('error.validation.isNotEmpty', { field: t('field.policyNumber') })).waitFor();
    await check('issue-no-number');
    await toIssue.getByLabel(t('insurer.policyNumber')).fill(`ANX-ERR-${language}-${width}`);
    await toIssue.getByLabel(t('insurer.startDate')).fill(new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10));
    await submit(toIssue, language, 'insurer.issue');
    await toIssue.getByText(t('error.invalid.start-window', { field: t('field.startDate') }).split('{from}')[0]).waitFor();
    await check('issue-start-window');

    const covered = page.locator(`[data-testid="policies"] li[data-household-code="${active}"]`);
    await covered.getByRole('button', { name: t('insurer.fileClaim') }).click();
    await covered.getByLabel(t('insurer.amountClaimed')).fill('60000');
    await covered.getByLabel(t('insurer.evidence'), { exact: true }).fill('invoice.pdf');
    await submit(covered, language, 'insurer.fileClaimSubmit');
    const yuan = (amount: number) => new Intl.NumberFormat(language, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 }).format(amount);
    await covered.getByText(t('error.claim.amount-exceeds-cover', { claimed: yuan(60_000), remaining: yuan(50_000) })).waitFor();
    await check('claim-above-cover');
    await covered.getByLabel(t('insurer.amountClaimed')).fill('100');
    await covered.getByLabel(t('insurer.incidentDate')).fill(new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10));
    await submit(covered, language, 'insurer.fileClaimSubmit');
    await covered.getByText(t('error.invalid.after-today', { field: t('field.incidentDate') }).split('{today}')[0]).waitFor();
    await check('claim-in-future');
    // Evidence the store refuses: a file that is none of its types, and one above 10 MiB; each is said under the upload field (files named in the page's language, so that the refusal naming them is all in it).
    const upload = covered.getByLabel(t('evidence.files'), { exact: true });
    const [notes, scan] = language === 'zh-CN' ? ['说明文字', '扫描件'] : ['notes', 'scan'];
    await upload.setInputFiles({ name: notes, mimeType: 'text/plain', buffer: Buffer.from('not a scan') });
    await fieldError(covered, t('evidence.files')).getByText(t('evidence.uploadRefused', { name: notes })).waitFor();
    await check('evidence-wrong-type');
    await upload.setInputFiles(largeFile(`${scan}.png`, Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(10 * 1024 * 1024)])));
    await fieldError(covered, t('evidence.files')).getByText(t('evidence.uploadRefused', { name: `${scan}.png` })).waitFor();
    await check('evidence-too-large');

    expect(shots.length).toBe(16);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("the claim's page refuses a bad decision and a bad payment ($language at $width px)", async (view) => {
    const { claimId } = await government.ok(`/policies/${claimPolicyId}/claims`, { incidentDate: today(), kind: 'illness', amountClaimed: cny(100_000), evidence: [] });
    const { page, t, language, check, shots } = await openSignedIn(view, 'claim', 'insurer.anxin', `claim/${claimId}`);
    const actions = page.locator('#claim-actions');

    // Approval in part: an amount that is not one (said before anything is sent), then more than was claimed (the API's refusal).
    await actions.getByRole('radio', { name: t('insurer.decision.part'), exact: true }).check();
    const approved = t('insurer.approvedAmount');
    await actions.getByLabel(approved, { exact: true }).fill('五十');
    await submit(actions, language, 'insurer.decideSubmit');
    await fieldError(actions, approved).getByText(t('donor.amountFormat')).waitFor();
    await check('approve-amount-format');
    await actions.getByLabel(approved, { exact: true }).fill('2000');
    await submit(actions, language, 'insurer.decideSubmit');
    await fieldError(actions, approved).getByText(t('error.invalid.amount-above-claimed', { field: t('field.approvedAmount.amount'), claimed: formatMoney(cny(100_000), language) })).waitFor();
    await check('approve-above-claimed');

    // A rejection without its reason.
    await actions.getByRole('radio', { name: t('insurer.decision.reject'), exact: true }).check();
    await submit(actions, language, 'insurer.decideSubmit');
    await fieldError(actions, t('insurer.reason')).getByText(t('error.validation.isNotEmpty', { field: t('field.reason') })).waitFor();
    await check('reject-no-reason');

    // Decided meanwhile by another of the insurer's staff: the page's decision is refused, saying so.
    await insurerApi.ok(`/policies/${claimPolicyId}/claims/${claimId}/approve`, { approvedAmount: cny(10_000) });
    await actions.getByRole('radio', { name: t('insurer.decision.full'), exact: true }).check();
    await submit(actions, language, 'insurer.decideSubmit');
    await actions.locator('form > .field-error').getByText(t('error.claim.already-decided', { status: t('claimState.approved') })).waitFor();
    await check('decide-already-decided');

    // The payment: no reference, one too long, then the claim paid meanwhile under another reference.
    await page.reload();
    const reference = t('insurer.payoutReference');
    await actions.getByLabel(reference, { exact: true }).waitFor();
    await submit(actions, language, 'insurer.pay');
    await fieldError(actions, reference).getByText(t('error.validation.isNotEmpty', { field: t('field.payoutReference') })).waitFor();
    await check('pay-no-reference');
    await actions.getByLabel(reference, { exact: true }).fill('R'.repeat(101));
    await submit(actions, language, 'insurer.pay');
    await fieldError(actions, reference).getByText(t('error.validation.maxLength', { field: t('field.payoutReference'), max: 100 })).waitFor();
    await check('pay-reference-too-long');
    await insurerApi.ok(`/policies/${claimPolicyId}/claims/${claimId}/payment`, { payoutReference: `PAID-${view.width}-${language === 'en' ? 'A' : 'B'}` });
    await actions.getByLabel(reference, { exact: true }).fill('BANK-TRF-OTHER');
    await submit(actions, language, 'insurer.pay');
    await actions.locator('form > .field-error').getByText(t('error.claim.already-paid', { payoutReference: `PAID-${view.width}-${language === 'en' ? 'A' : 'B'}` })).waitFor();
    await check('pay-already-paid');
    expect(shots.length).toBe(7);
    await page.close();
  }, 120_000);

  it.each(VIEWS)('the bulk issue refuses a missing series, a number taken and a start out of the window ($language at $width px)', async (view) => {
    const { page, t, language, check, shots } = await openSignedIn(view, 'bulk', 'insurer.anxin', 'insurer');
    const section = page.locator('#insurer-bulk-issue');
    const choose = () => section.getByRole('checkbox', { name: t('bulk.select', { code: bulk }), exact: true }).check();
    const fill = async (prefix: string, first: string, startDate: string) => {
      await section.getByLabel(t('bulk.prefix'), { exact: true }).fill(prefix);
      await section.getByLabel(t('bulk.first'), { exact: true }).fill(first);
      await section.getByLabel(t('bulk.startDate'), { exact: true }).fill(startDate);
      await submit(section, language, 'bulk.issue', { count: 1 });
    };
    const failedRow = section.locator(`tr[data-status="failed"][data-household-code="${bulk}"]`);

    // No prefix and a first serial that is not digits: said under each field, nothing sent.
    await choose();
    await fill('', '一', today());
    await fieldError(section, t('bulk.prefix')).getByText(t('bulk.prefixNeeded')).waitFor();
    await fieldError(section, t('bulk.first')).getByText(t('bulk.firstNeeded')).waitFor();
    await check('bulk-no-series');

    // A number another policy has (ANX-ERR-0001, issued before): the row says so.
    await fill('ANX-ERR-', '0001', today());
    await failedRow.getByText(t('error.policy.number-taken', { policyNumber: 'ANX-ERR-0001' })).waitFor();
    await check('bulk-number-taken');
    await submit(section, language, 'bulk.close');

    // Cover starting 90 days out, beyond the 30 days after funding: the row says when it may start.
    await choose();
    await fill(`ANX-B${VIEWS.indexOf(view)}-`, '1', daysFromToday(90));
    await failedRow.getByText(t('error.invalid.start-window', { field: t('field.startDate') }).split('{from}')[0]).waitFor();
    // The field named as the form labels it.
    expect(t('field.startDate')).toBe(t('bulk.startDate'));
    await check('bulk-start-window');
    await submit(section, language, 'bulk.close');
    expect(shots.length).toBe(3);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("the insurer dashboard's as-of day refuses a date typed in part and one the API cannot read ($language at $width px)", async (view) => {
    const { page, t, language, check, shots } = await openSignedIn(view, 'as-of', 'insurer.anxin', 'insurer');
    const premiums = page.locator('#insurer-premiums');
    const asOf = premiums.getByLabel(t('insurer.asOf'), { exact: true });
    await premiums.getByTestId('premiums-received').waitFor();
    await asOf.focus();
    await page.keyboard.press('1');
    await asOf.blur();
    await fieldError(premiums, t('insurer.asOf')).getByText(t('common.dateIncomplete')).waitFor();
    await check('as-of-incomplete');
    // A year of five digits: a date the picker holds, and the API refuses, once: a refusal is not asked again (it would only come a second later).
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('asOf=12026-01-01')) asked.push(request.url());
    });
    await asOf.fill('12026-01-01');
    await fieldError(premiums, t('insurer.asOf')).getByText(t('error.invalid.date', { field: t('field.asOf') })).waitFor();
    await check('as-of-refused');
    expect(asked).toHaveLength(1);
    await asOf.fill(today());
    await premiums.getByTestId('premiums-received').waitFor();
    expect(await fieldError(premiums, t('insurer.asOf')).count()).toBe(0);
    expect(shots.length).toBe(2);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("the certificate and the verify link refuse another donor's gift and a receipt that does not verify ($language at $width px)", async (view) => {
    // Another donor's gift: neither its certificate nor its receipt is shown. (The gift's id and its receipt's file name show as they are: codes, not words.)
    const { page, t, check, shots } = await openSignedIn(view, 'certificate', 'donor.wang', `certificate/${liGiftId}`, [liGiftId, `pangolin-receipt-${liGiftId}`]);
    await page.locator('.field-error').getByText(t('common.loadFailed').split('{error}')[0]).waitFor();
    await check('certificate-other-donor');
    await page.goto(`/#/verify?gift=${liGiftId}`);
    await page.getByTestId('verify-link').and(page.locator('[data-state="failed"]')).waitFor();
    await check('verify-link-other-donor');

    // The gift's own donor, whose receipt is altered on its way (its first event's leaf): refused, and why, in the page's language.
    await signIn(page, 'donor.li', 'donor');
    await page.route(`**/gifts/${liGiftId}/receipt`, async (route) => {
      const response = await route.fetch();
      const receipt = (await response.json()) as { events: { leaf: string }[] };
      const leaf = receipt.events[0].leaf;
      receipt.events[0].leaf = `${leaf.startsWith('A') ? 'B' : 'A'}${leaf.slice(1)}`;
      await route.fulfill({ response, json: receipt });
    });
    await page.goto(`/#/certificate/${liGiftId}`);
    const refused = page.getByTestId('certificate-refused');
    await refused.getByText(t('verify.why.event', { number: 1 })).waitFor();
    await check('certificate-unverified');
    await page.goto(`/#/verify?gift=${liGiftId}`);
    await page.getByTestId('verdict').and(page.locator('[data-verdict="refused"]')).getByText(t('verify.why.event', { number: 1 })).waitFor();
    await check('verify-link-unverified');
    expect(shots.length).toBe(4);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("the household's page refuses a revocation without reason and an erasure unconfirmed or without reason ($language at $width px)", async (view) => {
    const { page, t, language, check, shots } = await openSignedIn(view, 'household', 'gov.nanshan', `household/${DEMO.household(5)}`);
    const code = householdCodeFor(DEMO.household(5));
    const actions = page.locator('#household-actions');
    const revoke = actions.locator('form').filter({ has: page.getByRole('button', { name: t('household.revoke'), exact: true }) });
    await submit(revoke, language, 'household.revoke');
    await fieldError(revoke, t('household.revokeReason')).getByText(t('error.validation.isNotEmpty', { field: t('field.reason') })).waitFor();
    await check('revoke-no-reason');
    const erase = actions.locator('form').filter({ has: page.getByRole('button', { name: t('household.erase'), exact: true }) });
    await erase.getByLabel(t('household.eraseConfirm', { code }), { exact: true }).fill('HH-00000000');
    await submit(erase, language, 'household.erase');
    await fieldError(erase, t('household.eraseConfirm', { code })).getByText(t('household.eraseConfirmMismatch', { code })).waitFor();
    await check('erase-unconfirmed');
    await erase.getByLabel(t('household.eraseConfirm', { code }), { exact: true }).fill(code);
    await submit(erase, language, 'household.erase');
    await fieldError(erase, t('household.eraseReason')).getByText(t('error.validation.isNotEmpty', { field: t('field.reason') })).waitFor();
    await check('erase-no-reason');
    expect(shots.length).toBe(3);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("the insurer's answer to a declaration refuses a reference too long, a dispute without reason and an answer given meanwhile ($language at $width px)", async (view) => {
    const n = VIEWS.indexOf(view) + 1;
    const { declarationId } = await government.ok('/disasters/declarations', { peril: 'flood', regionCodes: ['440305009'], incidentFrom: today(), incidentTo: today(), severity: 3, authorityReference: `深应急〔2026〕${n}号` });
    const { page, t, language, check, shots } = await openSignedIn(view, 'answer', 'insurer.anxin', `disasters/${declarationId}`);
    const section = page.locator('#answer-declaration');
    const confirm = section.locator('form').filter({ has: page.getByRole('button', { name: t('disaster.confirm'), exact: true }) });
    const dispute = section.locator('form').filter({ has: page.getByRole('button', { name: t('disaster.dispute'), exact: true }) });
    const reference = t('disaster.paymentFileReference');

    // The payment file's reference too long; a dispute without its reason: each under its field.
    await confirm.getByLabel(reference, { exact: true }).fill('P'.repeat(101));
    await submit(confirm, language, 'disaster.confirm');
    await fieldError(confirm, reference).getByText(t('error.validation.maxLength', { field: t('field.paymentFileReference'), max: 100 })).waitFor();
    await check('confirm-reference-too-long');
    await submit(dispute, language, 'disaster.dispute');
    await fieldError(dispute, t('disaster.reason')).getByText(t('error.validation.isNotEmpty', { field: t('field.reason') })).waitFor();
    await check('dispute-no-reason');

    // Disputed meanwhile by another of the insurer's staff: the page's confirmation, then its dispute, are refused above their buttons.
    await insurerApi.ok(`/disasters/declarations/${declarationId}/dispute`, { reason: '雨量未达触发值' });
    await confirm.getByLabel(reference, { exact: true }).fill(`PAYFILE-${n}`);
    await submit(confirm, language, 'disaster.confirm');
    await aboveButton(confirm).getByText(t('error.declaration.you-disputed')).waitFor();
    await check('confirm-after-dispute');
    await dispute.getByLabel(t('disaster.reason'), { exact: true }).fill('灾情与产品约定不符');
    await submit(dispute, language, 'disaster.dispute');
    await aboveButton(dispute).getByText(t('error.declaration.already-answered', { status: t('answerStatus.disputed') })).waitFor();
    await check('dispute-already-answered');
    expect(shots.length).toBe(4);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("the declaration form says each field's refusal under it ($language at $width px)", async (view) => {
    const { page, t, language, check, shots } = await openSignedIn(view, 'declare', 'gov.nanshan', 'government');
    const declare = page.locator('#declare-disaster form');
    const fill = async (fields: Partial<Record<'regionCodes' | 'incidentFrom' | 'incidentTo' | 'authorityReference', string>>) => {
      for (const [field, value] of Object.entries(fields)) await declare.getByLabel(t(`disaster.${field}` as MessageKey), { exact: true }).fill(value);
      await submit(declare, language, 'disaster.declareSubmit');
    };
    const under = (field: 'regionCodes' | 'incidentTo' | 'authorityReference') => fieldError(declare, t(`disaster.${field}`));

    // A code that is no division's and a reference too long: both said at once, each under its field.
    await fill({ regionCodes: '12345', authorityReference: 'R'.repeat(101) });
    await under('regionCodes').getByText(t('error.invalid.region-code', { field: t('field.regionCodes') })).waitFor();
    await under('authorityReference').getByText(t('error.validation.maxLength', { field: t('field.authorityReference'), max: 100 })).waitFor();
    await check('declare-region-code-and-reference');
    // A town of another county; then a village within a town also declared.
    await fill({ regionCodes: '440306001', authorityReference: `深应急〔2026〕9${VIEWS.indexOf(view)}号` });
    await under('regionCodes').getByText(t('error.region.outside-yours', { yourRegion: '440305' })).waitFor();
    await check('declare-outside-region');
    await fill({ regionCodes: '440305001, 440305001001' });
    await under('regionCodes').getByText(t('error.invalid.region-overlap', { field: t('field.regionCodes') })).waitFor();
    await check('declare-region-overlap');
    // A last day before the first.
    await fill({ regionCodes: '440305001', incidentFrom: today(), incidentTo: daysFromToday(-2) });
    await under('incidentTo').getByText(t('error.invalid.before-other', { field: t('field.incidentTo'), other: t('field.incidentFrom') })).waitFor();
    await check('declare-before-first-day');
    expect(shots.length).toBe(4);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("the eligibility check refuses a category the API does not know under it, and says a lost connection above the button ($language at $width px)", async (view) => {
    const { householdCode: code } = await government.ok('/households', householdBody('440305001001', 700 + VIEWS.indexOf(view)));
    const { page, t, language, check, shots } = await openSignedIn(view, 'verify-eligibility', 'gov.nanshan', 'government');
    const all = page.locator('#gov-all');
    await all.getByLabel(t('gov.searchCode'), { exact: true }).fill(code);
    // Until the search has narrowed the list to this household, its row may still move (or be another page's): a click then can land on a row that goes.
    await until(`the list narrowed to ${code}`, () => all.locator('tr[data-household-code]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-household-code'))), (codes) => codes.length === 1 && codes[0] === code);
    const form = all.getByRole('form', { name: t('gov.verifyFor', { code }), exact: true });
    // A category altered on its way (the list offers only known ones): the API's refusal shows under the category.
    await page.route('**/eligibility/verify', (route) => route.continue({ postData: JSON.stringify({ category: 'retired' }) }));
    await submit(form, language, 'gov.verify');
    await fieldError(form, t('gov.category')).getByText(t('error.invalid.one-of', { field: t('field.category') }).split('{allowed}')[0]).waitFor();
    // The categories it may be, by their names.
    const said = await fieldError(form, t('gov.category')).innerText();
    for (const category of ['low-income', 'disabled', 'orphan']) expect([said, said.includes(t(`category.${category}` as MessageKey))]).toEqual([said, true]);
    await check('verify-unknown-category');
    await page.unroute('**/eligibility/verify');
    await page.route('**/eligibility/verify', (route) => route.abort('internetdisconnected'));
    await submit(form, language, 'gov.verify');
    await aboveButton(form).getByText(t('error.network')).waitFor();
    await check('verify-offline');
    expect(shots.length).toBe(2);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("a page whose code cannot be fetched says so and how to go on, and reloading brings it ($language at $width px)", async (view) => {
    const page = await newTab(view);
    const t = (key: MessageKey) => text(view.language, key);
    const { check, shots } = checker(page, view.language, `errors-page-code-${view.language}-${view.width}`);
    // Signed in, then the donor's page, fetched when first shown: its file lost on the way (a dropped connection, or a new version that replaced it).
    await openSignedInAt(page, 'donor.li', 'sign-in');
    await page.route('**/assets/donor-*.js', (route) => route.abort('internetdisconnected'));
    await page.goto('/#/donor');
    const failed = page.getByTestId('page-load-failed');
    await failed.getByText(t('common.pageLoadFailed')).waitFor();
    await check('page-code-lost');
    await page.unroute('**/assets/donor-*.js');
    await failed.getByRole('button', { name: t('common.reload'), exact: true }).click();
    await page.getByRole('button', { name: t('donor.giveSubmit'), exact: true }).waitFor();
    expect(shots.length).toBe(1);
    await page.close();
  }, 120_000);

  it.each(VIEWS)('the household import refuses a file of another type, empty, too large, missing a column or unreadable, and says each bad row ($language at $width px)', async (view) => {
    const { page, t, language, check, shots } = await openSignedIn(view, 'import', 'gov.nanshan', 'government');
    const section = page.locator('#gov-import');
    const file = t('import.file');
    const choose = (name: string, content: string, mimeType = 'text/csv') => section.getByLabel(file, { exact: true }).setInputFiles({ name, mimeType, buffer: Buffer.from(content) });
    const header = '村社区代码,类别,户主姓名,户主身份证号,地址,家庭成员';
    const id = (n: number) => nationalIdWithChecksum(`44030519710101${String(n).padStart(3, '0')}`);
    const base = 10 * VIEWS.indexOf(view);

    await choose('households.txt', `${header}\n`, 'text/plain');
    await fieldError(section, file).getByText(t('import.wrongType')).waitFor();
    await check('import-wrong-type');
    await choose('households.csv', '');
    await fieldError(section, file).getByText(t('import.emptyFile')).waitFor();
    await check('import-empty-file');
    await section.getByLabel(file, { exact: true }).setInputFiles(largeFile('households.csv', Buffer.alloc(5 * 1024 * 1024 + 1, 'a')));
    await fieldError(section, file).getByText(t('import.tooLarge').split('{size}')[0]).waitFor();
    await check('import-too-large');
    await choose('households.csv', '村社区代码,类别,户主姓名,地址\n440305001001,低收入,张伟,南山区 1 号\n');
    await fieldError(section, file).getByText(t('import.missingColumns', { columns: language === 'en' ? 'headNationalId' : '户主身份证号' })).waitFor();
    await check('import-missing-column');
    await choose('households.csv', `${header}\n`);
    await fieldError(section, file).getByText(t('import.empty')).waitFor();
    await check('import-header-only');
    await choose('households.xlsx', 'not a workbook', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    await fieldError(section, file).getByText(t('import.unreadable')).waitFor();
    await check('import-unreadable');

    // Rows the API refuses: a head without a name, a village of another county, a number given twice in the file.
    const good = `440305001001,低收入,户主${base},${id(base)},南山区 1 号,`;
    await choose('households.csv', `${header}\n${good}\n440305001001,低收入,,${id(base + 1)},南山区 2 号,\n440306001001,低收入,外县,${id(base + 2)},宝安区 3 号,\n${good.replace(`户主${base}`, '重复')}\n`);
    const bad = (row: number) => section.locator(`tr[data-row="${row}"] .field-error`);
    await bad(2).getByText(t('error.validation.isNotEmpty', { field: t('field.personal.headName') })).waitFor();
    await bad(3).getByText(t('error.region.outside-yours', { yourRegion: '440305' })).waitFor();
    await bad(4).getByText(t('error.household.import-repeated-id', { field: t('field.personal.headNationalId'), row: 1 })).waitFor();
    await check('import-bad-rows');
    await submit(section, language, 'import.cancel');
    expect(shots.length).toBe(7);
    await page.close();
  }, 120_000);

  it.each(VIEWS)("the gift form refuses no household chosen, an amount beyond fen and a household no longer eligible; the receipt's download says why it failed ($language at $width px)", async (view) => {
    const { householdId, householdCode: code } = await government.ok('/households', householdBody('440305001002', 710 + VIEWS.indexOf(view)));
    await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
    const { page, t, language, check, shots } = await openSignedIn(view, 'gift', 'donor.li', 'donor');
    const give = page.locator('#give form');
    const picker = give.locator('fieldset').filter({ has: page.locator('legend', { hasText: t('donor.chooseHousehold') }) });
    await give.getByLabel(t('donor.product'), { exact: true }).selectOption(DEMO.productId);

    // Nothing chosen and 12.345 yuan: both said before anything is sent.
    await give.getByLabel(t('donor.amount'), { exact: true }).fill('12.345');
    await submit(give, language, 'donor.giveSubmit');
    await picker.locator(':scope > .field-error').getByText(t('donor.householdNeeded')).waitFor();
    await fieldError(give, t('donor.amount')).getByText(t('donor.amountFormat')).waitFor();
    await check('gift-nothing-chosen');

    // The household chosen, then its eligibility revoked meanwhile: the API's refusal above the button.
    await picker.getByLabel(t('gov.searchCode'), { exact: true }).fill(code);
    await picker.getByRole('radio', { name: code, exact: true }).check();
    await government.ok(`/households/${householdId}/eligibility/revoke`, { reason: '迁出本县' });
    await submit(give, language, 'donor.giveSubmit');
    await aboveButton(give).getByText(t('error.household.not-verified', { householdCode: code })).waitFor();
    await check('gift-household-not-eligible');

    // A receipt that cannot be had: the connection lost, then the server failing.
    const receipt = page.locator('[data-testid="gift"] .receipt').first();
    await page.route('**/gifts/*/receipt', (route) => route.abort('internetdisconnected'));
    await submit(receipt, language, 'donor.receipt.download');
    await receipt.locator('.field-error').getByText(t('error.network')).waitFor();
    await check('receipt-offline');
    await page.unroute('**/gifts/*/receipt');
    await page.route('**/gifts/*/receipt', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ statusCode: 500, message: 'Internal server error' }) }));
    await submit(receipt, language, 'donor.receipt.download');
    await receipt.locator('.field-error').getByText(t('error.http.error')).waitFor();
    await check('receipt-server-error');
    expect(shots.length).toBe(4);
    await page.close();
  }, 120_000);

  it('serves a favicon, draws focus rings of at least 3:1, says done and pending in words, and gives every chart its figures as text', async () => {
    const icon = await fetch(`${platform.url}/favicon.ico`);
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, expect.stringMatching(/icon/)]);
    expect((await icon.arrayBuffer()).byteLength).toBeGreaterThan(100);

    const page = await newTab(VIEWS[1]);
    await signIn(page, 'donor.li', 'donor');
    await page.locator('[data-testid="gift"] [data-step="allocated"]').first().waitFor();
    // Every focusable control in turn: its ring against the colour around it (the nearest background behind it).
    const ratios: [string, number][] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const ring = (await page.evaluate(`(() => {
        const element = document.activeElement;
        if (!element || element === document.body) return null;
        const style = getComputedStyle(element);
        let around = element.parentElement;
        while (around && ['rgba(0, 0, 0, 0)', 'transparent'].includes(getComputedStyle(around).backgroundColor)) around = around.parentElement;
        return { what: element.tagName + ' ' + (element.textContent || element.getAttribute('aria-label') || '').trim().slice(0, 20), style: style.outlineStyle, width: style.outlineWidth, colour: style.outlineColor, background: around ? getComputedStyle(around).backgroundColor : 'rgb(255, 255, 255)' };
      })()`)) as { what: string; style: string; width: string; colour: string; background: string } | null;
      if (!ring) continue;
      expect([ring.what, ring.style, parseFloat(ring.width) >= 2]).toEqual([ring.what, 'solid', true]);
      ratios.push([ring.what, Math.round(contrast(ring.colour, ring.background) * 10) / 10]);
    }
    expect(ratios.length).toBeGreaterThan(5);
    expect(ratios.filter(([, ratio]) => ratio < 3)).toEqual([]);
    await screenshot(page, 'a11y-zh-CN-1280-focus-ring');

    // The timeline's steps: each says in words whether it is done.
    const steps = await page.locator('[data-testid="gift"] [data-step]').evaluateAll((items) => items.map((item) => [item.className, item.querySelector('.visually-hidden')?.textContent ?? '']));
    expect(steps.length).toBeGreaterThan(1);
    for (const [state, words] of steps) expect(words).toBe(state === 'done' ? zhCN['donor.stepDone'] : zhCN['donor.stepPending']);

    // Every chart's accessible name holds its figures, not just its title.
    let charts = 0;
    for (const [path, ready] of [['/#/', '#public-flow svg'], ['/#/insurer', '#insurer-policies li'], ['/#/government', '#gov-chart']]) {
      if (path === '/#/insurer') await signIn(page, 'insurer.anxin', 'insurer');
      else if (path === '/#/government') await signIn(page, 'gov.nanshan', 'government');
      else await page.goto(path);
      await page.locator(ready).first().waitFor();
      charts += await page.locator('svg[role="img"]').count();
      const names = await page.locator('svg[role="img"]').evaluateAll((charts) => charts.map((chart) => chart.getAttribute('aria-label') ?? ''));
      for (const name of names) expect([path, name, name.split('; ').length > 1 && /\d/.test(name)]).toEqual([path, name, true]);
    }
    expect(charts).toBeGreaterThanOrEqual(2);
    await page.close();
  }, 120_000);
});

/** WCAG contrast ratio of two CSS rgb()/rgba() colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = (colour.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((part) => {
      const c = Number(part) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}
