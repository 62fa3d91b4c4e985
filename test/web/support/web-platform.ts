import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { en } from '../../../apps/web/src/i18n/en';
import { ensureBuilt } from '../../support/build';
import { ROOT, runToExit } from '../../support/child-process';
import { RunningPlatform, startPlatform } from '../../support/platform';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots');
export const DEMO_PASSWORD = 'pangolin-demo';

/**
 * Whether the browser tests can run. Without Chromium they are skipped, loudly, on a developer's
 * machine; in CI (CI=true) a missing Chromium fails them, since `.ci/run` installs it.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`Chromium is missing at ${CHROMIUM}: .ci/run installs it with \`apt-get install -y chromium\``);
  console.warn(`\n\n*** BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH). ***\n\n`);
  return false;
}

/** Builds the web application with Vite into a fresh folder (async: the platform may run in this process). */
export async function buildWebApp(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'pangolin-web-'));
  const vite = [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'apps', 'web', 'vite.config.mts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'];
  const build = await runToExit(process.execPath, vite, { env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } as Record<string, string> });
  if (build.code !== 0) throw new Error(`vite build failed (${build.code}):\n${build.stdout}${build.stderr}`);
  return outDir;
}

/**
 * The real platform on the embedded stores with the demo seeded, serving the web application as
 * built in dist/web (rebuilt first if any source is newer: `npm test` builds once before jest, so
 * the browser test files share one build instead of each running Vite).
 */
