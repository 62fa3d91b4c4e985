import type { Browser, Page, Route } from 'playwright-core';
import { streams } from '@pangolin/domain';
import type { EventStore } from '@pangolin/event-store';
import { EVENT_STORE } from '@pangolin/runtime';
import { chromiumAvailable, DEMO_PASSWORD, demoDataWords, englishOnPage, launchBrowser, openView, screenshot, signIn, startWebPlatform, VIEWS, openSignedInAt } from './support/web-platform';
import { cny, type ApiClient, type RunningPlatform } from '../support/platform';

/**
 * The insurer's work in the browser: a claim's own page, reached from the claims register (facts,
 * evidence, the whole history with times, deciding and paying from there; the household's
 * government reads it without the actions), and the bulk issue of requested policies with progress
 * and each row's result, where answers lost on the way are tried again under the same
 * Idempotency-Keys and nothing is issued twice.
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

// Read inside the page (Playwright runs these functions in the browser).
declare const document: { documentElement: { scrollWidth: number } };

const today = () => new Date().toISOString().slice(0, 10);

describeWithBrowser("the insurer's claim page and bulk issue", () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let government: ApiClient;
  let insurer: ApiClient;
  let dataWords: Set<string>;
  /** The demo's policy, issued: the claims of these tests are filed on it. */
  let claimPolicy: { policyId: string; householdId: string };
  const store = () => platform.app.get<EventStore>(EVENT_STORE);

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    government = await platform.api.login('gov.nanshan', DEMO_PASSWORD);
    insurer = await platform.api.login('insurer.anxin', DEMO_PASSWORD);
    const donor = await platform.api.login('donor.wang', DEMO_PASSWORD);
    dataWords = await demoDataWords(platform);
    const [requested] = await insurer.list('/insurer/policies?status=requested');
    await insurer.ok(`/policies/${requested.policyId}/issue`, { policyNumber: 'AX-CLAIM-0001', startDate: today() });
    claimPolicy = requested;
    // Three more households' premiums paid by a donor: three policies wait to be issued.
    const [product] = (await platform.api.read('/products?insurerId=anxin-mutual')).items;
    const uncovered: { householdId: string }[] = await government.list('/government/households?eligible=true&covered=false');
    for (const [n, { householdId }] of uncovered.slice(0, 3).entries()) {
      const { giftId } = await donor.ok('/gifts', { amount: product.terms.annualPremium, target: { kind: 'household', householdId, productId: product.productId }, remainder: 'refund' });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `BULK-PAY-${n}`, amount: product.terms.annualPremium });
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const issuedEvents = async (policyId: string) => (await store().readStream(streams.policy(policyId))).filter((event) => event.type === 'PolicyIssued');

  it('issues the chosen requested policies in one go with progress; an answer lost on the way is tried again under its key, and nothing is issued twice', async () => {
    const requested: { policyId: string; household: { householdCode: string } }[] = await insurer.list('/insurer/policies?status=requested');
    expect(requested.length).toBe(3);
    const { context, page } = await openView(browser, platform.url, VIEWS[1]);
    await signIn(page, 'insurer.anxin', 'insurer');
    const section = page.locator('#insurer-bulk-issue');
    await section.locator('tbody tr').nth(requested.length - 1).waitFor();
    // A number series is needed before anything is sent.
    await section.getByRole('button', { name: '选择本页全部保单' }).click();
    await section.getByRole('button', { name: '签发所选保单（3 份）' }).click();
    await section.getByText('请填写保单号前缀。').waitFor();
    await section.getByLabel('保单号前缀').fill('ANX-BULK-');
    await section.getByLabel('起始序号').fill('0001');
    await section.getByLabel('起保日期').fill(today());
    const shown = await section.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.querySelector('td:last-child')?.textContent));
    expect(shown).toEqual(['ANX-BULK-0001', 'ANX-BULK-0002', 'ANX-BULK-0003']);

    // The first answer is held until the progress has been seen; the second is lost on its way back (the policy is issued all the same).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const keys: string[] = [];
    await page.route('**/policies/*/issue', async (route: Route) => {
      const index = keys.push(route.request().headers()['idempotency-key']) - 1;
      const response = await route.fetch();
      if (index === 0) {
        await held;
        return route.fulfill({ response });
      }
      if (index === 1) return route.abort('failed');
      return route.fulfill({ response });
    });
    await section.getByRole('button', { name: '签发所选保单（3 份）' }).click();
    await section.getByText('已处理 2 / 3').waitFor();
    expect(await section.locator('progress').getAttribute('value')).toBe('2');
    await screenshot(page, 'bulk-issue-progress-zh-CN');
    release();
    await section.getByTestId('bulk-done').getByText('已签发 2 / 3 份保单。').waitFor();
    const failed = section.locator('tr[data-status="failed"]');
    expect(await failed.count()).toBe(1);
    expect(await failed.innerText()).toContain('无法连接服务器');
    expect(new Set(keys)).toEqual(new Set(requested.map((policy) => `issue-${policy.policyId}`)));
    // Every policy is issued on the platform, the one whose answer was lost too, once each.
    for (const { policyId } of requested) expect((await issuedEvents(policyId)).length).toBe(1);
    await screenshot(page, 'bulk-issue-lost-answer-zh-CN');

    // Tried again under the same key: the platform answers as the first time and issues nothing more.
    await page.unroute('**/policies/*/issue');
    const head = await store().headPosition();
    await section.getByRole('button', { name: '重试未签发的 1 份保单' }).click();
    await section.getByTestId('bulk-done').getByText('已签发 3 / 3 份保单。').waitFor();
    expect(await section.locator('tr[data-status="issued"]').count()).toBe(3);
    expect(await store().headPosition()).toBe(head);
    const numbers = await Promise.all(requested.map(async ({ policyId }) => (await issuedEvents(policyId)).map((event) => (event.data as { policyNumber: string }).policyNumber)));
    expect(numbers.flat().sort()).toEqual(['ANX-BULK-0001', 'ANX-BULK-0002', 'ANX-BULK-0003']);
    expect(await englishOnPage(page, dataWords)).toEqual([]);
    await screenshot(page, 'bulk-issue-done-zh-CN');
    await section.getByRole('button', { name: '完成' }).click();
    await section.getByText('没有等待签发的保单。').waitFor();
    await context.close();
  }, 120_000);

  it("lets the household's government read the claim from the household's history, without the insurer's actions; a donor is sent to sign in", async () => {
    const { claimId } = await government.ok(`/policies/${claimPolicy.policyId}/claims`, { incidentDate: today(), kind: 'accident', amountClaimed: cny(30_000), evidence: [] });
    await insurer.ok(`/policies/${claimPolicy.policyId}/claims/${claimId}/reject`, { reason: 'not an accident covered by the policy' });
    const { context, page } = await openView(browser, platform.url, VIEWS[0]);
    await openSignedInAt(page, 'gov.nanshan', `household/${claimPolicy.householdId}`);
    await page.locator(`#household-history a[href="#/claim/${claimId}"]`).first().click();
    await page.waitForURL(`**/#/claim/${claimId}`);
    await page.locator('#claim-history tr[data-type="ClaimRejected"]').getByText('reason: not an accident covered by the policy').waitFor();
    await page.locator('#claim-actions').getByText('The insurer of record decides and pays the claim').waitFor();
    expect(await page.locator('#claim-actions form').count()).toBe(0);
    await screenshot(page, 'claim-page-government-en');
    // A donor is sent to sign in; the claim is not shown.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await openSignedInAt(page, 'donor.li', `claim/${claimId}`);
    await page.locator('#sign-in').waitFor();
    await context.close();
  }, 60_000);

  /** The insurer opens the claim from its claims register. */
  const openFromRegister = async (page: Page, claimId: string) => {
    await page.locator(`#insurer-claims li[data-key="${claimId}"] h3 a`).click();
    await page.waitForURL(`**/#/claim/${claimId}`);
    await page.locator('#claim-history tbody tr').first().waitFor();
  };

  it.each(VIEWS)('shows a claim with its history, decided and paid or rejected from its page ($language, $width px)', async (view) => {
    const { claimId } = await government.ok(`/policies/${claimPolicy.policyId}/claims`, { incidentDate: today(), kind: 'illness', amountClaimed: cny(120_000), evidence: ['住院发票'] });
    const { context, page } = await openView(browser, platform.url, view);
    await signIn(page, 'insurer.anxin', 'insurer');
    await openFromRegister(page, claimId);
    const history = page.locator('#claim-history');
    expect(await history.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type')))).toEqual(['ClaimFiled']);
    const actions = page.locator('#claim-actions');
    if (view.language === 'en') {
      expect(await page.getByTestId('claim-amount').innerText()).toContain('¥1,200.00');
      await actions.getByRole('radio', { name: 'Approve in part' }).check();
      await actions.getByLabel('Approved amount (yuan)').fill('1000');
      await actions.getByLabel('Note').fill('the receipt covers 1,000 yuan');
      await actions.getByRole('button', { name: 'Record decision' }).click();
      await history.locator('tr[data-type="ClaimApproved"]').getByText('note: the receipt covers 1,000 yuan').waitFor();
      await actions.getByLabel('Payout reference').fill(`BANK-TRF-${view.width}`);
      await actions.getByRole('button', { name: 'Pay claim' }).click();
      await history.locator('tr[data-type="ClaimPaid"]').getByText(`¥1,000.00 paid, payout reference BANK-TRF-${view.width}`).waitFor();
      expect(await page.getByTestId('claim-payout-reference').innerText()).toBe(`BANK-TRF-${view.width}`);
      expect(await page.getByTestId('claim-state').innerText()).toContain('Paid');
      await actions.getByText('Nothing left to do (state: Paid).').waitFor();
    } else {
      await actions.getByRole('radio', { name: '拒赔', exact: true }).check();
      await actions.getByLabel('拒赔理由').fill('发票日期早于保单生效日');
      await actions.getByRole('button', { name: '记录决定' }).click();
      await history.locator('tr[data-type="ClaimRejected"]').getByText('原因：发票日期早于保单生效日').waitFor();
      expect(await page.getByTestId('claim-reason').innerText()).toBe('发票日期早于保单生效日');
      expect(await englishOnPage(page, dataWords)).toEqual([]);
    }
    // Each entry is the event the log recorded, with its time and its proof.
    const recorded = (await store().readStream(streams.policy(claimPolicy.policyId))).filter((event) => (event.data as { claimId?: string }).claimId === claimId);
    const rows = await history.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-type'), tr.querySelector('a')?.getAttribute('href'), /\d{1,2}:\d{2}:\d{2}/.test(tr.querySelector('th')?.textContent ?? '')]));
    expect(rows).toEqual(recorded.map((event) => [event.type, `/transparency/events/${event.eventId}/inclusion-proof`, true]));
    expect(rows.length).toBe(view.language === 'en' ? 3 : 2);
    if (view.width < 600) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(view.width);
    await screenshot(page, `claim-page-${view.language}-${view.width}`);
    await context.close();
  }, 60_000);

});
