import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSignerKey } from '@pangolin/transparency';
import { loadConfiguration } from './configuration';
import { configurationRefusal } from './configuration-refusal.testing';

/** Demo logins share a published password: seeded by default only in embedded mode, never silently on a server. */
describe('demo data and the demo password by store configuration', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'pangolin-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const server = () => ({
    DATA_DIR: dataDir,
    EVENT_STORE: 'postgres',
    EVENT_STORE_URL: 'postgres://nobody@127.0.0.1:1/none',
    READ_DB: 'postgres',
    READ_DB_URL: 'postgres://nobody@127.0.0.1:1/none',
    TRANSPARENCY_SIGNING_KEY: generateSignerKey('pangolin.test/log').signerKey,
  });
  const refusal = configurationRefusal;

  it('seeds the demo by default in embedded mode, and not in server mode', () => {
    expect(loadConfiguration({ DATA_DIR: dataDir }).seedDemo).toBe(true);
    expect(loadConfiguration(server()).seedDemo).toBe(false);
    // One server store is server mode already.
    expect(loadConfiguration({ ...server(), EVENT_STORE: 'sqlite' }).seedDemo).toBe(false);
  });

  it('refuses SEED_DEMO=true in server mode unless ALLOW_DEMO_IN_SERVER_MODE=true says it is a demonstration', () => {
    expect(refusal({ ...server(), SEED_DEMO: 'true' })).toMatch(/SEED_DEMO=true .*ALLOW_DEMO_IN_SERVER_MODE=true/);
    expect(loadConfiguration({ ...server(), SEED_DEMO: 'true', ALLOW_DEMO_IN_SERVER_MODE: 'true' }).seedDemo).toBe(true);
    expect(refusal({ ...server(), ALLOW_DEMO_IN_SERVER_MODE: 'yes' })).toMatch(/ALLOW_DEMO_IN_SERVER_MODE must be one of true, false/);
  });

  it('refuses the demo password for the administrator in server mode, opt-in or not', () => {
    for (const optIn of [{}, { SEED_DEMO: 'true', ALLOW_DEMO_IN_SERVER_MODE: 'true' }]) {
      expect(refusal({ ...server(), ...optIn, ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'pangolin-demo' })).toMatch(/ADMIN_PASSWORD must not be the published demo password/);
    }
    expect(loadConfiguration({ DATA_DIR: dataDir, ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'pangolin-demo' }).initialAdmin).toEqual({ username: 'root', password: 'pangolin-demo' });
  });

  it('limits failed logins by default, and names a wrong limit', () => {
    expect(loadConfiguration({ DATA_DIR: dataDir }).login).toEqual({ maxFailuresPerAccount: 5, maxFailuresPerAddress: 100, windowSeconds: 900 });
    expect(refusal({ DATA_DIR: dataDir, LOGIN_MAX_FAILURES_PER_ACCOUNT: '0' })).toMatch(/LOGIN_MAX_FAILURES_PER_ACCOUNT must be at least 1/);
  });
});
