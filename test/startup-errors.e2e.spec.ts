import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/child-process';
import { TEST_SIGNING_KEY } from './support/platform';
import { ensureBuilt } from './support/build';

/** A configured server that cannot be reached stops start-up with a message naming what, where, and how to fix it. */
describe('start-up with a store that cannot be reached', () => {
  beforeAll(() => ensureBuilt(), 60_000);

  // A fresh data folder each time: an embedded start would leave a generated signing key behind.
  const start = (env: Record<string, string>) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pangolin-unreachable-'));
    try {
      const run = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', DATA_DIR: dataDir, PORT: '0', ...env }, encoding: 'utf8', timeout: 60_000 });
      return { status: run.status, output: `${run.stdout}${run.stderr}` };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  const key = { TRANSPARENCY_SIGNING_KEY: TEST_SIGNING_KEY.signerKey };
  const badRegionNames = join(mkdtempSync(join(tmpdir(), 'pangolin-regions-')), 'regions.csv');
  writeFileSync(badRegionNames, '440305000000,南山区\n4403050010,南头街道\n');
  afterAll(() => rmSync(join(badRegionNames, '..'), { recursive: true, force: true }));
  it.each([
    ['the PostgreSQL event store', { ...key, EVENT_STORE: 'postgres', EVENT_STORE_URL: 'postgres://pangolin:secret@127.0.0.1:1/pangolin' }, /cannot reach the PostgreSQL event store at postgres:\/\/pangolin:\*\*\*@127\.0\.0\.1:1\/pangolin \(EVENT_STORE_URL\).*Start PostgreSQL, or correct EVENT_STORE_URL/],
    ['the KurrentDB event store', { ...key, EVENT_STORE: 'kurrentdb', EVENT_STORE_URL: 'kurrentdb://127.0.0.1:1?tls=false' }, /cannot reach the KurrentDB event store at kurrentdb:\/\/127\.0\.0\.1:1\?tls=false \(EVENT_STORE_URL\).*Start KurrentDB/],
    ['the PostgreSQL read database', { READ_DB: 'postgres', READ_DB_URL: 'postgres://pangolin:secret@127.0.0.1:1/pangolin' }, /cannot reach the PostgreSQL read database at postgres:\/\/pangolin:\*\*\*@127\.0\.0\.1:1\/pangolin \(READ_DB_URL\).*Start PostgreSQL, or correct READ_DB_URL/],
    ['a missing address', { EVENT_STORE: 'postgres' }, /Configuration error: EVENT_STORE_URL must be set when EVENT_STORE=postgres/],
    [
      'a server event store without a signing key',
      { EVENT_STORE: 'postgres', EVENT_STORE_URL: 'postgres://pangolin:secret@127.0.0.1:1/pangolin' },
      /Configuration error: TRANSPARENCY_SIGNING_KEY or TRANSPARENCY_SIGNING_KEY_FILE must be set when EVENT_STORE=postgres.*npm run generate-signing-key/,
    ],
    ['a signing key that is not one', { TRANSPARENCY_SIGNING_KEY: 'PRIVATE+KEY+pangolin+0000+secret' }, /Configuration error: TRANSPARENCY_SIGNING_KEY does not hold a valid signer key/],
    ['a region names file with a malformed line', { REGION_NAMES_FILE: badRegionNames }, /Configuration error: REGION_NAMES_FILE: .*regions\.csv line 2: "4403050010" is not a division code/],
    ['a region names file that is missing', { REGION_NAMES_FILE: '/tmp/pangolin-no-such-regions.csv' }, /Configuration error: REGION_NAMES_FILE names \/tmp\/pangolin-no-such-regions\.csv, which does not exist/],
    ['a signing key file that is missing', { TRANSPARENCY_SIGNING_KEY_FILE: '/tmp/pangolin-no-such-key' }, /Configuration error: TRANSPARENCY_SIGNING_KEY_FILE names \/tmp\/pangolin-no-such-key, which does not exist/],
  ])('%s', (_, env, message) => {
    const { status, output } = start(env);
    expect(status).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toContain('secret');
  });
});
