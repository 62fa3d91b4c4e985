import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { householdCodeOf, verifyReceipt, type Trail } from '@pangolin/transparency';
import { formatMoney } from '../../apps/web/src/format';
import { cny, type ApiClient, type RunningPlatform } from '../support/platform';
import { chromiumAvailable, DEMO_PASSWORD, demoDataWords, englishOnPage, launchBrowser, openView, pageLayout, rawKeysOnPage, screenshot, SCREENSHOTS, signIn, startWebPlatform, VIEWS, openSignedInAt } from './support/web-platform';

/**
 * A donor's printable gift certificate (#/certificate/<gift>), in both languages at a desktop and a
 * phone width: the gift's amount and its trail as the API's receipt proves it (allocation, premium,
 * policy, the claim it paid, the refunded remainder), the checkpoint it is proven against, and a QR
 * code that, decoded from the screenshot's pixels, is the verification page's link, which loads the
 * receipt and verifies it. On paper it is one A4 page without the site's menus.
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

/** The receipt's trail and checkpoint, as the transparency library verifies them outside the browser. */
interface Proven {
  trail: Trail;
  size: string;
  rootHash: string;
  /** The log's name and the key that signed its checkpoint: codes the certificate prints as they are. */
  origin: string;
  signedBy: readonly string[];
}

/** The amount each step of the trail shows (the certificate's data-amount), as the page picks it. */
function amountOf(step: Trail['steps'][number]): number | null {
  switch (step.kind) {
    case 'allocation-planned':
      return step.total.amount;
    case 'premium-fully-funded':
      return step.giftShare.amount;
    case 'policy-requested':
      return step.premium.amount;
    case 'policy-cancelled':
      return step.giftRefund.amount;
    case 'policy-issued':
    case 'policy-expired':
      return null;
    default:
      return step.amount.amount;
  }
}

/** The QR code in `page`'s certificate, read back from a screenshot of it (its pixels, not its markup). */
async function decodeQrOnScreen(page: Page): Promise<string | undefined> {
  const png = PNG.sync.read(await page.getByTestId('certificate-qr').screenshot());
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

/** How many pages a PDF has (its page objects). */
function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
}

