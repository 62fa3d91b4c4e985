import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DEMO } from '../apps/api/src/demo/seed-demo';
import { leaseKey, LEASE_NAMESPACE, PROCESS_MANAGERS } from '@pangolin/runtime';
import { Child, kill, killAllChildren, startChild, stop } from './support/child-process';
import { expectViewsToEqualACleanRebuild } from './support/clean-rebuild';
import { until } from './support/eventually';
import { ApiClient, cny, TEST_POSTGRES_URL, TEST_SIGNING_KEY } from './support/platform';
import { ensureBuilt } from './support/build';

/**
 * Two API processes and two projector processes on one PostgreSQL database. Each worker (the
 * projections, the process manager) is run by one projector at a time; when that projector is
 * killed in the middle of a catch-up, the other takes over, and the read models end exactly equal
 * to a clean rebuild: every event projected once.
 */
describe('scale-out on PostgreSQL', () => {
  const suffix = randomBytes(6).toString('hex');
  // records: where the configuration puts the records store, after READ_DB_SCHEMA.
  const schemas = { events: `events_${suffix}`, read: `read_${suffix}`, records: `read_${suffix}_records`, rebuilt: `rebuilt_${suffix}` };
  const shared = {
    EVENT_STORE: 'postgres',
    EVENT_STORE_URL: TEST_POSTGRES_URL,
    EVENT_STORE_SCHEMA: schemas.events,
    READ_DB: 'postgres',
    READ_DB_URL: TEST_POSTGRES_URL,
    READ_DB_SCHEMA: schemas.read,
    JWT_SECRET: `scale-out-${suffix}`,
    TRANSPARENCY_SIGNING_KEY: TEST_SIGNING_KEY.signerKey,
    LEASE_RETRY_MS: '200',
    // The demo's logins, with their published password, on a server: only as a declared demonstration.
    ALLOW_DEMO_IN_SERVER_MODE: 'true',
    DATA_DIR: `/tmp/pangolin-scale-out-${suffix}`,
  };
  const startApi = (seed: boolean) => startChild('dist/apps/api/src/main.js', { ...shared, PROCESS_ROLE: 'api', SEED_DEMO: String(seed), SETTLE_TIMEOUT_MS: '100' }, /Pangolin is serving/);
  // One event per transaction, so that a catch-up of this backlog takes long enough to be interrupted half-way.
  const startProjector = () => startChild('dist/apps/projector/src/main.js', { ...shared, PROJECTION_BATCH_SIZE: '1' }, /health and metrics at/);
  let sql: Client;

  beforeAll(async () => {
    ensureBuilt();
    sql = new Client({ connectionString: TEST_POSTGRES_URL });
    await sql.connect();
  }, 60_000);
  afterAll(async () => {
    killAllChildren();
    for (const schema of Object.values(schemas)) await sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });

  const head = async () => BigInt((await sql.query(`SELECT COALESCE(MAX(position), 0) AS head FROM "${schemas.events}".events`)).rows[0].head);
  const lowestCheckpoint = async () => {
    const { rows } = await sql.query(`SELECT position FROM "${schemas.read}".projection_checkpoints`);
    return rows.length < 6 ? 0n : rows.map((row) => BigInt(row.position)).reduce((a, b) => (a < b ? a : b));
  };
  /** The lowest checkpoint of the process managers (0 until all three have one). */
  const processCheckpoint = async () => {
    const { rows } = await sql.query(`SELECT position FROM "${schemas.records}".process_checkpoints`);
    return rows.length < 3 ? 0n : rows.map((row) => BigInt(row.position)).reduce((a, b) => (a < b ? a : b));
  };
  /** Lease holders: sessions holding one of this platform's worker leases (advisory locks), by process. */
  const leaseHolders = async () =>
    (
      await sql.query(
        `SELECT DISTINCT a.application_name, l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.classid = $1::bigint::oid AND a.datname = current_database()
           AND l.objid IN (SELECT (hashtext(key)::bigint & 4294967295)::oid FROM unnest($2::text[]) AS key)`,
        [LEASE_NAMESPACE, ['projections', ...PROCESS_MANAGERS].map((worker) => leaseKey(schemas.read, worker))],
      )
    ).rows;

  /** Gifts in the backlog: enough that one projector's catch-up, an event per transaction, takes a few seconds. */
  const GIFTS = 300;

  it('keeps one owner per worker, survives the owner being killed mid catch-up, and ends equal to a clean rebuild', async () => {
    // A first projector seeds nothing; the first API seeds the demo, the second shares its database.
    let projectorA: Child | undefined = await startProjector();
    const apiOne = await startApi(true);
    const apiTwo = await startApi(false);
    const login = async (api: ApiClient, username: string) => api.login(username, 'pangolin-demo');
    await stop(projectorA);
    projectorA = undefined;

    // A backlog, written through both APIs while no projector runs.
    const donors = [await login(apiOne.api, 'donor.li'), await login(apiTwo.api, 'donor.wang'), await login(apiOne.api, 'donor.brightfuture')];
    const gift = async (i: number) => {
      const donor = donors[i % donors.length];
      const target = i % 2 ? { kind: 'programme', programmeId: DEMO.programmeId } : { kind: 'household', householdId: DEMO.household(2 + (i % 5)), productId: DEMO.productId };
      const { giftId } = await donor.ok('/gifts', { amount: cny(700 + i), target, remainder: i % 3 ? 'hold' : 'refund' });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `SCALE-${suffix}-${i}`, amount: cny(700 + i) });
    };
    // Twenty at a time: each answer waits SETTLE_TIMEOUT_MS for a projector that is not there.
    for (let first = 0; first < GIFTS; first += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => gift(first + k)));

    // Projector A catches up; B waits for the leases. Kill A a third of the way.
    projectorA = await startProjector();
    const projectorB = await startProjector();
    const backlog = await head();
    // Checked every 5 ms: the kill must land before A finishes.
    await until('projector A a third of the way through the backlog', lowestCheckpoint, (checkpoint) => checkpoint >= backlog / 3n, { deadlineMs: 60_000, intervalMs: 5 });
    const holders = await leaseHolders();
    expect(holders).toHaveLength(1 + PROCESS_MANAGERS.length); // the projections and each process manager, each held once
    await kill(projectorA);
    expect(await lowestCheckpoint()).toBeLessThan(await head());

    // B takes over and finishes: every checkpoint at the head, and the head unmoved after the
    // checkpoints were read (a process manager saves its checkpoint after its appends, so any append it made would show).
    await until(
      'projector B caught up with the log',
      async () => ({ head: await head(), projections: await lowestCheckpoint(), processes: await processCheckpoint(), headAfter: await head() }),
      ({ head, projections, processes, headAfter }) => projections === head && processes === head && headAfter === head,
      { deadlineMs: 60_000, intervalMs: 100 },
    );
    expect(await leaseHolders()).toHaveLength(1 + PROCESS_MANAGERS.length);

    // Both APIs answer from the same, complete views.
    const auditorOne = await login(apiOne.api, 'auditor');
    const auditorTwo = await login(apiTwo.api, 'auditor');
    const ledger = await auditorOne.read('/ledger');
    expect(ledger.total).toEqual([{ currency: 'CNY', total: 0 }]);
    expect(await auditorTwo.read('/ledger')).toEqual(ledger);
    const totals = await apiTwo.api.read('/public/totals');
    expect(totals.platform.money[0].received).toBe(5000 + Array.from({ length: GIFTS }, (_, i) => 700 + i).reduce((a, b) => a + b));

    // A clean rebuild of every view, from the same log, into another schema: identical, row for row.
    await stop(projectorB);
    await stop(apiOne);
    await stop(apiTwo);
    await expectViewsToEqualACleanRebuild(shared, schemas.rebuilt);
  }, 180_000);
});
