import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { nationalIdWithChecksum } from '@pangolin/domain';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newPerson, screenshot, signIn, startWebPlatform } from './support/web-platform';
import type { ApiClient, RunningPlatform } from '../support/platform';

/**
 * A county officer imports households from a file in the browser: a 2,000-row CSV is checked and
 * registered with progress (and each household verified); a file with bad rows reports each of
 * them and, as the officer chooses, registers none of them or only the good ones. Importing the
 * same file again registers nobody twice.
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

const HEADER = '村社区代码,类别,户主姓名,户主身份证号,地址,家庭成员';
const VILLAGES = ['440305001001', '440305001002', '440305002001'];

/** Row `n` of a file: a household of a Nanshan village, its head's number unique to `n` (and `batch`). */
function row(batch: number, n: number): string {
  const id = nationalIdWithChecksum(`44030519${50 + batch}0101${String(n).padStart(3, '0')}`);
  return `${VILLAGES[n % 3]},低收入,户主${batch}-${n},${id},南山区 ${n} 号,成员${n}:配偶`;
}

describeWithBrowser('importing households from a file', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let government: ApiClient;
  let folder: string;
  const registered = async () => (await government.list('/government/households?limit=500')).length;

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    government = await platform.api.login('gov.nanshan', DEMO_PASSWORD);
    folder = mkdtempSync(join(tmpdir(), 'pangolin-import-'));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('checks a 2,000-row CSV and registers every household with progress, each verified; the same file again registers nobody twice', async () => {
    const ids = new Set<string>();
    const lines = Array.from({ length: 2000 }, (_, n) => {
      const line = row(Math.floor(n / 1000), n % 1000);
      ids.add(line.split(',')[3]);
      return line;
    });
    expect(ids.size).toBe(2000);
    const file = join(folder, 'county.csv');
    writeFileSync(file, `\uFEFF${HEADER}\n${lines.join('\n')}\n`);
    const before = await registered();

    const { page } = await newPerson(browser, platform.url, { language: 'zh-CN' });
    await signIn(page, 'gov.nanshan', 'government');
    const section = page.locator('#gov-import');
    await section.getByLabel('要导入的文件（.csv 或 .xlsx）').setInputFiles(file);
    await section.getByText('已检查 2000 行：2000 行可以登记，0 行不能登记。').waitFor({ timeout: 60_000 });
    await section.getByRole('button', { name: '登记全部 2000 户' }).click();
    // Progress shows while the households are registered.
    await section.locator('progress').waitFor();
    const progress = Number(await section.locator('progress').getAttribute('value'));
    expect(progress).toBeLessThan(2000);
    await screenshot(page, 'import-2000-progress-zh-CN');
    await section.getByTestId('import-done').getByText('已登记 2000 户家庭。').waitFor({ timeout: 300_000 });
    expect(await registered()).toBe(before + 2000);
    const verified = await government.list('/government/households?eligible=true&limit=500');
    expect(verified.filter((household: { personal: { headName: string } | null }) => household.personal?.headName.startsWith('户主')).length).toBe(2000);

    // The same file again: every row's number is now held, so the check refuses each and nothing is registered.
    await section.getByLabel('要导入的文件（.csv 或 .xlsx）').setInputFiles(file);
    await section.getByText('已检查 2000 行：0 行可以登记，2000 行不能登记。').waitFor({ timeout: 60_000 });
    expect(await section.getByRole('button', { name: /登记/ }).count()).toBe(0);
    expect(await registered()).toBe(before + 2000);
  }, 600_000);

  it('reports each bad row, registers none when asked, or only the good ones', async () => {
    const good = [row(7, 1), row(7, 2), row(7, 3)];
    const lines = [good[0], '440305001001,低收入,,440305197001010016,地址,', good[1], `999999001001,低收入,外县,${nationalIdWithChecksum('44030519700101077')},地址,`, good[2], good[0].replace('户主7-1', '重复')];
    const file = join(folder, 'mixed.csv');
    writeFileSync(file, `${HEADER}\n${lines.join('\n')}\n`);
    const before = await registered();

    const { page } = await newPerson(browser, platform.url, { language: 'en' });
    await signIn(page, 'gov.nanshan', 'government');
    const section = page.locator('#gov-import');
    await section.getByLabel('File to import (.csv or .xlsx)').setInputFiles(file);
    await section.getByText('6 rows checked: 3 can be registered, 3 cannot.').waitFor({ timeout: 60_000 }).catch(async (error) => {
      throw new Error(`${error}\n${JSON.stringify(await section.innerText())}`);
    });
    // Each bad row by its number after the header, with what is wrong.
    const rows = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row')));
    expect(rows).toEqual(['2', '4', '6']);
    expect(await section.locator('tr[data-row="2"]').innerText()).toContain('Name of the head of household');
    expect(await section.locator('tr[data-row="4"]').innerText()).toMatch(/region 440305/);
    expect(await section.locator('tr[data-row="6"]').innerText()).toContain('also given on row 1 of this file');
    await screenshot(page, 'import-bad-rows-en');

    await section.getByRole('button', { name: 'Import none' }).click();
    expect(await registered()).toBe(before);

    await section.getByLabel('File to import (.csv or .xlsx)').setInputFiles(file);
    await section.getByRole('button', { name: 'Register only the 3 good rows' }).click();
    await section.getByTestId('import-done').getByText('3 households registered.').waitFor({ timeout: 60_000 });
    expect(await registered()).toBe(before + 3);
  }, 120_000);
});
