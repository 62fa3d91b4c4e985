import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatReceipt, generateSignerKey, parseReceipt } from '@pangolin/transparency';
import { ROOT, runToExit } from '../support/child-process';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newPerson, screenshot, startWebPlatform } from './support/web-platform';
import type { RunningPlatform } from '../support/platform';
import { ensureBuilt } from '../support/build';

/**
 * A receipt verified in the browser (#/verify, the transparency library running in the page) gives
 * the same verdict as `pangolin-verify` on the same file: a real receipt, and tampered copies (an
 * amount changed, an event left out, another key).
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

/** A copy of `bytes` with its last byte changed. */
function altered(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[copy.length - 1] ^= 0x01;
  return copy;
}

describeWithBrowser('verifying a receipt in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let folder: string;
  let verifierKey: string;
  let receiptText: string;

  beforeAll(async () => {
    ensureBuilt();
    platform = await startWebPlatform();
    browser = await launchBrowser();
    folder = mkdtempSync(join(tmpdir(), 'pangolin-verify-web-'));
    verifierKey = (await platform.api.get('/transparency/verifier-key')).body.trim();
    const donor = await platform.api.login('donor.li', DEMO_PASSWORD);
    const [gift] = await donor.list('/donor/gifts');
    const response = await donor.get(`/gifts/${gift.giftId}/receipt`);
    expect(response.status).toBe(200);
    receiptText = JSON.stringify(response.body, null, 2);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  /** The command line's verdict on `file`: its exit status and first line. */
  const cliVerdict = async (file: string, key = verifierKey) => {
    const outcome = await runToExit(process.execPath, [join(ROOT, 'bin/pangolin-verify.js'), file, '--key', key], { cwd: folder, env: { PATH: process.env.PATH ?? '' } });
    return { code: outcome.code, first: outcome.stdout.split('\n')[0] };
  };

  /** The page's verdict on `file`: verified or refused, and the refusal's reason. */
  const pageVerdict = async (page: Page, file: string, key?: string) => {
    await page.goto('/#/verify');
    const keyField = page.locator('#verify-key');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector('#verify-key')?.value);
    if (key) await keyField.fill(key);
    await page.locator('#verify-receipt').setInputFiles(join(folder, file));
    await page.locator('#verify-inputs button').click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    const outcome = await verdict.getAttribute('data-verdict');
    // The verifier's own words are folded away under the page's explanation (in its language): read as text, not as shown.
    return { outcome, failure: outcome === 'refused' ? ((await page.getByTestId('verdict-failure').textContent()) ?? '').trim() : undefined };
  };

  it('agrees with pangolin-verify on a real receipt and on tampered copies, in both languages', async () => {
    const receipt = parseReceipt(receiptText);
    const copies: Record<string, string> = {
      'real.json': receiptText,
      // Drop the last event of the trail.
      'omitted.json': formatReceipt({ ...receipt, events: receipt.events.slice(0, -1) }),
      // One byte of an event changed: its leaf no longer hashes to the proven one.
      'event-altered.json': formatReceipt({ ...receipt, events: receipt.events.map((event, i) => (i === 0 ? { ...event, leaf: altered(event.leaf) } : event)) }),
    };
    for (const [name, text] of Object.entries(copies)) writeFileSync(join(folder, name), text);

    for (const language of ['en', 'zh-CN'] as const) {
      const { context, page } = await newPerson(browser, platform.url, { language });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const real = await pageVerdict(page, 'real.json');
      expect(real.outcome).toBe('verified');
      expect((await cliVerdict('real.json')).code).toBe(0);
      await screenshot(page, `verify-real-${language}`);
      for (const name of ['omitted.json', 'event-altered.json']) {
        const [cli, inPage] = [await cliVerdict(name), await pageVerdict(page, name)];
        expect([name, cli.code, inPage.outcome]).toEqual([name, 1, 'refused']);
        // The same check refuses it, in the same words.
        expect(cli.first).toBe(`Receipt NOT verified: ${inPage.failure}`);
      }
      await screenshot(page, `verify-refused-${language}`);
      // Another log's key: both refuse the signature.
      const otherKey = generateSignerKey('other.example/log').verifierKey;
      const [cli, inPage] = [await cliVerdict('real.json', otherKey), await pageVerdict(page, 'real.json', otherKey)];
      expect([cli.code, inPage.outcome]).toEqual([1, 'refused']);
      expect(cli.first).toBe(`Receipt NOT verified: ${inPage.failure}`);
      expect(pageErrors).toEqual([]);
      await context.close();
    }
  }, 180_000);
});