export async function startWebPlatform(): Promise<RunningPlatform> {
  ensureBuilt();
  return startPlatform({ SEED_DEMO: 'true' }, undefined, { webRoot: join(ROOT, 'dist', 'web') });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh browser profile (own storage) for one person, in `language`, phone-sized if asked. */
export async function newPerson(browser: Browser, baseURL: string, options: { language?: 'en' | 'zh-CN'; phone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL,
    locale: options.language ?? 'en',
    viewport: options.phone ? { width: 375, height: 740 } : { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  return { context, page };
}

export type Language = 'en' | 'zh-CN';

/** Both languages, at a desktop width and at a 390 px phone width. */
export const VIEWS: { language: Language; width: number; height: number }[] = [
  { language: 'en', width: 1280, height: 900 },
  { language: 'zh-CN', width: 1280, height: 900 },
  { language: 'en', width: 390, height: 844 },
  { language: 'zh-CN', width: 390, height: 844 },
];

/** A fresh browser profile of one of VIEWS (its language and window), with no tab open yet. */
export function viewProfile(browser: Browser, baseURL: string, { language, width, height }: (typeof VIEWS)[number]): Promise<BrowserContext> {
  return browser.newContext({ baseURL, locale: language, viewport: { width, height }, deviceScaleFactor: 1 });
}

/** A fresh browser profile showing one of VIEWS. */
export async function openView(browser: Browser, baseURL: string, view: (typeof VIEWS)[number]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await viewProfile(browser, baseURL, view);
  return { context, page: await context.newPage() };
}

/** Signs in through the sign-in page, as a person would, and waits for the role's home page. */
export async function signIn(page: Page, username: string, home: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/#/sign-in');
  await page.locator('#sign-in').getByLabel(/^(Username|用户名)$/).fill(username);
  await page.locator('#sign-in').getByLabel(/^(Password|密码)$/).fill(password);
  await page.locator('#sign-in').getByRole('button', { name: /^(Sign in|登录)$/ }).click();
  await page.waitForURL(`**/#/${home}`);
}

/** The screenshots the README shows, by the step that takes them; refreshed with README_SCREENSHOTS=1. */
const README_SCREENSHOTS: Record<string, string> = {
  'story-06-officer-covered': 'government-dashboard.png',
  'story-05-donor-timeline': 'donor-portal.png',
  'story-04-insurer-paid': 'insurer-console.png',
  'languages-zh-CN-public': 'public-page-zh-CN.png',
};

/** Each page's DevTools session, opened at its first screenshot. */
const devToolsSessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * Saves a full-page screenshot (`window`: only what the window shows, as it is scrolled) under
 * artifacts/screenshots (git-ignored), named after the test file and step; with
 * README_SCREENSHOTS=1, the README's own screenshots go to docs/screenshots too.
 * Taken through DevTools with Chromium's fast PNG encoding (optimizeForSpeed): the browser tests
 * take some three hundred, and Playwright's own full-page screenshot encodes at the slow setting,
 * about twice the time.
 */
export async function screenshot(page: Page, name: string, { window = false }: { window?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  if (!devToolsSessions.has(page)) devToolsSessions.set(page, page.context().newCDPSession(page));
  const devTools = await devToolsSessions.get(page)!;
  const { cssContentSize, cssVisualViewport } = await devTools.send('Page.getLayoutMetrics');
  const clip = window
    ? { x: cssVisualViewport.pageX, y: cssVisualViewport.pageY, width: cssVisualViewport.clientWidth, height: cssVisualViewport.clientHeight, scale: 1 }
    : { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.ceil(cssContentSize.height), scale: 1 };
  const { data } = await devTools.send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: true, captureBeyondViewport: !window, clip });
  writeFileSync(path, Buffer.from(data, 'base64'));
  if (process.env.README_SCREENSHOTS === '1' && README_SCREENSHOTS[name]) {
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    copyFileSync(path, join(ROOT, 'docs', 'screenshots', README_SCREENSHOTS[name]));
  }
  return path;
}

/** Every dictionary key, for finding one that was rendered instead of its text. */
export const MESSAGE_KEYS = Object.keys(en);

/** The page's document, as the function passed to page.evaluate sees it (this file compiles without the DOM library). */
interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
declare const document: {
  body: { innerText: string };
  title: string;
  querySelectorAll(selector: string): Iterable<PageElement>;
  activeElement: PageElement | null;
  documentElement: { lang: string; scrollWidth: number };
};
declare const sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };

/** Where the web application keeps the signed-in session in the tab (apps/web/src/session.tsx). */
const SESSION_KEY = 'pangolin.session';

/**
 * Opens `route` (a role's home, a claim's page…) in `page` signed in as `username`: the API's login
 * answer put where the page keeps its session, as the sign-in form leaves it. For tests about
 * something else than signing in (the form itself is driven by those that are), it saves loading
 * the sign-in page, typing, and drawing the home page on the way.
 */
export async function openSignedInAt(page: Page, username: string, route: string, password = DEMO_PASSWORD): Promise<void> {
  const answer = await page.request.post('/auth/login', { data: { username, password } });
  if (answer.status() !== 200) throw new Error(`login of ${username} failed: ${answer.status()} ${await answer.text()}`);
  const { accessToken, user } = await answer.json();
  // A page of the origin first (the smallest: its icon), for sessionStorage to be the tab's at that origin.
  await page.goto('/favicon.ico');
  await page.evaluate(([key, session]) => sessionStorage.setItem(key, session), [SESSION_KEY, JSON.stringify({ token: accessToken, user })]);
  await page.goto(`/#/${route}`);
}

/** Puts `token` in place of the signed-in session's (one the API no longer takes, say). */
export function replaceSessionToken(page: Page, token: string): Promise<void> {
  return page.evaluate(([key, next]) => {
    const session = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<string, unknown>;
    sessionStorage.setItem(key, JSON.stringify({ ...session, token: next }));
  }, [SESSION_KEY, token]);
}

/** Everything the page shows as text: the body, the title, labels and hints of controls, titles of charts. */
export function shownText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const attributes = [...document.querySelectorAll('[aria-label],[title],[placeholder]')].map((element) =>
      ['aria-label', 'title', 'placeholder'].map((name) => element.getAttribute(name) ?? '').join(' '),
    );
    const svgTitles = [...document.querySelectorAll('svg title')].map((title) => title.textContent ?? '');
    return [document.body.innerText, document.title, ...attributes, ...svgTitles].join('\n');
  });
}

/** The page's language (`<html lang>`) and how wide its content is, in CSS pixels. */
export function pageLayout(page: Page): Promise<{ lang: string; scrollWidth: number }> {
  return page.evaluate(() => ({ lang: document.documentElement.lang, scrollWidth: document.documentElement.scrollWidth }));
}

