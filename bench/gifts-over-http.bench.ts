/**
 * Benchmark (not a test): gifts accepted per second over HTTP.
 *
 * The platform runs as it does in production, in a child process (`node dist/apps/api/src/main.js`,
 * embedded SQLite stores in a fresh temporary DATA_DIR, SEED_DEMO=true, a free loopback port), so the
 * load generator (this process) does not share its event loop. Both processes share the machine's CPUs.
 *
 * One gift = POST /gifts (pledge) then POST /gifts/:id/payment (confirmation), by one of the three
 * demo donors, alternately to the demo programme and to a demo household. Each response is sent only
 * after CommandRunner.run has appended the command's event AND EventPipeline.settle has seen the
 * premium-allocation process manager handle it and what it caused (the events carrying the request's
 * correlation id), and every projection apply them, or after SETTLE_TIMEOUT_MS (5 s), whichever comes
 * first. So a payment's latency includes its allocation (contributions, allocation records, remainder
 * refund, policy request) and the read models being updated, and under load also the work of the
 * requests appended before it (the workers apply the log in order). The demo households' premiums are fully funded during the first few
 * dozen gifts (the warm-up), so in the measured phase almost every gift's money is refunded as
 * "more than needed": the events appended per gift are counted and printed.
 *
 * Each concurrency level runs on a freshly started platform: W warm-up gifts, then N measured gifts,
 * issued by C closed-loop clients (each client starts its next gift when its last one is answered).
 *
 * The reference, measured in the same run by the same clients: a bare Fastify route doing one raw
 * SQLite INSERT with the platform's pragmas (WAL, synchronous=FULL), bare-insert-server.ts in its own
 * child process. A second reference, the same route through NestJS with a validated body
 * (bare-nest-insert-server.ts), shows what the framework alone costs per request. The sides take
 * turns (3 rounds each, the order turning); the medians of the rounds are reported, and the ratio of
 * Pangolin's gifts/s to the bare route's requests/s. Each side's CPU per gift or request (server and
 * load generator, from /proc) is printed too, and from it the floor that 0.25x the bare route would
 * need: two bare Nest requests and the load generator's share per gift, in cores of this machine.
 *
 * Run: npm run build && node dist/bench/gifts-over-http.bench.js
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEMO } from '../apps/api/src/demo/seed-demo';
import { printMachine } from './machine';
import { BenchRow, CpuMeter, formatCores, formatMs, formatRate, nowMs, percentile } from './stats';

const MAIN_JS = join(__dirname, '..', 'apps', 'api', 'src', 'main.js');
const BARE_SERVER_JS = join(__dirname, 'bare-insert-server.js');
const BARE_NEST_SERVER_JS = join(__dirname, 'bare-nest-insert-server.js');
const DEMO_PASSWORD = 'pangolin-demo';
const DONORS = ['donor.li', 'donor.wang', 'donor.brightfuture'];
/** Verified demo households (seed-demo.ts: 1-6 in Nanshan, 8 in Bao'an; 7 is not verified). */
const HOUSEHOLDS = [1, 2, 3, 4, 5, 6, 8].map((n) => DEMO.household(n));
const GIFT_AMOUNT = { amount: 1000, currency: 'CNY' };
const SETTLE_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface GiftScenario {
  concurrency: number;
  warmupGifts: number;
  /** Measured gifts, shared evenly by the rounds. */
  gifts: number;
}

/** Rounds per scenario: Pangolin and the bare route take turns, each round of each side reported, then the medians. */
const ROUNDS = 3;
/** How long each round of the bare route lasts. */
const BARE_ROUND_MS = 3000;

export const DEFAULT_SCENARIOS: GiftScenario[] = [
  { concurrency: 1, warmupGifts: 32, gifts: 150 },
  { concurrency: 16, warmupGifts: 64, gifts: 900 },
];

interface Server {
  url: string;
  child: ChildProcess;
  dataDir: string;
  startupMs: number;
  stop(): Promise<void>;
}