describeWithBrowser("a donor's printable gift certificate", () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let donor: ApiClient;
  let giftId: string;
  let householdId: string;
  let proven: Proven;
  let dataWords: Set<string>;

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    dataWords = await demoDataWords(platform);
    // A gift with every kind of step: 60 yuan for a 50-yuan premium (10 refunded), the policy issued, a claim paid.
    donor = await platform.api.login('donor.wang', DEMO_PASSWORD);
    const insurer = await platform.api.login('insurer.anxin', DEMO_PASSWORD);
    const government = await platform.api.login('gov.nanshan', DEMO_PASSWORD);
    const productId: string = (await platform.api.read('/products')).items[0].productId;
    const [household] = await platform.api.list(`/households/uncovered?region=440305&productId=${productId}`);
    householdId = household.householdId;
    expect(household.remaining).toEqual(cny(5000));
    ({ giftId } = await donor.ok('/gifts', { amount: cny(6000), target: { kind: 'household', householdId, productId }, remainder: 'refund' }));
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: 'CERT-TEST-0001', amount: cny(6000) });
    const policyId: string = (await donor.read(`/gifts/${giftId}`)).allocations.items[0].policyId;
    const today = new Date().toISOString().slice(0, 10);
    await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ANX-CERT-0001', startDate: today });
    const { claimId } = await government.ok(`/policies/${policyId}/claims`, { incidentDate: today, kind: 'illness', amountClaimed: cny(300000), evidence: ['hospital-invoice-0001.pdf'] });
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/approve`, {});
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/payment`, { payoutReference: 'BANK-CERT-0001' });

    // The receipt as the API hands it out, verified here with the library the page runs too.
    const receipt = await donor.get(`/gifts/${giftId}/receipt`);
    expect(receipt.status).toBe(200);
    const key = (await platform.api.get('/transparency/verifier-key')).body.trim();
    const verified = verifyReceipt(JSON.stringify(receipt.body), key);
    if (!verified.ok) throw new Error(`the API's receipt does not verify: ${verified.failure}`);
    proven = { trail: verified.trail, size: verified.checkpoint.size.toString(), rootHash: Buffer.from(verified.checkpoint.rootHash).toString('base64'), origin: verified.checkpoint.origin, signedBy: verified.signedBy };
    expect(proven.trail.steps.map((step) => step.kind)).toEqual(expect.arrayContaining(['gift-pledged', 'payment-confirmed', 'allocated', 'policy-issued', 'claim-paid', 'remainder-refunded']));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  for (const view of VIEWS) {
    const name = `${view.language}${view.width < 600 ? '-phone' : ''}`;
    it(`shows the gift's amount, trail, checkpoint and a QR code of its verification link (${name})`, async () => {
      const { context, page } = await openView(browser, platform.url, view);
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await signIn(page, 'donor.wang', 'donor');
      // From the donor's page: the gift's link to its certificate.
      await page.locator(`[data-testid="gift"][data-key="${giftId}"]`).getByRole('link', { name: view.language === 'en' ? 'Printable certificate' : '可打印的捐赠证书' }).click();
      await page.waitForURL(`**/#/certificate/${giftId}`);
      const certificate = page.getByTestId('certificate');
      await certificate.getByTestId('certificate-qr').waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid="certificate-qr"]') as unknown as { complete: boolean }).complete);

      // The amount received, the household by its pseudonymous code only.
      expect(await certificate.getByTestId('certificate-amount').innerText()).toBe(formatMoney(cny(6000), view.language));
      const code = householdCodeOf(householdId);
      expect(await certificate.getByTestId('certificate-reached').innerText()).toContain(code);
      // The trail, step for step as the receipt proves it.
      const steps = certificate.getByTestId('certificate-trail').locator('li');
      const shown = await steps.evaluateAll((items) => items.map((item) => ({ kind: item.getAttribute('data-kind'), amount: item.getAttribute('data-amount') })));
      expect(shown).toEqual(proven.trail.steps.map((step) => ({ kind: step.kind, amount: amountOf(step) === null ? null : String(amountOf(step)) })));
      const claim = proven.trail.steps.find((step) => step.kind === 'claim-paid')!;
      const refund = proven.trail.steps.find((step) => step.kind === 'remainder-refunded')!;
      const trailText = await certificate.getByTestId('certificate-trail').innerText();
      for (const money of [claim.amount, refund.amount, cny(5000), cny(6000)]) expect(trailText).toContain(formatMoney(money, view.language));
      expect(trailText).toContain('ANX-CERT-0001');
      expect(trailText).toContain(code);
      // The checkpoint it is proven against.
      expect(await certificate.getByTestId('certificate-size').innerText()).toBe(proven.size);
      expect(await certificate.getByTestId('certificate-root').innerText()).toBe(proven.rootHash);
      // Nobody named: no household id, donor id or payment reference, only codes.
      const text = await certificate.innerText();
      for (const hidden of [householdId, proven.trail.donorId, 'CERT-TEST-0001', 'BANK-CERT-0001']) expect([hidden, text.includes(hidden)]).toEqual([hidden, false]);

      // Every word in the page's language (the codes and the link are data, not the interface's words).
      expect(await rawKeysOnPage(page, ['donor.wang'])).toEqual([]);
      const link = `${platform.url}/#/verify?gift=${giftId}`;
      const codeWords = [giftId, proven.rootHash, link, proven.origin, ...proven.signedBy].join(' ').match(/[A-Za-z][A-Za-z'’-]+/g) ?? [];
      if (view.language === 'zh-CN') expect(await englishOnPage(page, new Set([...dataWords, ...codeWords]))).toEqual([]);
      const layout = await pageLayout(page);
      expect([layout.lang, layout.scrollWidth]).toEqual([view.language, view.width]);
      await screenshot(page, `certificate-${name}`);

      // The QR code, read from the screen's pixels, is the verification page's link for this gift.
      expect(await decodeQrOnScreen(page)).toBe(link);

      // On paper: one A4 page, without the site's header, footer and buttons.
      await page.emulateMedia({ media: 'print' });
      // At a desktop, the width of an A4 sheet's printable area (210 mm less 12 mm margins, at 96 px an inch).
      if (view.width >= 600) await page.setViewportSize({ width: 703, height: 1032 });
      expect(await page.locator('header.top').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: view.language === 'en' ? 'Print' : '打印' }).isVisible()).toBe(false);
      expect(await decodeQrOnScreen(page)).toBe(link);
      await screenshot(page, `certificate-${name}-print`);
      if (view.width >= 600) {
        const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
        mkdirSync(SCREENSHOTS, { recursive: true });
        writeFileSync(join(SCREENSHOTS, `certificate-${name}.pdf`), pdf);
        expect(pdfPageCount(pdf)).toBe(1);
      }
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: view.width, height: view.height });

      // Following the link, signed in as the donor, loads the receipt and verifies it in the page.
      await page.goto(link);
      await page.getByTestId('verify-link').and(page.locator('[data-state="loaded"]')).waitFor();
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      expect(await verdict.getAttribute('data-verdict')).toBe('verified');
      expect(await verdict.innerText()).toContain(proven.size.toString());
      await screenshot(page, `certificate-${name}-verified`);
      expect(pageErrors).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('asks a visitor who follows the link to sign in, then comes back to the receipt and verifies it', async () => {
    const { context, page } = await openView(browser, platform.url, VIEWS[1]);
    await page.goto(`/#/verify?gift=${giftId}`);
    const notice = page.getByTestId('verify-link');
    await notice.and(page.locator('[data-state="sign-in"]')).waitFor();
    await notice.getByRole('link', { name: '登录后返回此处' }).click();
    await page.locator('#sign-in').getByLabel(/^用户名$/).fill('donor.wang');
    await page.locator('#sign-in').getByLabel(/^密码$/).fill(DEMO_PASSWORD);
    await page.locator('#sign-in').getByRole('button', { name: /^登录$/ }).click();
    await page.waitForURL(`**/#/verify?gift=${giftId}`);
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('verified');
    await screenshot(page, 'certificate-link-after-sign-in-zh-CN');

    // Another donor's sign-in cannot load it: the page says so, and the file can still be chosen.
    await page.getByRole('button', { name: /^退出登录$/ }).click();
    await openSignedInAt(page, 'donor.li', `verify?gift=${giftId}`);
    await notice.and(page.locator('[data-state="failed"]')).waitFor();
    expect(await page.getByTestId('verdict').count()).toBe(0);
    await context.close();
  }, 120_000);
});

declare const document: { querySelector(selector: string): unknown };