/** The `name` of the element that has the keyboard focus. */
export function focusedName(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);
}

/** The HTTP status of GET `paths`, sent from the page with the signed-in user's bearer token. */
export function statusesWithSessionToken(page: Page, paths: string[]): Promise<number[]> {
  return page.evaluate(async ({ key, list }) => {
    const { token } = JSON.parse(sessionStorage.getItem(key) ?? '{}') as { token?: string };
    return Promise.all(list.map(async (path) => (await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status));
  }, { key: SESSION_KEY, list: paths });
}

/**
 * Text on the page that looks like a dictionary key (`gov.title`, or `category.x` for a value the
 * API sent that has no label): a key rendered instead of its text. `allowed` lists real text of
 * that shape (the demo logins: `gov.nanshan`, `donor.li`).
 */
export async function rawKeysOnPage(page: Page, allowed: string[] = []): Promise<string[]> {
  return rawKeysIn(await shownText(page), allowed);
}

/** rawKeysOnPage, in text already read from the page with shownText. */
export function rawKeysIn(text: string, allowed: string[] = []): string[] {
  const prefixes = [...new Set(MESSAGE_KEYS.map((key) => key.split('.')[0]))];
  const keyLike = new RegExp(`\\b(?:${prefixes.join('|')})\\.[A-Za-z][\\w.-]*[A-Za-z0-9]`, 'g');
  return [...new Set(text.match(keyLike) ?? [])].filter((token) => !allowed.includes(token));
}

/**
 * The words of the demo's own data that are English (its accounts' names, product, programme,
 * password) and the language menu's "English": text of the data, not of the interface.
 */
export async function demoDataWords(platform: RunningPlatform): Promise<Set<string>> {
  const demo = await platform.api.read('/auth/demo-accounts');
  const names: string[] = [
    ...demo.accounts.flatMap((account: { username: string; displayName: string; insurerId?: string }) => [account.username, account.displayName, account.insurerId ?? '']),
    ...(await platform.api.read('/products?limit=100')).items.map((product: { terms: { name: string } }) => product.terms.name),
    ...(await platform.api.read('/programmes?limit=100')).items.map((programme: { name: string }) => programme.name),
    DEMO_PASSWORD,
    'English',
  ];
  return new Set(names.flatMap((name) => name.match(/[A-Za-z][A-Za-z'’-]+/g) ?? []));
}

/**
 * English left on a page: the Latin words of everything it shows (see shownText) but the data's
 * own (`dataWords`), codes and acronyms Chinese writes in Latin letters too (CSV, HH-3F…, CN¥,
 * YYYY-MM-DD, ledger accounts, paths) and the command line a hint gives to type. Empty on a page wholly in Chinese.
 */
export async function englishOnPage(page: Page, dataWords: Set<string>): Promise<string[]> {
  return englishIn(await shownText(page), dataWords);
}

/** englishOnPage, in text already read from the page with shownText. */
export function englishIn(text: string, dataWords: Set<string>): string[] {
  const words =
    text
      // Ledger accounts are named by identifiers (escrow:gift:<id>), paths and files by theirs (/transparency/checkpoints, docs/x.md): codes like the others.
      .replace(/\b[a-z]+(?::[0-9a-z-]+)+|[\w.-]*\/[\w./?=&{}-]+/g, ' ')
      // File types by their extension and the program's name (Excel (.xlsx), .csv, a scan's .png).
      .replace(/\.(?:xlsx|csv|pdf|json|png)\b|\bExcel\b/g, ' ')
      .replace(/HH-[0-9A-F]{8}|[A-Z]+-[A-Z0-9-]+|CN¥|\b[A-Z]{2,4}\b|YYYY-MM-DD|\b\d{4}-Q\d\b|npx pangolin-verify[^\n]*/g, ' ')
      .match(/[A-Za-z][A-Za-z'’-]+/g) ?? [];
  return [...new Set(words.filter((word) => !dataWords.has(word)))];
}