/** Waits for `child` to print where it listens (the first group of `pattern`); from then on shows only its errors. */
export async function waitForUrl(child: ChildProcess, pattern: RegExp, name: string, timeoutMs = 60_000): Promise<string> {
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${name} did not start within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} exited (${code}) before serving:\n${output}`));
    });
  });
  // From now on only errors are worth showing.
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.removeAllListeners('exit');
  child.stdout!.resume();
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (/ERROR|WARN/.test(text)) process.stderr.write(`[${name}] ${text}`);
  });
  return url;
}

/** Stops a child server (SIGTERM, SIGKILL after 10 s) and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A server running as `child` at `url`, its files in `dataDir` (removed when it stops), started at `started`. */
function childServer(url: string, child: ChildProcess, dataDir: string, started: number): Server {
  return {
    url,
    child,
    dataDir,
    startupMs: nowMs() - started,
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A reference server in its own child process: `script` is bare-insert-server.js (the reference: a
 * bare Fastify route doing one raw SQLite INSERT) or bare-nest-insert-server.js (the same route
 * through NestJS and a validated body: the framework's own cost per request).
 */
async function startBareServer(script: string, name: string): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pangolin-bench-bare-'));
  const started = nowMs();
  const child = spawn(process.execPath, [script, join(dataDir, 'bare.sqlite')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitForUrl(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/, name);
  return childServer(url, child, dataDir, started);
}

/** Starts the compiled platform in a child process and waits for it to say where it listens. */
async function startServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pangolin-bench-http-'));
  // The embedded stores, whatever the caller's environment says: only the platform's defaults are measured.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    SEED_DEMO: 'true',
    EVENT_STORE: 'sqlite',
    READ_DB: 'sqlite',
    SETTLE_TIMEOUT_MS: String(SETTLE_TIMEOUT_MS),
    NO_COLOR: '1',
  };
  for (const name of ['ADMIN_USERNAME', 'ADMIN_PASSWORD', 'EVENT_STORE_PATH', 'EVENT_STORE_URL', 'READ_DB_PATH', 'READ_DB_URL', 'JWT_SECRET']) delete env[name];
  const started = nowMs();
  // BENCH_SERVER_NODE_ARGS passes flags to the platform's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  delete env.BENCH_SERVER_NODE_ARGS;
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitForUrl(child, /Pangolin is serving (http:\/\/127\.0\.0\.1:\d+)/, 'platform');
  return childServer(url, child, dataDir, started);
}

class HttpError extends Error {}

async function call<T = any>(url: string, method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status >= 300) throw new HttpError(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function login(url: string, username: string): Promise<string> {
  const { accessToken } = await call<{ accessToken: string }>(url, 'POST', '/auth/login', undefined, { username, password: DEMO_PASSWORD });
  return accessToken;
}

interface GiftTiming {
  pledgeMs: number;
  paymentMs: number;
  totalMs: number;
}

/** Pledges gift number `n` and confirms its payment; returns how long each took. */
async function giveOne(url: string, tokens: string[], n: number, runId: string): Promise<GiftTiming> {
  const token = tokens[n % tokens.length]!;
  // Even gifts go to the programme, odd ones to a household (the 7 verified ones in turn).
  const target =
    n % 2 === 0
      ? { kind: 'programme', programmeId: DEMO.programmeId }
      : { kind: 'household', householdId: HOUSEHOLDS[((n - 1) / 2) % HOUSEHOLDS.length], productId: DEMO.productId };
  const started = nowMs();
  const { giftId } = await call<{ giftId: string }>(url, 'POST', '/gifts', token, { amount: GIFT_AMOUNT, target, remainder: 'refund' });
  const pledged = nowMs();
  await call(url, 'POST', `/gifts/${giftId}/payment`, token, { paymentReference: `BENCH-${runId}-${n}`, amount: GIFT_AMOUNT });
  const paid = nowMs();
  return { pledgeMs: pledged - started, paymentMs: paid - pledged, totalMs: paid - started };
}

/** `concurrency` closed-loop clients share `count` gifts numbered from `first`. */
async function giveMany(url: string, tokens: string[], first: number, count: number, concurrency: number, runId: string): Promise<GiftTiming[]> {
  const timings: GiftTiming[] = [];
  let next = first;
  const end = first + count;
  const client = async () => {
    while (next < end) {
      const n = next++;
      timings.push(await giveOne(url, tokens, n, runId));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return timings;
}

interface Round {
  /** Gifts/s for Pangolin, requests/s for the bare routes. */
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU-milliseconds per gift (Pangolin) or per request (bare routes): the server's, and this load generator's. */
  cpuMsEach: { server: number | undefined; loadGenerator: number | undefined };
}

/** CPU-milliseconds per unit of work, from cores used over `seconds` for `units` gifts or requests. */
function cpuMsEach(cores: number | undefined, seconds: number, units: number): number | undefined {
  return cores === undefined || units === 0 ? undefined : (cores * seconds * 1000) / units;
}

/** `concurrency` closed-loop clients POST to a bare route (`server`) for `durationMs`. */
async function bareRound(server: Server, concurrency: number, durationMs: number): Promise<Round> {
  const latencies: number[] = [];
  const meter = new CpuMeter([server.child.pid, process.pid]);
  const started = nowMs();
  const end = started + durationMs;
  const client = async () => {
    for (let n = 0; nowMs() < end; n++) {
      const sent = nowMs();
      await call(server.url, 'POST', '/items', undefined, { amount: GIFT_AMOUNT, reference: `BARE-${n}` });
      latencies.push(nowMs() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (nowMs() - started) / 1000;
  const { perPid: [serverCores, loadGeneratorCores] } = meter.stop();
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMsEach: { server: cpuMsEach(serverCores, seconds, latencies.length), loadGenerator: cpuMsEach(loadGeneratorCores, seconds, latencies.length) },
  };
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface GiftScenarioResult {
  scenario: GiftScenario;
  pangolinRounds: Round[];
  bareRounds: Round[];
  bareNestRounds: Round[];
  /** Medians over the rounds. */
  giftsPerSecond: number;
  total: { p50: number; p99: number; max: number };
  bare: { requestsPerSecond: number; p50: number; p99: number };
  bareNest: { requestsPerSecond: number; p50: number; p99: number };
  /** CPU-ms per gift (Pangolin) and per request (the bare routes), medians of the rounds. */
  cpuMsEach: { pangolin: Round['cpuMsEach']; bare: Round['cpuMsEach']; bareNest: Round['cpuMsEach'] };
  pledge: { p50: number; p99: number };
  payment: { p50: number; p99: number };
  /** Requests that took at least SETTLE_TIMEOUT_MS: answered, perhaps, before their effects settled. */
  slowerThanSettleTimeout: number;
  /** Cores used during Pangolin's rounds (1 = one core busy): by the platform, by this load generator, by anything else (medians). */
  cpu: { platform: number | undefined; loadGenerator: number | undefined; others: number | undefined };
  startupMs: number;
  ledgerTotals: { currency: string; total: number }[];
  escrowLeft: number;
  /** Events the measured gifts appended (directly and through allocation), by type. */
  eventsByType: Record<string, number>;
}

function medianOrUndefined(values: (number | undefined)[]): number | undefined {
  return values.every((value) => value !== undefined) ? median(values as number[]) : undefined;
}

function medianOfRounds(rounds: Round[]): { requestsPerSecond: number; p50: number; p99: number } {
  return { requestsPerSecond: median(rounds.map((r) => r.perSecond)), p50: median(rounds.map((r) => r.p50)), p99: median(rounds.map((r) => r.p99)) };
}

function medianCpuMsEach(rounds: Round[]): Round['cpuMsEach'] {
  return { server: medianOrUndefined(rounds.map((r) => r.cpuMsEach.server)), loadGenerator: medianOrUndefined(rounds.map((r) => r.cpuMsEach.loadGenerator)) };
}

async function runScenario(scenario: GiftScenario): Promise<GiftScenarioResult> {
  const [server, bareServer, bareNestServer] = [await startServer(), await startBareServer(BARE_SERVER_JS, 'bare route'), await startBareServer(BARE_NEST_SERVER_JS, 'bare Nest route')];
  // A read-only look at the platform's event log (WAL lets a reader in another process in), to count what the gifts appended.
  const log = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const { url } = server;
    const tokens = await Promise.all(DONORS.map((donor) => login(url, donor)));
    const auditor = await login(url, 'auditor');
    const runId = `${process.pid}-${scenario.concurrency}`;
    await giveMany(url, tokens, 0, scenario.warmupGifts, scenario.concurrency, runId);
    await bareRound(bareServer, scenario.concurrency, BARE_ROUND_MS / 3);
    await bareRound(bareNestServer, scenario.concurrency, BARE_ROUND_MS / 3);

    const firstPosition = Number(log.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get());
    const giftsPerRound = Math.ceil(scenario.gifts / ROUNDS);
    const timings: GiftTiming[] = [];
    const pangolinRounds: Round[] = [];
    const bareRounds: Round[] = [];
    const bareNestRounds: Round[] = [];
    const cpu: { platform: number | undefined; loadGenerator: number | undefined; others: number | undefined }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sides = [
        async () => bareRounds.push(await bareRound(bareServer, scenario.concurrency, BARE_ROUND_MS)),
        async () => {
          const meter = new CpuMeter([server.child.pid, process.pid]);
          const started = nowMs();
          const first = scenario.warmupGifts + round * giftsPerRound;
          const roundTimings = await giveMany(url, tokens, first, giftsPerRound, scenario.concurrency, runId);
          const seconds = (nowMs() - started) / 1000;
          const { perPid: [platform, loadGenerator], others } = meter.stop();
          cpu.push({ platform, loadGenerator, others });
          timings.push(...roundTimings);
          const totals = roundTimings.map((t) => t.totalMs);
          pangolinRounds.push({
            perSecond: giftsPerRound / seconds,
            p50: percentile(totals, 50),
            p99: percentile(totals, 99),
            cpuMsEach: { server: cpuMsEach(platform, seconds, giftsPerRound), loadGenerator: cpuMsEach(loadGenerator, seconds, giftsPerRound) },
          });
        },
        async () => bareNestRounds.push(await bareRound(bareNestServer, scenario.concurrency, BARE_ROUND_MS)),
      ];
      // The order turns each round, so that no side always follows the same other.
      for (let turn = 0; turn < sides.length; turn++) await sides[(round + turn) % sides.length]!();
    }

    type LedgerPage = { total: { currency: string; total: number }[]; items: { account: string; balance: number }[]; nextCursor: string | null };
    const ledger = await call<LedgerPage>(url, 'GET', '/ledger?account=escrow:&limit=500', auditor);
    let escrowLeft = 0;
    // Every page of the escrow accounts' balances.
    for (let page = ledger; ; page = await call<LedgerPage>(url, 'GET', `/ledger?account=escrow:&limit=500&cursor=${page.nextCursor}`, auditor)) {
      escrowLeft += page.items.reduce((sum, b) => sum + b.balance, 0);
      if (page.nextCursor === null) break;
    }
    const eventRows = log.prepare('SELECT type, COUNT(*) AS n FROM events WHERE position > ? GROUP BY type ORDER BY n DESC').all(firstPosition) as { type: string; n: bigint | number }[];
    const pledges = timings.map((t) => t.pledgeMs);
    const payments = timings.map((t) => t.paymentMs);
    return {
      scenario: { ...scenario, gifts: giftsPerRound * ROUNDS },
      pangolinRounds,
      bareRounds,
      bareNestRounds,
      giftsPerSecond: median(pangolinRounds.map((r) => r.perSecond)),
      total: { p50: median(pangolinRounds.map((r) => r.p50)), p99: median(pangolinRounds.map((r) => r.p99)), max: Math.max(...timings.map((t) => t.totalMs)) },
      bare: medianOfRounds(bareRounds),
      bareNest: medianOfRounds(bareNestRounds),
      cpuMsEach: { pangolin: medianCpuMsEach(pangolinRounds), bare: medianCpuMsEach(bareRounds), bareNest: medianCpuMsEach(bareNestRounds) },
      pledge: { p50: percentile(pledges, 50), p99: percentile(pledges, 99) },
      payment: { p50: percentile(payments, 50), p99: percentile(payments, 99) },
      slowerThanSettleTimeout: [...pledges, ...payments].filter((ms) => ms >= SETTLE_TIMEOUT_MS).length,
      cpu: {
        platform: medianOrUndefined(cpu.map((c) => c.platform)),
        loadGenerator: medianOrUndefined(cpu.map((c) => c.loadGenerator)),
        others: medianOrUndefined(cpu.map((c) => c.others)),
      },
      startupMs: server.startupMs,
      ledgerTotals: ledger.total,
      escrowLeft,
      eventsByType: Object.fromEntries(eventRows.map((row) => [row.type, Number(row.n)])),
    };
  } finally {
    log.close();
    await Promise.all([server.stop(), bareServer.stop(), bareNestServer.stop()]);
  }
}

export async function runGiftsOverHttp(options: { printMachine?: boolean; scenarios?: GiftScenario[] } = {}): Promise<BenchRow[]> {
  if (options.printMachine !== false) printMachine();
  console.log('## Gifts over HTTP (platform in a child process: node dist/apps/api/src/main.js, embedded SQLite, 127.0.0.1)');
  console.log(
    `gift = POST /gifts (pledge) + POST /gifts/:id/payment (confirm) by 3 demo donors, ${GIFT_AMOUNT.amount} fen each, alternately to the demo programme and to the 7 verified demo households;`,
  );
  console.log('each response waits for its allocation and every view to settle (EventPipeline.settle, SETTLE_TIMEOUT_MS=5000); closed-loop clients; fresh platform per concurrency level');
  console.log(
    `reference, same run, same clients: a bare Fastify route doing one raw SQLite INSERT (WAL, synchronous=FULL) in its own child process, and the same route through NestJS with a validated body; ` +
      `${ROUNDS} rounds each, the order turning (Pangolin's share of the gifts / ${BARE_ROUND_MS / 1000} s of the bare route), medians of the rounds`,
  );
  const rows: BenchRow[] = [];
  for (const scenario of options.scenarios ?? DEFAULT_SCENARIOS) {
    const r = await runScenario(scenario);
    const ledgerText = r.ledgerTotals.map((t) => `${t.currency} ${t.total}`).join(', ') || '(empty)';
    const balanced = r.ledgerTotals.length > 0 && r.ledgerTotals.every((t) => t.total === 0);
    const events = Object.values(r.eventsByType).reduce((sum, n) => sum + n, 0);
    const ratio = r.giftsPerSecond / r.bare.requestsPerSecond;
    const clients = `${scenario.concurrency} concurrent client${scenario.concurrency === 1 ? '' : 's'}`;
    console.log(
      `${clients}: ${r.scenario.gifts} gifts (after ${scenario.warmupGifts} warm-up) → ${r.giftsPerSecond.toFixed(1)} gifts/s; ` +
        `gift latency p50 ${formatMs(r.total.p50)}, p99 ${formatMs(r.total.p99)}, max ${formatMs(r.total.max)}`,
    );
    console.log(
      `  bare route: ${formatRate(r.bare.requestsPerSecond)} req/s, p50 ${formatMs(r.bare.p50)}, p99 ${formatMs(r.bare.p99)} → ratio gifts/s ÷ bare req/s = ${ratio.toFixed(3)}`,
    );
    console.log(
      `  bare Nest route (the same INSERT through NestJS, a validated body): ${formatRate(r.bareNest.requestsPerSecond)} req/s, p50 ${formatMs(r.bareNest.p50)}, p99 ${formatMs(r.bareNest.p99)}` +
        ` → gifts/s ÷ bare Nest req/s = ${(r.giftsPerSecond / r.bareNest.requestsPerSecond).toFixed(3)}`,
    );
    const roundText = (rounds: Round[], unit: string) => rounds.map((round) => `${round.perSecond.toFixed(1)} ${unit} (p99 ${formatMs(round.p99)})`).join(', ');
    console.log(`  rounds: Pangolin ${roundText(r.pangolinRounds, 'gifts/s')}; bare ${roundText(r.bareRounds, 'req/s')}; bare Nest ${roundText(r.bareNestRounds, 'req/s')}`);
    const each = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${ms.toFixed(2)} ms`);
    const { pangolin, bare, bareNest } = r.cpuMsEach;
    console.log(
      `  CPU per gift / per request (server; load generator): Pangolin ${each(pangolin.server)}; ${each(pangolin.loadGenerator)} per gift, ` +
        `bare route ${each(bare.server)}; ${each(bare.loadGenerator)} per request, bare Nest route ${each(bareNest.server)}; ${each(bareNest.loadGenerator)} per request`,
    );
    console.log(`  ${floorAtQuarter(r)}`);
    console.log(`  pledge p50 ${formatMs(r.pledge.p50)} / p99 ${formatMs(r.pledge.p99)}; payment p50 ${formatMs(r.payment.p50)} / p99 ${formatMs(r.payment.p99)}; requests ≥ settle timeout (${SETTLE_TIMEOUT_MS} ms): ${r.slowerThanSettleTimeout}`);
    console.log(
      `  CPU (100% = one core busy): platform ${formatCores(r.cpu.platform)}, load generator ${formatCores(r.cpu.loadGenerator)}, other processes ${formatCores(r.cpu.others)}; ` +
        `platform start-up incl. demo seed ${formatMs(r.startupMs)}`,
    );
    console.log(
      `  events appended: ${events} (${(events / r.scenario.gifts).toFixed(2)} per gift): ` +
        Object.entries(r.eventsByType).map(([type, n]) => `${type} ${n}`).join(', '),
    );
    console.log(`  ledger check (GET /ledger as auditor): total ${ledgerText} → ${balanced ? 'balanced (sums to 0)' : 'NOT BALANCED'}; money left in gift escrow: ${r.escrowLeft} fen`);
    if (!balanced) process.exitCode = 1;
    rows.push({
      benchmark: 'gifts over HTTP',
      scenario: clients,
      measured: `${r.scenario.gifts.toLocaleString('en-US')} gifts (${events.toLocaleString('en-US')} events)`,
      throughput: `${r.giftsPerSecond.toFixed(1)} gifts/s`,
      latencyOf: 'pledge + payment',
      p50: formatMs(r.total.p50),
      p99: formatMs(r.total.p99),
      notes:
        `bare Fastify + raw INSERT ${formatRate(r.bare.requestsPerSecond)} req/s (p99 ${formatMs(r.bare.p99)}), ratio ${ratio.toFixed(3)}; ` +
        `the same through NestJS ${formatRate(r.bareNest.requestsPerSecond)} req/s; ${floorAtQuarter(r)}; ` +
        `ledger total ${ledgerText}${balanced ? ' ✓' : ' ✗ NOT BALANCED'}; CPU: platform ${formatCores(r.cpu.platform)}, others ${formatCores(r.cpu.others)}; ${r.slowerThanSettleTimeout} requests hit the settle timeout`,
    });
  }
  console.log('');
  return rows;
}

/**
 * What 0.25x the bare route (issue #11's bound) would take of the machine, from this run's own
 * figures: at that many gifts/s, the two requests of each gift through the bare Nest route (the
 * framework's floor, no work of Pangolin's), and this load generator's CPU per gift, in cores,
 * against the machine's cores. A floor above the cores says the bound cannot be met by making
 * Pangolin's own work cheaper, only by a cheaper stack or a bigger machine.
 */
function floorAtQuarter(r: GiftScenarioResult): string {
  const target = 0.25 * r.bare.requestsPerSecond;
  const nest = r.cpuMsEach.bareNest.server;
  const generator = r.cpuMsEach.pangolin.loadGenerator;
  if (nest === undefined || generator === undefined) return 'floor at 0.25x the bare route: n/a (no CPU figures on this system)';
  const cores = (target * (2 * nest + generator)) / 1000;
  return (
    `floor at 0.25x the bare route (${target.toFixed(0)} gifts/s): 2 bare Nest requests (${(2 * nest).toFixed(2)} ms) + the load generator (${generator.toFixed(2)} ms) per gift ` +
    `= ${cores.toFixed(2)} cores of the machine's ${availableParallelism()}, before any of Pangolin's own work`
  );
}

/** `node gifts-over-http.bench.js [CONCURRENCY:GIFTS ...]`, e.g. `16:900 32:900`; no argument runs DEFAULT_SCENARIOS. */
if (require.main === module) {
  const scenarios = process.argv.slice(2).map((arg) => {
    const [concurrency, gifts] = arg.split(':').map(Number);
    if (!Number.isSafeInteger(concurrency) || concurrency! < 1 || !Number.isSafeInteger(gifts) || gifts! < 1) throw new Error(`expected CONCURRENCY:GIFTS, got ${arg}`);
    return { concurrency: concurrency!, warmupGifts: 64, gifts: gifts! };
  });
  runGiftsOverHttp({ scenarios: scenarios.length > 0 ? scenarios : undefined }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
