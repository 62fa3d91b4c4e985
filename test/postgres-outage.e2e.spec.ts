import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO } from '../apps/api/src/demo/seed-demo';
import { LEASE_NAMESPACE } from '@pangolin/runtime';
import { Child, killAllChildren, startChild, stop } from './support/child-process';
import { expectViewsToEqualACleanRebuild } from './support/clean-rebuild';
import { until } from './support/eventually';
import { TEST_SIGNING_KEY } from './support/platform';
import { PrivatePostgres } from './support/private-postgres';
import { ensureBuilt } from './support/build';

/** No answer may take longer than this, outage or not (the connect timeout is 2 s, the settle timeout 2 s). */
const ANSWER_DEADLINE_MS = 10_000;
/** After the database is back, every process is ready again within this. */
const READY_AGAIN_MS = 30_000;
/** The load is bounded: at most this many gifts, from this many donors at once. */
const MAX_GIFTS = 400;
const CONCURRENCY = 4;
const DATABASE = 'pangolin';
const TRACE = process.env.PANGOLIN_OUTAGE_TRACE;

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: any;
  /** Which disturbance was under way (or had last happened) when the request was sent. */
  during: string;
}

/**
 * The platform on a PostgreSQL cluster of the test's own (both stores: EVENT_STORE=postgres
 * READ_DB=postgres), as three processes: one running everything (PROCESS_ROLE=all), an API and a
 * projector. Donors keep giving (pledge, then payment) while the database is restarted, its
 * connections are terminated, and it is down for ten seconds. No process exits; while the
 * database is away a command is answered 503 with Retry-After (or succeeds), never 500 and never
 * late; readiness is 503 during the outage and 200 again, with every worker running, soon after;
 * every acknowledged gift is in the log exactly once; and the views equal a clean rebuild.
 */
