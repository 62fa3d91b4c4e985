import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, openView, screenshot, signIn, startWebPlatform, VIEWS, openSignedInAt } from './support/web-platform';
import type { ApiClient, RunningPlatform } from '../support/platform';

/**
 * A county officer's daily work on one household, in the browser: its page (record, policies,
 * whole history with each entry's proof), filing a claim on its policy in force, revoking
 * another's eligibility, erasing a third's personal data (after typing its code to confirm).
 * The insurer of record sees the page without the government's actions; a donor is sent to sign in.
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

const INVOICE = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

// Read inside the page (Playwright runs these functions in the browser).
declare const document: { documentElement: { scrollWidth: number }; querySelectorAll(selector: string): { length: number } };

interface GovernmentHousehold {
  householdId: string;
  householdCode: string;
  eligible: boolean;
  covered: boolean;
}

describeWithBrowser("a household's page", () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let government: ApiClient;
  let households: GovernmentHousehold[];
  let covered: GovernmentHousehold;

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    government = await platform.api.login('gov.nanshan', DEMO_PASSWORD);
    const insurer = await platform.api.login('insurer.anxin', DEMO_PASSWORD);
    households = await government.list('/government/households');
    covered = households.find((household) => household.covered)!;
    // The insurer issues the demo's requested policy, so the household has a policy in force to claim on.
    const [requested] = await insurer.list('/insurer/policies?status=requested');
    expect(requested.householdId).toBe(covered.householdId);
    await insurer.ok(`/policies/${requested.policyId}/issue`, { policyNumber: 'AX-2026-0001', startDate: new Date().toISOString().slice(0, 10) });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const open = async (page: Page, household: GovernmentHousehold) => {
    await page.goto('/#/government');
    await page.locator('#gov-all').getByRole('link', { name: new RegExp(household.householdCode) }).click();
    await page.waitForURL(`**/#/household/${household.householdId}`);
    await page.locator('#household-history tbody tr').first().waitFor();
  };

  it.each(VIEWS)('shows the record and the whole history, each entry linked to its proof ($language, $width px)', async (view) => {
    const { context, page } = await openView(browser, platform.url, view);
    await signIn(page, 'gov.nanshan', 'government');
    await open(page, covered);
    const history: { type: string; eventId: string }[] = await government.list(`/households/${covered.householdId}/history`);
    expect(history.map((entry) => entry.type)).toEqual(expect.arrayContaining(['HouseholdRegistered', 'HouseholdEligibilityVerified', 'GiftPledged', 'GiftAllocated', 'PolicyRequested', 'PolicyIssued']));
    await page.waitForFunction((count) => document.querySelectorAll('#household-history tbody tr').length === count, Math.min(history.length, 20));
    // Each row's proof link, found by its name ("event 12"): a claim's row has a link to the claim's page before it.
    const proofName = view.language === 'en' ? /^event \d+$/ : /^第 \d+ 条事件$/;
    const rows = await page.locator('#household-history tbody tr').evaluateAll(
      (trs, name) => trs.map((tr) => [tr.getAttribute('data-type'), (Array.from(tr.querySelectorAll('a')) as { textContent: string | null; getAttribute(name: string): string | null }[]).find((a) => new RegExp(name).test((a.textContent ?? '').trim()))?.getAttribute('href')]),
      proofName.source,
    );
    expect(rows).toEqual(history.slice(0, 20).map((entry) => [entry.type, `/transparency/events/${entry.eventId}/inclusion-proof`]));
    expect(await page.getByTestId('household-personal').innerText()).not.toBe('');
    if (view.width < 600) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(view.width);
    await screenshot(page, `household-${view.language}-${view.width}`);
    await context.close();
  }, 60_000);

  it('files a claim with its evidence on the policy in force, refusing a bad amount first; the claim joins the history and the insurer opens the evidence, and learns when it was altered', async () => {
    const { context, page } = await openView(browser, platform.url, VIEWS[1]);
    await signIn(page, 'gov.nanshan', 'government');
    await open(page, covered);
    const policies = page.locator('#household-policies');
    await policies.getByRole('button', { name: '报案', exact: true }).click();
    const form = policies.getByRole('form', { name: '报案' });
    await form.getByLabel('索赔金额（元）').fill('abc');
    await form.getByRole('button', { name: '提交报案' }).click();
    await form.locator('.field-error').first().waitFor();
    await form.getByLabel('索赔金额（元）').fill('1200');
    // A scanned invoice, uploaded to the evidence store as it is chosen; the claim records its SHA-256.
    const invoice = join(platform.dataDir, '住院发票.pdf');
    writeFileSync(invoice, INVOICE);
    await form.getByLabel(/上传扫描件或照片/).setInputFiles(invoice);
    await form.getByText('住院发票.pdf').waitFor();
    await form.getByRole('button', { name: '提交报案' }).click();
    await page.locator('#household-history tr[data-type="ClaimFiled"]').waitFor();
    expect(await page.locator('#household-history tr[data-type="ClaimFiled"]').innerText()).toContain('¥1,200.00');
    await screenshot(page, 'household-claim-filed-zh-CN');
    await context.close();

    // The insurer sees the claim's evidence in its queue and opens it; once the file is altered on disk, it is reported, not shown.
    const { context: insurerContext, page: insurerPage } = await openView(browser, platform.url, VIEWS[1]);
    await signIn(insurerPage, 'insurer.anxin', 'insurer');
    const evidence = insurerPage.locator('[data-testid="claims-queue"] .evidence');
    await evidence.getByRole('button', { name: '住院发票.pdf' }).waitFor();
    const hash = createHash('sha256').update(INVOICE).digest('hex');
    expect(await evidence.locator('li[data-sha256]').getAttribute('data-sha256')).toBe(hash);
    const opened = insurerPage.waitForEvent('popup');
    await evidence.getByRole('button', { name: '住院发票.pdf' }).click();
    await (await opened).close();
    writeFileSync(join(platform.dataDir, 'evidence', hash.slice(0, 2), hash), Buffer.concat([INVOICE, Buffer.from('% altered\n')]));
    await evidence.getByRole('button', { name: '住院发票.pdf' }).click();
    await evidence.getByText('该文件在上传后被改动').waitFor();
    await screenshot(insurerPage, 'claim-evidence-altered-zh-CN');
    // The claims register by filing day: none filed from tomorrow, this one filed today.
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await insurerPage.getByLabel('报案日期起').fill(tomorrow);
    await insurerPage.locator('[data-testid="claims-queue"]').waitFor({ state: 'detached' });
    await insurerPage.getByLabel('报案日期起').fill(today);
    await insurerPage.getByLabel('报案日期止').fill(today);
    await evidence.getByRole('button', { name: '住院发票.pdf' }).waitFor();
    await insurerContext.close();
  }, 60_000);

  it('revokes an eligibility and erases personal data only once the code is typed', async () => {
    const { context, page } = await openView(browser, platform.url, VIEWS[0]);
    await signIn(page, 'gov.nanshan', 'government');
    const [toRevoke, toErase] = households.filter((household) => household.eligible && !household.covered);
    await open(page, toRevoke);
    await page.getByLabel('Reason for revoking').fill('moved out of the county');
    await page.getByRole('button', { name: 'Revoke eligibility' }).click();
    await page.locator('#household-history tr[data-type="HouseholdEligibilityRevoked"]').waitFor();

    await open(page, toErase);
    await page.getByLabel('Reason for erasing').fill('the household asked for it');
    await page.getByLabel(`Type the household code ${toErase.householdCode} to confirm`).fill('HH-WRONG');
    await page.getByRole('button', { name: 'Erase personal data' }).click();
    await page.getByText(`Type ${toErase.householdCode} exactly to confirm the erasure.`).waitFor();
    expect((await government.read(`/households/${toErase.householdId}`)).personalDataErased).toBe(false);
    await page.getByLabel(`Type the household code ${toErase.householdCode} to confirm`).fill(toErase.householdCode);
    await page.getByRole('button', { name: 'Erase personal data' }).click();
    await page.locator('#household-history tr[data-type="HouseholdPersonalDataErased"]').waitFor();
    await page.getByTestId('household-personal').getByText('(personal data erased)').waitFor();
    expect((await government.read(`/households/${toErase.householdId}`)).personal).toBeNull();
    await screenshot(page, 'household-erased-en');
    await context.close();
  }, 60_000);

  it("shows the insurer of record the page without the government's actions, and sends a donor to sign in", async () => {
    const { context, page } = await openView(browser, platform.url, VIEWS[0]);
    await openSignedInAt(page, 'insurer.anxin', `household/${covered.householdId}`);
    await page.locator('#household-history tbody tr').first().waitFor();
    expect(await page.locator('#household-actions').count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await openSignedInAt(page, 'donor.li', `household/${covered.householdId}`);
    await page.locator('#sign-in').waitFor();
    expect(await page.locator('main').innerText()).not.toContain(covered.householdCode);
    await context.close();
  }, 60_000);
});
