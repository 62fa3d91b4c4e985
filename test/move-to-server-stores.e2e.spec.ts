import { rmSync } from 'node:fs';
import { SqliteEventStore } from '@pangolin/event-store';
import { moveToServerStores } from '../apps/api/src/cli/move-to-server-stores';
import { join } from 'node:path';
import { ADMIN, STORE_CONFIGURATIONS, startPlatform } from './support/platform';

/** An embedded installation moves to PostgreSQL with nothing lost: same log, same logins, same views. */
describe('moving from the embedded stores to PostgreSQL', () => {
  it('copies the log and the logins, and the platform on PostgreSQL shows the same views', async () => {
    const embedded = await startPlatform({ SEED_DEMO: 'true', CHECKPOINT_INTERVAL_MS: '0' });
    const donor = await embedded.api.login('donor.wang', 'pangolin-demo');
    const { giftId } = await donor.ok('/gifts', { amount: { amount: 8000, currency: 'CNY' }, target: { kind: 'programme', programmeId: '8e36cb4f-0997-8908-a8f5-534f576647b3' }, remainder: 'hold' });
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: 'MOVE-1', amount: { amount: 8000, currency: 'CNY' } });
    const views = async (api: typeof embedded.api) => ({
      totals: await api.read('/public/totals'),
      gifts: await (await api.login('donor.wang', 'pangolin-demo')).read('/donor/gifts'),
      dashboard: await (await api.login('gov.nanshan', 'pangolin-demo')).read('/government/dashboard'),
      ledger: await (await api.login('auditor', 'pangolin-demo')).read('/ledger'),
      checkpoint: (await api.get('/transparency/checkpoint')).body,
      verifierKey: (await api.get('/transparency/verifier-key')).body,
    });
    await (await embedded.api.login(ADMIN.username, ADMIN.password)).ok('/transparency/checkpoints');
    const before = await views(embedded.api);
    await embedded.stop({ keepData: true });

    // The server keeps signing with the installation's key, so its old checkpoints and new ones verify alike.
    const postgresEnv = { ...STORE_CONFIGURATIONS[1][1](), TRANSPARENCY_SIGNING_KEY: '', TRANSPARENCY_SIGNING_KEY_FILE: join(embedded.dataDir, 'transparency-signing.key'), CHECKPOINT_INTERVAL_MS: '0' };
    const server = await startPlatform({ ...postgresEnv, SEED_DEMO: 'false' });
    await server.stop({ keepData: true }); // creates the schemas, then leaves the stores to the move
    const moved = await moveToServerStores(embedded.config, server.config);
    // The records store moves as one unit; the target made its own admin, which it keeps.
    expect(moved).toMatchObject({ eventsAlreadyThere: 0, loginsKept: ['admin'], recordsCopied: { user_accounts: 8, household_data_keys: 8, signed_checkpoints: 1 } });
    const source = SqliteEventStore.open((embedded.config.eventStore as { path: string }).path);
    expect(BigInt(moved.eventsCopied)).toBe(await source.headPosition());
    await source.close();
    // Running it again copies nothing more.
    const again = await moveToServerStores(embedded.config, server.config);
    expect(again).toMatchObject({ eventsCopied: 0, eventsAlreadyThere: moved.eventsCopied });
    expect(Object.values(again.recordsCopied).every((rows) => rows === 0)).toBe(true);

    // The moved demo logins keep their published password: a server accepts them only as a declared demonstration.
    const refused = startPlatform({ ...postgresEnv, SEED_DEMO: 'false' });
    await expect(refused).rejects.toThrow(/the demo logins .*gov\.nanshan.* have the published password "pangolin-demo" .*ALLOW_DEMO_IN_SERVER_MODE=true/);
    const restarted = await startPlatform({ ...postgresEnv, SEED_DEMO: 'false', ALLOW_DEMO_IN_SERVER_MODE: 'true' });
    try {
      expect(await views(restarted.api)).toEqual(before);
    } finally {
      await restarted.stop();
      rmSync(embedded.dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