describe('PostgreSQL outages under load', () => {
  let cluster: PrivatePostgres;
  let dataDir: string;
  let env: Record<string, string>;
  const processes: Record<'all' | 'api' | 'projector', Child | undefined> = { all: undefined, api: undefined, projector: undefined };
  /** Set to end the load (also when a failed test leaves it running). */
  let loadStopped = false;
  const running = () => Object.entries(processes).map(([role, child]) => [role, child!] as const);

  beforeAll(async () => {
    ensureBuilt();
    cluster = await PrivatePostgres.create();
    await cluster.query(`CREATE DATABASE ${DATABASE}`);
    dataDir = mkdtempSync(join(tmpdir(), 'pangolin-outage-'));
    env = {
      EVENT_STORE: 'postgres',
      EVENT_STORE_URL: cluster.url(DATABASE),
      EVENT_STORE_SCHEMA: 'pangolin_events',
      READ_DB: 'postgres',
      READ_DB_URL: cluster.url(DATABASE),
      READ_DB_SCHEMA: 'pangolin_read',
      JWT_SECRET: 'postgres-outage-test',
      TRANSPARENCY_SIGNING_KEY: TEST_SIGNING_KEY.signerKey,
      DATA_DIR: dataDir,
      LEASE_RETRY_MS: '500',
      SETTLE_TIMEOUT_MS: '2000',
      DB_CONNECT_TIMEOUT_MS: '2000',
      // The load signs in as the demo donors: this server is a demonstration.
      ALLOW_DEMO_IN_SERVER_MODE: 'true',
    };
  }, 120_000);

  afterAll(async () => {
    loadStopped = true;
    if (TRACE) for (const [role, child] of Object.entries(processes)) appendFileSync(TRACE, `\n===== ${role}\n${child?.output()}`);
    killAllChildren();
    await cluster?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sessions holding one of Pangolin's worker leases (advisory locks in its namespace; the cluster is this test's alone). */
  const leasesHeld = async () =>
    Number((await cluster.query(`SELECT count(*) AS held FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid`, [LEASE_NAMESPACE], DATABASE))[0].held);

  it('survives a fast restart, terminated connections and a 10 s outage: no exit, 503 not 500, ready again with every worker, nothing lost or doubled', async () => {
    processes.all = await startChild('dist/apps/api/src/main.js', { ...env, PROCESS_ROLE: 'all', SEED_DEMO: 'true' }, /Pangolin is serving/);
    processes.api = await startChild('dist/apps/api/src/main.js', { ...env, PROCESS_ROLE: 'api', SEED_DEMO: 'false' }, /Pangolin is serving/);
    processes.projector = await startChild('dist/apps/projector/src/main.js', env, /health and metrics at/);
    const apis = [processes.all.url, processes.api.url];

    let during = 'before';
    // PANGOLIN_OUTAGE_TRACE=<file>: where to write the test's progress and, at the end, the processes' output.
    const trace = (what: string) => TRACE && appendFileSync(TRACE, `${new Date().toISOString()} ${what} (gifts ${pledged.size}, answers ${answers.length})\n`);
    const answers: Answer[] = [];
    const send = async (url: string, method: string, path: string, token?: string, body?: unknown): Promise<Answer> => {
      const sentDuring = during;
      const started = Date.now();
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      try {
        const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(ANSWER_DEADLINE_MS) });
        const text = await response.text();
        return { status: response.status, ms: Date.now() - started, retryAfter: response.headers.get('retry-after'), body: text ? JSON.parse(text) : undefined, during: sentDuring };
      } catch (error) {
        // 0: no answer in time, or the process is gone.
        return { status: 0, ms: Date.now() - started, retryAfter: null, body: String(error), during: sentDuring };
      }
    };
    const login = async (username: string) => {
      const answer = await send(processes.all!.url, 'POST', '/auth/login', undefined, { username, password: 'pangolin-demo' });
      if (answer.status !== 200) throw new Error(`login of ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.accessToken as string;
    };
    const donors = [await login('donor.li'), await login('donor.wang'), await login('donor.brightfuture')];

    // The load: each gift a pledge, then its payment, through either API process. A payment refused
    // with 503 is sent again, as a client would, with the same payment reference (so at most one
    // payment, even if the refused attempt was in fact recorded).
    const PAYMENT_ATTEMPTS = 5;
    /** Each acknowledged gift, and whether its payment was acknowledged. */
    const pledged = new Map<string, { paid: boolean }>();
    let next = 0;
    const giveUntilStopped = async () => {
      while (!loadStopped && next < MAX_GIFTS) {
        const i = next++;
        const api = apis[i % apis.length];
        const donor = donors[i % donors.length];
        const amount = 500 + i;
        const target = i % 2 ? { kind: 'programme', programmeId: DEMO.programmeId } : { kind: 'household', householdId: DEMO.household(2 + (i % 5)), productId: DEMO.productId };
        const pledge = await send(api, 'POST', '/gifts', donor, { amount: { amount, currency: 'CNY' }, target, remainder: i % 3 ? 'hold' : 'refund' });
        answers.push(pledge);
        if (pledge.status < 300) {
          const { giftId } = pledge.body;
          pledged.set(giftId, { paid: false });
          for (let attempt = 1; attempt <= PAYMENT_ATTEMPTS; attempt++) {
            const payment = await send(api, 'POST', `/gifts/${giftId}/payment`, donor, { paymentReference: `OUTAGE-${i}`, amount: { amount, currency: 'CNY' } });
            answers.push(payment);
            pledged.get(giftId)!.paid = payment.status < 300;
            if (payment.status !== 503) break;
            // A timed pause, not a poll: a client's back-off before it sends the refused payment again.
            await sleep(300 * attempt);
          }
        }
        // A timed pause, not a poll: the load's pace (slower while the platform refuses).
        await sleep(pledge.status === 503 ? 200 : 20);
      }
    };
    const load = Promise.all(Array.from({ length: CONCURRENCY }, giveUntilStopped));

    const acknowledgedSoFar = () => pledged.size;
    const waitForMoreGifts = async (count: number) => {
      const target = acknowledgedSoFar() + count;
      await until(`the load getting ${count} more gifts through`, async () => ({ acknowledged: acknowledgedSoFar(), sent: next }), ({ acknowledged, sent }) => acknowledged >= target || sent >= MAX_GIFTS, { deadlineMs: 30_000 });
      if (acknowledgedSoFar() < target) throw new Error(`the load did not get ${count} more gifts through (${acknowledgedSoFar()} so far)`);
    };

    const readiness = async () => Promise.all(running().map(async ([role, child]) => ({ role, answer: await send(child.url, 'GET', '/health/ready') })));
    const expectAllAlive = () => {
      for (const [role, child] of running()) expect({ role, exitCode: child.process.exitCode, signal: child.process.signalCode }).toEqual({ role, exitCode: null, signal: null });
    };
    /**
     * Runs `disturb` while watching every process's readiness, then expects every process alive and
     * ready again within READY_AGAIN_MS of the disturbance, and gifts getting through again. A
     * process counts as ready again on its first 200 to a request sent after the disturbance (and,
     * when `notReadyExpected`, after a 503 of its own; otherwise at least `settleMs` after it: a
     * process that lost nothing it needs may rightly stay ready); at that moment both worker leases
     * must be held. Returns every readiness answer, with when its request was sent.
     */
    const survive = async (what: string, disturb: () => Promise<void>, { notReadyExpected, settleMs = 0 }: { notReadyExpected: boolean; settleMs?: number }) => {
      trace(what);
      during = what;
      const answersSeen: { role: string; status: number; at: number }[] = [];
      const notReady = new Set<string>();
      const readyAgain = new Set<string>();
      /** Each process's latest readiness answer: what a process not ready again still fails. */
      const latest = new Map<string, { status: number; failed?: string[] }>();
      let disturbed = Infinity;
      let readyBy = Infinity;
      // Not a poll for one condition but a watch recording every readiness answer, every 100 ms, during
      // the disturbance and after it; its deadline (readyBy) runs from the disturbance's end.
      const watching = (async () => {
        while (readyAgain.size < running().length) {
          const sent = Date.now();
          for (const { role, answer } of await readiness()) {
            answersSeen.push({ role, status: answer.status, at: sent });
            latest.set(role, { status: answer.status, failed: answer.body?.failed });
            if (answer.status !== 200) notReady.add(role);
            else if (sent >= disturbed + settleMs && (notReady.has(role) || !notReadyExpected) && !readyAgain.has(role)) {
              // One lease per worker: the projections, premium allocation, disaster payouts and personal-data erasure.
              expect({ role, leasesHeld: await leasesHeld() }).toEqual({ role, leasesHeld: 4 });
              expect({ role, workers: answer.body.checks.workers.map(({ ok }: { ok: boolean }) => ok) }).toEqual({ role, workers: [true, true, true, true] });
              readyAgain.add(role);
            }
          }
          if (Date.now() > readyBy) {
            const waiting = running().map(([role]) => role).filter((role) => !readyAgain.has(role));
            throw new Error(`${what}: not ready again within ${READY_AGAIN_MS} ms: ${waiting.map((role) => `${role} (last answer ${JSON.stringify(latest.get(role))})`).join(', ')}`);
          }
          await sleep(100);
        }
      })();
      try {
        await disturb();
      } finally {
        disturbed = Date.now();
        readyBy = disturbed + READY_AGAIN_MS;
      }
      await watching;
      expect(answersSeen.filter(({ status }) => status !== 200 && status !== 503)).toEqual([]);
      expectAllAlive();
      during = `after ${what}`;
      await waitForMoreGifts(10);
      return answersSeen;
    };

    await waitForMoreGifts(20);
    expect((await readiness()).map(({ role, answer }) => [role, answer.status])).toEqual(running().map(([role]) => [role, 200]));

    // (a) A fast restart: every connection is closed, the server is back within about a second.
    // (b) Every connection of the platform's processes is terminated (pooled, listening, lease sessions).
    // Both are over quickly, and a standby projector may retake the freed leases at once, so a
    // process's probes may fall between the gaps: these ask only that every process be ready, with
    // both leases held, from a second on. The outage below shows readiness going to 503 and back.
    await survive('fast restart', () => cluster.restartFast(), { notReadyExpected: false, settleMs: 1000 });
    await survive('terminated connections', async () => expect(await cluster.terminateBackends(DATABASE)).toBeGreaterThan(0), { notReadyExpected: false, settleMs: 1000 });

    // (c) Ten seconds without a database: readiness says so all along, commands are refused with 503.
    let down = { from: 0, to: 0 };
    const outage = await survive(
      '10 s outage',
      async () => {
        await cluster.stop();
        down = { from: Date.now(), to: Date.now() + 10_000 };
        // A timed pause, not a poll: the outage lasts ten seconds, by design.
        await sleep(10_000);
        await cluster.start();
      },
      { notReadyExpected: true },
    );
    const duringOutage = outage.filter(({ at }) => at > down.from + 500 && at < down.to - 500);
    expect(new Set(duringOutage.map(({ role }) => role)).size).toBe(running().length);
    expect(duringOutage.filter(({ status }) => status !== 503)).toEqual([]);

    loadStopped = true;
    await load;
    expectAllAlive();

    const tally = new Map<string, number>();
    for (const { during: phase, status } of answers) tally.set(`${phase} ${status}`, (tally.get(`${phase} ${status}`) ?? 0) + 1);
    trace(`answers: ${JSON.stringify(Object.fromEntries(tally))}; slowest ${Math.max(...answers.map((answer) => answer.ms))} ms`);
    // Every answer was a success, or a quick 503 with Retry-After; never a 500, never late.
    const unexpected = answers.filter((answer) => !(answer.status >= 200 && answer.status < 300) && !(answer.status === 503 && answer.retryAfter !== null));
    expect(unexpected).toEqual([]);
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(ANSWER_DEADLINE_MS);
    const refusedDuringOutage = answers.filter((answer) => answer.during === '10 s outage' && answer.status === 503);
    expect(answers.filter((answer) => answer.during === 'after 10 s outage' && answer.status < 300).length).toBeGreaterThan(0);
    expect(refusedDuringOutage.length).toBeGreaterThan(0);

    // Let the pipeline finish: the process manager's and every projection's checkpoint at the head of the log.
    const head = async () => BigInt((await cluster.query('SELECT COALESCE(MAX(position), 0) AS head FROM pangolin_events.events', [], DATABASE))[0].head);
    const lowestCheckpoint = async () => {
      const rows = await cluster.query('SELECT position::bigint AS position FROM pangolin_read.projection_checkpoints UNION ALL SELECT position::bigint FROM pangolin_read_records.process_checkpoints', [], DATABASE);
      return rows.map((row) => BigInt(row.position)).reduce((a, b) => (a < b ? a : b));
    };
    // Caught up: every checkpoint at the head, and the head unmoved after the checkpoints were read
    // (a process manager saves its checkpoint after its appends, so any append it made would show).
    await until(
      'the pipeline caught up with the log',
      async () => ({ head: await head(), lowest: await lowestCheckpoint(), headAfter: await head() }),
      ({ head, lowest, headAfter }) => lowest === head && headAfter === head,
      { deadlineMs: 30_000, intervalMs: 200 },
    );

    // Every acknowledged pledge and payment is in the log exactly once; no gift was pledged or paid twice.
    const stored = await cluster.query<{ gift: string; type: string; times: string }>(
      `SELECT data->>'giftId' AS gift, type, count(*) AS times FROM pangolin_events.events WHERE type IN ('GiftPledged', 'GiftPaymentConfirmed') GROUP BY 1, 2`,
      [],
      DATABASE,
    );
    const times = new Map(stored.map((row) => [`${row.type} ${row.gift}`, Number(row.times)]));
    expect(stored.filter((row) => Number(row.times) !== 1)).toEqual([]);
    for (const [giftId, { paid }] of pledged) {
      expect({ giftId, pledged: times.get(`GiftPledged ${giftId}`) }).toEqual({ giftId, pledged: 1 });
      if (paid) expect({ giftId, paid: times.get(`GiftPaymentConfirmed ${giftId}`) }).toEqual({ giftId, paid: 1 });
    }

    // The views, kept up through all of it, equal a clean rebuild from the log.
    for (const [, child] of running()) await stop(child);
    await expectViewsToEqualACleanRebuild(env, 'pangolin_rebuilt');
  }, 300_000);
});
