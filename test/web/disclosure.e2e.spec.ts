import type { Browser } from 'playwright-core';
import { chinaDateOf, quarterOf } from '@pangolin/domain';
import { DEMO } from '../../apps/api/src/demo/seed-demo';
import { ADMIN, ApiClient, cny, type RunningPlatform } from '../support/platform';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newPerson, rawKeysOnPage, screenshot, startWebPlatform } from './support/web-platform';

const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;
// The project's e2e testTimeout does not reach tests (Jest reads testTimeout globally only): each step may take a while on a loaded machine.
jest.setTimeout(120_000);

/** Whole yuan and fen from the integer, grouped by thousands (what the page must print, to the fen). */
const yuan = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString('en')}.${String(fen % 100).padStart(2, '0')}`;

/**
 * The printable disclosure page of the demo programme's quarterly report, in English and in
 * Simplified Chinese: the figures the API published, to the fen, the correction of version 2 with
 * its note, and the page as printed (navigation and buttons hidden). Screenshots go to
 * artifacts/screenshots/disclosure-*.png.
 */
describeWithBrowser('the printable disclosure page', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let reportId: string;
  let report: any;

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    const admin: ApiClient = await platform.api.login(ADMIN.username, ADMIN.password).catch(() => platform.api.login('admin', DEMO_PASSWORD));
    const donor = await platform.api.login('donor.brightfuture', DEMO_PASSWORD);
    const { giftId } = await donor.ok('/gifts', { amount: cny(1_234_567), target: { kind: 'programme', programmeId: DEMO.programmeId }, remainder: 'hold' });
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: 'WEB-DISCLOSURE-1', amount: cny(1_234_567) });
    const quarter = quarterOf(chinaDateOf(new Date().toISOString()));
    ({ reportId } = await admin.ok('/disclosures', { programmeId: DEMO.programmeId, quarter }));
    await admin.ok('/disclosures', { programmeId: DEMO.programmeId, quarter, correctionNote: 'Version 2: recomputed at a later checkpoint.' });
    report = await platform.api.read(`/disclosures/${reportId}`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it.each(['en', 'zh-CN'] as const)('shows the published figures to the fen in %s, and prints without the navigation', async (language) => {
    const { context, page } = await newPerson(browser, platform.url, { language });
    try {
      await page.goto(`/#/disclosure/${reportId}`);
      await page.locator('[data-testid="disclosure-money"]').waitFor();
      const [money] = report.figures.money;
      expect(money.received).toBe(1_234_567);
      const figure = (key: string) => page.locator(`[data-figure="${key}"]`).first().innerText();
      expect(await figure('received')).toBe(yuan(money.received));
      expect(await figure('allocatedToPremiums')).toBe(yuan(money.allocatedToPremiums));
      expect(await figure('held')).toBe(yuan(money.held.total));
      expect(await figure('overhead')).toBe('¥0.00');
      expect(await page.getByTestId('disclosure-version').innerText()).toContain('2');
      expect(await page.getByTestId('disclosure-checkpoint').innerText()).toContain(report.checkpoint.size);
      expect(await page.getByTestId('disclosure-uncovered').innerText()).toContain(String(report.figures.households.uncoveredEligible));
      const main = await page.locator('main').innerText();
      expect(main).toContain('Version 2: recomputed at a later checkpoint.');
      expect(main).toContain(report.checkpoint.rootHash);
      expect(main).toContain(language === 'en' ? 'Disclosure report: 南山区民生保障 2026' : '信息披露报告：南山区民生保障 2026');
      expect(await rawKeysOnPage(page)).toEqual([]);
      await screenshot(page, `disclosure-${language}`);

      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.top').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: language === 'en' ? 'Print' : '打印' }).isVisible()).toBe(false);
      expect(await figure('received')).toBe(yuan(money.received));
      await screenshot(page, `disclosure-${language}-print`);

      // Version 1 stays readable, marked as corrected by a newer one.
      await page.emulateMedia({ media: 'screen' });
      await page.goto(`/#/disclosure/${reportId}/1`);
      await page.locator('[data-testid="disclosure-money"]').waitFor();
      expect(await page.getByTestId('disclosure-version').innerText()).toContain('1');
      expect(await page.locator('main').innerText()).toContain(language === 'en' ? 'A newer version of this report corrects it.' : '本报告已有更正后的新版本。');
    } finally {
      await context.close();
    }
  });
});
