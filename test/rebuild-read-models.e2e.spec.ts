import Database from 'better-sqlite3';
import { rebuildReadModels } from '../apps/api/src/cli/rebuild-read-models';
import { ApiClient, RunningPlatform, startPlatform } from './support/platform';

/** Every view can be thrown away and rebuilt from the log, ending exactly where it was. */
describe('rebuilding the read models', () => {
  let platform: RunningPlatform | undefined;
  afterAll(() => platform?.stop());

  async function snapshot(api: ApiClient) {
    const as = (username: string) => api.login(username, 'pangolin-demo');
    return {
      public: await api.read('/public/totals'),
      uncovered: await api.read('/households/uncovered?region=44&productId=3c98094a-7c1e-8cbd-86fe-65e18fc58ba3'),
      donor: await (await as('donor.li')).read('/donor/gifts'),
      insurer: await (await as('insurer.anxin')).read('/insurer/dashboard?asOf=2026-12-01'),
      government: await (await as('gov.nanshan')).read('/government/dashboard'),
      households: await (await as('gov.nanshan')).read('/government/households'),
      ledger: await (await as('auditor')).read('/ledger'),
    };
  }

  it('gives the same views after a rebuild, and keeps the logins', async () => {
    platform = await startPlatform({ SEED_DEMO: 'true' });
    const donor = await platform.api.login('donor.wang', 'pangolin-demo');
    const { giftId } = await donor.ok('/gifts', { amount: { amount: 12_000, currency: 'CNY' }, target: { kind: 'programme', programmeId: '8e36cb4f-0997-8908-a8f5-534f576647b3' }, remainder: 'hold' });
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: 'REBUILD-1', amount: { amount: 12_000, currency: 'CNY' } });
    const before = await snapshot(platform.api);
    expect(before.public.platform.money[0].received).toBe(17_000);
    await platform.stop({ keepData: true });

    // Damage the views: rows lost and figures changed. Only the log is the truth.
    const readDb = new Database((platform.config.readDb as { path: string }).path);
    readDb.exec("DELETE FROM ledger_entries; DELETE FROM donor_gift_allocations; UPDATE donor_gifts SET received = 1; DELETE FROM households WHERE villageCode LIKE '440305001%'");
    readDb.close();

    const { events } = await rebuildReadModels(platform.config);
    expect(events).toBeGreaterThan(0n);

    platform = await startPlatform({ SEED_DEMO: 'true' }, platform.dataDir);
    expect(await snapshot(platform.api)).toEqual(before);
  });
});
