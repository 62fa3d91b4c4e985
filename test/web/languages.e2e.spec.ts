import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, DEMO_PASSWORD, demoDataWords, englishOnPage, launchBrowser, newPerson, pageLayout, rawKeysOnPage, screenshot, signIn, startWebPlatform } from './support/web-platform';
import type { RunningPlatform } from '../support/platform';

/**
 * Every page in both languages, switched in the browser as a person would: no dictionary key is
 * ever rendered in place of its text, the choice is remembered across a reload, and each page
 * fits a phone-width screen.
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

const PAGES: { user?: string; home?: string; paths: string[]; ready: string }[] = [
  { paths: ['#/'], ready: '#public-flow' },
  { paths: ['#/sign-in'], ready: '#demo-accounts' },
  { user: 'gov.nanshan', home: 'government', paths: ['#/government', '#/government/440305001', '#/government/440305001001'], ready: '#gov-chart' },
  { user: 'donor.li', home: 'donor', paths: ['#/donor'], ready: '[data-testid="gift"] [data-step="allocated"]' },
  { user: 'insurer.anxin', home: 'insurer', paths: ['#/insurer'], ready: '#insurer-policies li' },
  { user: 'auditor', home: 'ledger', paths: ['#/ledger'], ready: '#ledger-balances td' },
];

describeWithBrowser('the web application in Simplified Chinese and English', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let demoUsernames: string[];
  let dataWords: Set<string>;

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    demoUsernames = (await platform.api.read('/auth/demo-accounts')).accounts.map((account: { username: string }) => account.username);
    dataWords = await demoDataWords(platform);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function visitEveryPage(page: Page, language: 'en' | 'zh-CN', phone: boolean) {
    const found: Record<string, string[]> = {};
    const english: Record<string, string[]> = {};
    for (const { user, home, paths, ready } of PAGES) {
      if (user) await signIn(page, user, home!);
      for (const path of paths) {
        await page.goto(`/${path}`);
        await page.locator(ready).first().waitFor();
        await screenshot(page, `languages-${language}${phone ? '-phone' : ''}-${path.replace(/[#/]+/g, '-').replace(/^-|-$/g, '') || 'public'}`);
        const layout = await pageLayout(page);
        expect(layout.lang).toBe(language);
        found[path] = await rawKeysOnPage(page, demoUsernames);
        if (language === 'zh-CN') expect([path, /[\u4e00-\u9fff]{4}/.test(await page.locator('main').innerText())]).toEqual([path, true]);
        // No English on a Chinese page: the interface's every word is Chinese (the data's own names aside).
        if (language === 'zh-CN') english[path] = await englishOnPage(page, dataWords);
        if (phone) {
          // Readable on a phone: nothing makes the page itself wider than the screen (tables scroll inside their card).
          expect([path, layout.scrollWidth]).toEqual([path, 375]);
        }
      }
      if (user) await page.getByRole('button', { name: /^(Sign out|退出登录)$/ }).click();
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((path) => [path, []])));
    expect(english).toEqual(Object.fromEntries(Object.keys(english).map((path) => [path, []])));
  }

  it('switches to Simplified Chinese, remembers it, and leaves no untranslated key on any page', async () => {
    const { page } = await newPerson(browser, platform.url, { language: 'en' });
    await page.goto('/#/');
    await page.getByRole('heading', { name: 'Where the money goes' }).waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '资金去向' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: '资金去向' }).waitFor();
    await visitEveryPage(page, 'zh-CN', false);
  }, 120_000);

  it('switches back to English on a phone-width screen, with no untranslated key either', async () => {
    const { page } = await newPerson(browser, platform.url, { language: 'zh-CN', phone: true });
    await page.goto('/#/');
    await page.getByRole('heading', { name: '资金去向' }).waitFor();
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Where the money goes' }).waitFor();
    await visitEveryPage(page, 'en', true);
  }, 120_000);

  it("shows the log's latest signed checkpoint and the money movements, each linked to its proof, on the public page", async () => {
    const auditor = await platform.api.login('auditor', DEMO_PASSWORD);
    const signed = await auditor.ok('/transparency/checkpoints');
    const latest: string = (await platform.api.get('/transparency/checkpoint')).body;
    const [, size, rootHash] = latest.split('\n');
    expect(BigInt(size)).toBeGreaterThanOrEqual(BigInt(signed.size));
    const { page } = await newPerson(browser, platform.url, { language: 'zh-CN' });
    await page.goto('/#/');
    const log = page.locator('#public-transparency');
    await log.getByTestId('log-size').waitFor();
    expect(await log.getByTestId('log-size').innerText()).toContain(Number(size).toLocaleString('zh-CN'));
    expect(await log.locator('code.hash').innerText()).toBe(rootHash);
    const movements = await platform.api.read('/public/money-movements?limit=20');
    const feed = page.locator('#public-money-feed');
    await feed.locator('tbody tr').first().waitFor();
    const firstProof = feed.locator('tbody tr').first().getByRole('link');
    expect(await firstProof.getAttribute('href')).toBe(`/transparency/events/${movements.items[0].eventId}/inclusion-proof`);
    // The proof the row links to is an inclusion proof of that event.
    expect((await platform.api.read(`/transparency/events/${movements.items[0].eventId}/inclusion-proof`)).leafIndex).toBeDefined();
    await screenshot(page, 'public-transparency-zh-CN');
  }, 120_000);

  it('names every region code it shows, from the code table, in one request per list', async () => {
    const { page } = await newPerson(browser, platform.url, { language: 'zh-CN' });
    const asked: string[] = [];
    page.on('request', (request) => request.url().includes('/regions/names') && asked.push(request.url()));
    await signIn(page, 'gov.nanshan', 'government');
    await page.locator('#gov-all tbody tr').first().waitFor();
    const { names } = await platform.api.read('/regions/names?codes=440305,440305001001,440305001');
    expect(names).toEqual({ '440305': '南山区', '440305001': '南头街道', '440305001001': '红花园社区' });
    await page.getByRole('heading', { level: 1, name: /南山区 440305/ }).waitFor();
    await page.locator('#gov-all tbody', { hasText: '红花园社区 440305001001' }).waitFor();
    await page.locator('#gov-chart', { hasText: '南头街道' }).waitFor();
    // The breadcrumb, the dashboard and each list of the page: a handful of requests, not one per row.
    expect(asked.length).toBeLessThanOrEqual(6);
  }, 120_000);
});
