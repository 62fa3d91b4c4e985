import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from './support/child-process';

/** A configured server that cannot be reached stops start-up with a message naming what, where, and how to fix it. */
describe('start-up with a store that cannot be reached', () => {
  beforeAll(() => execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' }), 60_000);

  const start = (env: Record<string, string>) => {
    const run = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', DATA_DIR: '/tmp/pangolin-unreachable', PORT: '0', ...env }, encoding: 'utf8', timeout: 60_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  };

  it.each([
    ['the PostgreSQL event store', { EVENT_STORE: 'postgres', EVENT_STORE_URL: 'postgres://pangolin:secret@127.0.0.1:1/pangolin' }, /cannot reach the PostgreSQL event store at postgres:\/\/pangolin:\*\*\*@127\.0\.0\.1:1\/pangolin \(EVENT_STORE_URL\).*Start PostgreSQL, or correct EVENT_STORE_URL/],
    ['the KurrentDB event store', { EVENT_STORE: 'kurrentdb', EVENT_STORE_URL: 'kurrentdb://127.0.0.1:1?tls=false' }, /cannot reach the KurrentDB event store at kurrentdb:\/\/127\.0\.0\.1:1\?tls=false \(EVENT_STORE_URL\).*Start KurrentDB/],
    ['the PostgreSQL read database', { READ_DB: 'postgres', READ_DB_URL: 'postgres://pangolin:secret@127.0.0.1:1/pangolin' }, /cannot reach the PostgreSQL read database at postgres:\/\/pangolin:\*\*\*@127\.0\.0\.1:1\/pangolin \(READ_DB_URL\).*Start PostgreSQL, or correct READ_DB_URL/],
    ['a missing address', { EVENT_STORE: 'postgres' }, /Configuration error: EVENT_STORE_URL must be set when EVENT_STORE=postgres/],
  ])('%s', (_, env, message) => {
    const { status, output } = start(env);
    expect(status).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toContain('secret');
  });
});
