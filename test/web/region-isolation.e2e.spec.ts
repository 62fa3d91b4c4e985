import type { Browser } from 'playwright-core';
import { chromiumAvailable, focusedName, launchBrowser, newPerson, screenshot, startWebPlatform, statusesWithSessionToken } from './support/web-platform';
import type { RunningPlatform } from '../support/platform';

/**
 * An officer of one county (Bao'an, 440306) never sees another county's (Nanshan, 440305)
 * households in the web application, and the API refuses the request underneath. The officer
 * signs in with the keyboard alone.
 */
const describeWithBrowser = chromiumAvailable() ? describe : describe.skip;

describeWithBrowser("a county officer in the web application sees only the county's households", () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let nanshanCodes: string[];
  let baoanCodes: string[];

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    const households = async (username: string) => (await (await platform.api.login(username, 'pangolin-demo')).list('/government/households')).map((h: { householdCode: string }) => h.householdCode);
    nanshanCodes = await households('gov.nanshan');
    baoanCodes = await households('gov.baoan');
    expect(nanshanCodes).toHaveLength(7);
    expect(baoanCodes).toHaveLength(1);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it("shows the Bao'an officer Bao'an's households and none of Nanshan's, and the API refuses Nanshan's", async () => {
    const { page } = await newPerson(browser, platform.url);
    await page.goto('/#/sign-in');
    await page.getByLabel('Username').waitFor();
    // Keyboard only: Tab to the username field, type, Tab to the password, type, Enter.
    for (let presses = 0; presses < 20 && (await focusedName(page)) !== 'username'; presses++) await page.keyboard.press('Tab');
    await page.keyboard.type('gov.baoan');
    await page.keyboard.press('Tab');
    await page.keyboard.type('pangolin-demo');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/#/government');

    await page.locator('[data-testid="households-table"] tr').first().waitFor();
    const shown = await page.locator('[data-testid="households-table"] tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-household-code')));
    expect(shown).toEqual(baoanCodes);
    const text = await page.locator('main').innerText();
    for (const code of nanshanCodes) expect(text).not.toContain(code);
    await screenshot(page, 'isolation-01-baoan-dashboard');

    // Asking for Nanshan's dashboard by its address shows the refusal, and no household.
    await page.goto('/#/government/440305');
    await page.getByText('This is outside your region 440306.').waitFor();
    const refused = await page.locator('main').innerText();
    for (const code of nanshanCodes) expect(refused).not.toContain(code);
    await screenshot(page, 'isolation-02-nanshan-refused');

    // Underneath, the API refuses the officer's own token for Nanshan's households and dashboard.
    const statuses = await statusesWithSessionToken(page, ['/government/households?region=440305', '/government/dashboard?region=440305', '/government/households']);
    expect(statuses).toEqual([403, 403, 200]);
  }, 60_000);
});
