import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { householdBody, productTerms, signUp } from './support/actors';
import { formatCheckpoint, parseCheckpoint, signNote, splitNote, trailMapCommitmentOf, TrailRecomputation } from '@pangolin/transparency';
import { ROOT, runToExit } from './support/child-process';
import { ADMIN, ApiClient, cny, daysAfter, startPlatform, STORE_CONFIGURATIONS, TEST_POSTGRES_URL, TEST_SIGNING_KEY, TestClock } from './support/platform';
import { ensureBuilt } from './support/build';
import { runAudit } from '../apps/api/src/cli/audit';

/** Runs a built CLI (dist/…) with `env` on top of a minimal environment; resolves with its exit code and output. */
async function runCli(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { code, stdout, stderr } = await runToExit(process.execPath, [join(ROOT, script)], { env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } });
  return { code, output: stdout + stderr };
}

/** The audit's output split: what it says of the log itself (`output`), and its lines on the inclusion promises (see `audit`). */
function splitOutput(code: number | null, output: string): { code: number | null; output: string; promises: string[] } {
  const lines = output.split('\n');
  const isPromiseLine = (line: string) => line.startsWith('Promises: ') || line.startsWith('Promise audit FAILED: ');
  return { code, output: lines.filter((line) => !isPromiseLine(line)).join('\n'), promises: lines.filter(isPromiseLine) };
}

/**
 * The audit command as an operator runs it (the built CLI in a process of its own), its output
 * split: what it says of the log itself (`output`), and its lines on the inclusion promises the
 * platform gave for payments (`promises`; test/inclusion-promises.e2e.spec.ts covers those: here
 * they only add that a tampered payment broke its promise).
 */
async function auditCommand(env: Record<string, string>): Promise<{ code: number | null; output: string; promises: string[] }> {
  const { code, output } = await runCli('dist/apps/api/src/cli/audit.js', env);
  return splitOutput(code, output);
}

/**
 * The same audit run in this process (`runAudit`, which the CLI prints), its standard output then
 * its standard error as the CLI's would read: the tamper cases, a second each spared starting the CLI.
 */
async function audit(env: Record<string, string>): Promise<{ code: number | null; output: string; promises: string[] }> {
  const { code, lines } = await runAudit({ ...env });
  const printed = (to: 'stdout' | 'stderr') => lines.filter((line) => line.to === to).map(({ text }) => `${text}\n`).join('');
  return splitOutput(code, printed('stdout') + printed('stderr'));
}

/** A stored event row as the tests read and write it: data and metadata as JSON text. */
interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/**
 * A copy of a stopped platform's stores, tampered with directly in the database, the way an
 * operator with database access would. `sql` takes `?` placeholders and {events} / {hashes} for the
 * tables, on either store kind.
 */
interface StoreCopy {
  env: Record<string, string>;
  sql<T = unknown>(statement: string, params?: unknown[]): Promise<T[]>;
  dispose(): Promise<void>;
}

type Original = { env: Record<string, string>; dataDir: string };

async function copyStores(original: Original): Promise<StoreCopy> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pangolin-audit-copy-'));
  if (original.env.EVENT_STORE !== 'postgres') {
    cpSync(original.dataDir, dataDir, { recursive: true });
    const events = new Database(join(dataDir, 'events.sqlite'));
    const read = new Database(join(dataDir, 'read.sqlite'));
    const records = new Database(join(dataDir, 'records.sqlite'));
    return {
      env: { DATA_DIR: dataDir },
      async sql<T>(statement: string, params: unknown[] = []) {
        const db = statement.includes('{hashes}') ? read : statement.includes('{checkpoints}') ? records : events;
        const prepared = db.prepare(statement.replace('{events}', 'events').replace('{hashes}', 'merkle_subtree_hashes').replace('{checkpoints}', 'signed_checkpoints'));
        return (prepared.reader ? prepared.all(...params) : (prepared.run(...params), [])) as T[];
      },
      async dispose() {
        events.close();
        read.close();
        records.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const suffix = randomBytes(6).toString('hex');
  // The copy's records store is where its configuration derives it from READ_DB_SCHEMA.
  const schemas = { events: `events_${suffix}`, read: `read_${suffix}`, records: `read_${suffix}_records` };
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  for (const [copy, from] of [
    [schemas.events, original.env.EVENT_STORE_SCHEMA],
    [schemas.read, original.env.READ_DB_SCHEMA],
    [schemas.records, `${original.env.READ_DB_SCHEMA}_records`],
  ]) {
    await client.query(`CREATE SCHEMA "${copy}"`);
    const { rows } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", [from]);
    for (const { table_name: table } of rows) {
      await client.query(`CREATE TABLE "${copy}"."${table}" (LIKE "${from}"."${table}" INCLUDING ALL)`);
      await client.query(`INSERT INTO "${copy}"."${table}" SELECT * FROM "${from}"."${table}"`);
    }
  }
  return {
    env: { ...original.env, EVENT_STORE_SCHEMA: schemas.events, READ_DB_SCHEMA: schemas.read, DATA_DIR: dataDir },
    async sql<T>(statement: string, params: unknown[] = []) {
      let n = 0;
      const text = statement
        .replace('{events}', `"${schemas.events}".events`)
        .replace('{hashes}', `"${schemas.read}".merkle_subtree_hashes`)
        .replace('{checkpoints}', `"${schemas.records}".signed_checkpoints`)
        .replace(/\?/g, () => `$${++n}`)
        // JSON columns are jsonb on PostgreSQL: read them as text, write text into them.
        .replace(/^SELECT \*/, 'SELECT position::int AS position, event_id, stream_id, revision, type, data::text AS data, metadata::text AS metadata')
        .replace(/(data|metadata) = (\$\d+)/g, '$1 = $2::jsonb');
      return (await client.query(text, params)).rows as T[];
    },
    async dispose() {
      for (const schema of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One byte changed: the first decimal digit becomes another one, so the JSON stays valid. */
function changeOneDigit(json: string): string {
  const at = json.search(/[0-9]/);
  const digit = Number(json[at]);
  return `${json.slice(0, at)}${digit === 9 ? 8 : digit + 1}${json.slice(at + 1)}`;
}

/** One byte changed: the last character becomes the next one. */
const changeLastCharacter = (text: string) => `${text.slice(0, -1)}${String.fromCharCode(text.charCodeAt(text.length - 1) + 1)}`;

/** Moves events from `position` on by `by` places (through a detour, so no two rows ever share a position). */
async function shiftPositions(copy: StoreCopy, position: number, by: number): Promise<void> {
  await copy.sql('UPDATE {events} SET position = position + 1000000 WHERE position >= ?', [position]);
  await copy.sql('UPDATE {events} SET position = position - 1000000 + ? WHERE position >= 1000000', [by]);
}

async function insertRow(copy: StoreCopy, row: EventRow): Promise<void> {
  await copy.sql('INSERT INTO {events} (position, event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    row.position,
    row.event_id,
    row.stream_id,
    row.revision,
    row.type,
    row.data,
    row.metadata,
  ]);
}

/**
 * Issue 5's tamper tests: on each store kind a realistic story is run and signed, then each test
 * tampers with a fresh copy of the stores directly in the database and runs the audit: it must
 * fail, naming the kind and the exact position. The built CLI, as an operator runs it, audits the
 * untouched log and the unreadable configurations; the tampered copies are audited by the code it
 * prints (runAudit), in this process.
 */
describe('the audit command', () => {
  beforeAll(async () => {
    ensureBuilt();
  }, 120_000);

  it('stops with exit code 2 and the reason when it cannot read its configuration or reach a store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pangolin-audit-config-'));
    try {
      expect(await auditCommand({ DATA_DIR: dataDir, EVENT_STORE: 'postgres' })).toEqual({ code: 2, output: expect.stringMatching(/^Configuration error: EVENT_STORE_URL must be set when EVENT_STORE=postgres/), promises: [] });
      const unreachable = await auditCommand({ DATA_DIR: dataDir, EVENT_STORE: 'postgres', EVENT_STORE_URL: 'postgres://postgres@127.0.0.1:1/none', TRANSPARENCY_SIGNING_KEY: TEST_SIGNING_KEY.signerKey });
      expect(unreachable).toEqual({ code: 2, output: expect.stringMatching(/^Audit could not run: cannot reach the PostgreSQL event store at .*127\.0\.0\.1:1/), promises: [] });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe.each(STORE_CONFIGURATIONS)('on %s', (_, storeEnvironment) => {
    let original: Original;
    let events: EventRow[];
    let firstCheckpointSize: number;
    let cleanUp: () => Promise<void>;
    let copy: StoreCopy;

    /** Three households' premiums funded, their policies issued and a claim paid on each; a checkpoint after the first and at the end. */
    beforeAll(async () => {
      const env: Record<string, string> = { ...storeEnvironment(), CHECKPOINT_INTERVAL_MS: '0' };
      const clock = new TestClock('2026-01-01T08:00:00Z');
      const platform = await startPlatform(env, undefined, { clock });
      const { api } = platform;
      const government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
      const insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
      const donors = [await signUp(api, { username: 'donor.a', role: 'donor' }), await signUp(api, { username: 'donor.b', role: 'donor' })];
      const admin = await api.login(ADMIN.username, ADMIN.password);
      const { productId } = await insurer.ok('/products', productTerms());
      const giftWithPaidClaim = async (n: number, donor: ApiClient) => {
        const household = await government.ok('/households', householdBody('440305001001', n));
        await government.ok(`/households/${household.householdId}/eligibility/verify`, { category: 'low-income' });
        const gift = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: household.householdId, productId }, remainder: 'refund' });
        await donor.ok(`/gifts/${gift.giftId}/payment`, { paymentReference: `PAY-AUDIT-${n}`, amount: cny(3000) });
        const [allocation] = (await donor.read(`/gifts/${gift.giftId}`)).allocations.items;
        await insurer.ok(`/policies/${allocation.policyId}/issue`, { policyNumber: `AUDIT-${n}`, startDate: clock.today() });
        // The incident happens after the 30-day waiting period, and the claim is filed later still.
        const incidentDate = daysAfter(clock.today(), 45);
        clock.advanceDays(60);
        const { claimId } = await government.ok(`/policies/${allocation.policyId}/claims`, { incidentDate, kind: 'illness', amountClaimed: cny(100_000), evidence: [] });
        await insurer.ok(`/policies/${allocation.policyId}/claims/${claimId}/approve`, { approvedAmount: cny(80_000) });
        await insurer.ok(`/policies/${allocation.policyId}/claims/${claimId}/payment`, { payoutReference: `BANK-AUDIT-${n}` });
      };
      await giftWithPaidClaim(1, donors[0]);
      firstCheckpointSize = Number((await admin.ok('/transparency/checkpoints')).size);
      await giftWithPaidClaim(2, donors[1]);
      await giftWithPaidClaim(3, donors[0]);
      await admin.ok('/transparency/checkpoints');
      await platform.stop({ keepData: true });
      original = { env, dataDir: platform.dataDir };
      cleanUp = async () => {
        rmSync(platform.dataDir, { recursive: true, force: true });
        if (env.EVENT_STORE !== 'postgres') return;
        const client = new Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        for (const schema of [env.EVENT_STORE_SCHEMA, env.READ_DB_SCHEMA, `${env.READ_DB_SCHEMA}_records`]) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      };
      const reference = await copyStores(original);
      events = await reference.sql<EventRow>('SELECT * FROM {events} ORDER BY position');
      await reference.dispose();
    }, 120_000);
    afterAll(() => cleanUp?.());

    beforeEach(async () => {
      copy = await copyStores(original);
    });
    afterEach(() => copy.dispose());

    const at = (position: number) => events[position - 1];
    const named = (event: EventRow, position = event.position) => `the event at position ${position} (leaf ${position - 1}, id ${event.event_id}, stream ${event.stream_id}, revision ${event.revision})`;

    it('passes the untouched log, naming its size, root and checkpoint', async () => {
      expect(events.length).toBeGreaterThanOrEqual(40);
      expect(events.map((event) => event.position)).toEqual(events.map((_, i) => i + 1));
      const { code, output, promises } = await auditCommand(copy.env);
      expect(output).toMatch(new RegExp(`^Audit passed: ${events.length} events, root [0-9a-f]{64} matches the checkpoint of size ${events.length} signed \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\.\\n2 signed checkpoints verified\\.\\n$`));
      expect(promises).toEqual([expect.stringMatching(/^Promises: (\d+) kept, \1 honoured, 0 pending \(deadline not passed\), 0 broken\.$/)]);
      expect(code).toBe(0);
    });

    it.each([
      ['data', 'data', changeOneDigit],
      ['metadata', 'metadata', changeOneDigit],
      ['type', 'type', changeLastCharacter],
      ['stream id', 'stream_id', changeLastCharacter],
    ] as const)('fails when one byte of an event’s %s is changed, naming the event', async (_, column, change) => {
      const position = 23;
      const tampered = { ...at(position), [column]: change(at(position)[column]) };
      await copy.sql(`UPDATE {events} SET ${column} = ? WHERE position = ?`, [tampered[column], position]);
      const { code, output } = await audit(copy.env);
      expect(output).toMatch(new RegExp(`^Audit FAILED: ${escape(named(tampered))} was altered: it hashes to [0-9a-f]{64} but the log recorded [0-9a-f]{64}\\.`));
      expect(code).toBe(1);
    });

    it('fails when an event is deleted, leaving a gap in the positions', async () => {
      await copy.sql('DELETE FROM {events} WHERE position = ?', [17]);
      const { code, output } = await audit(copy.env);
      expect(output).toBe(
        `Audit FAILED: the event at position 17 (leaf 16, id ${at(17).event_id}) was removed: the event store no longer has it, and the event now at leaf 16 (position 18, id ${at(18).event_id}) was logged at leaf 17.\n`,
      );
      expect(code).toBe(1);
    });

    it('fails when an event is deleted and the later positions are renumbered to close the gap', async () => {
      await copy.sql('DELETE FROM {events} WHERE position = ?', [17]);
      await shiftPositions(copy, 18, -1);
      const { code, output } = await audit(copy.env);
      expect(output).toMatch(new RegExp(`^Audit FAILED: the event at position 17 \\(leaf 16, id ${at(17).event_id}\\) was removed: .* the event now at leaf 16 \\(position 17, id ${at(18).event_id}\\) was logged at leaf 17\\.`));
      expect(code).toBe(1);
    });

    it('fails when an event is inserted in the middle, the later ones shifted', async () => {
      const forged: EventRow = { ...at(30), position: 30, event_id: '7d1c2a4e-0000-4000-8000-000000000001', stream_id: 'gift-forged', revision: 0 };
      await shiftPositions(copy, 30, 1);
      await insertRow(copy, forged);
      const { code, output } = await audit(copy.env);
      expect(output).toBe(`Audit FAILED: ${named(forged)} was inserted: the log never recorded it, and the events after it are shifted by 1.\n`);
      expect(code).toBe(1);
    });

    it('fails when two events’ contents are swapped, naming the first and where the log had it', async () => {
      const [first, second] = [at(12), at(35)];
      await copy.sql('DELETE FROM {events} WHERE position IN (?, ?)', [12, 35]);
      await insertRow(copy, { ...second, position: 12 });
      await insertRow(copy, { ...first, position: 35 });
      const { code, output } = await audit(copy.env);
      expect(output).toBe(`Audit FAILED: ${named(second, 12)} was reordered: the log recorded it at leaf 34, and recorded event ${first.event_id} at leaf 11.\n`);
      expect(code).toBe(1);
    });

    it('fails when a stored hash is edited, naming the subtree or leaf', async () => {
      await copy.sql('UPDATE {hashes} SET hash = ? WHERE level = 2 AND "index" = 3', ['00'.repeat(32)]);
      const inner = await audit(copy.env);
      expect(inner.output).toMatch(/^Audit FAILED: the stored hash of the subtree at level 2, index 3 \(leaves 12 to 15\) in merkle_subtree_hashes was edited: it is 0{64}, the events give [0-9a-f]{64}\.\n$/);
      expect(inner.code).toBe(1);

      const [{ hash }] = await copy.sql<{ hash: string }>('SELECT hash FROM {hashes} WHERE level = 0 AND "index" = 5');
      await copy.sql('UPDATE {hashes} SET hash = ? WHERE level = 0 AND "index" = 5', ['ff'.repeat(32)]);
      const leaf = await audit(copy.env);
      expect(leaf.output).toBe(
        `Audit FAILED: the stored hash of leaf 5 (event ${at(6).event_id}) in merkle_subtree_hashes was edited: it is ${'ff'.repeat(32)}, but the event hashes to ${hash} and the stored tree above it agrees with the event.\n`,
      );
      expect(leaf.code).toBe(1);
    });

    it('fails when a checkpoint, signed with the log\'s key, commits to a trail map the events do not give (a trail event hidden)', async () => {
      const [{ note, size }] = await copy.sql<{ note: string; size: number | string }>('SELECT note, size FROM {checkpoints} ORDER BY size DESC LIMIT 1');
      const checkpoint = parseCheckpoint(splitNote(note).text);
      const signed = trailMapCommitmentOf(checkpoint)!;
      expect(signed.size).toBe(3n);
      // The platform's own key signs the same tree with a map in which one gift's trail is one event shorter.
      const leafHashes = await copy.sql<{ hash: string }>('SELECT hash FROM {hashes} WHERE level = 0 ORDER BY "index"');
      const lastClaimPaid = events.filter((event) => event.type === 'ClaimPaid').at(-1)!;
      const hidden = new TrailRecomputation();
      for (const [i, event] of events.entries()) {
        if (event !== lastClaimPaid) hidden.add({ streamId: event.stream_id, type: event.type, data: JSON.parse(event.data) }, Buffer.from(leafHashes[i].hash, 'hex'));
      }
      // The log's key: generated in the data folder by the embedded platform, given as TEST_SIGNING_KEY with server stores.
      const keyFile = join(copy.env.DATA_DIR, 'transparency-signing.key');
      const signerKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : TEST_SIGNING_KEY.signerKey;
      const forged = signNote(formatCheckpoint({ ...checkpoint, extensionLines: [hidden.map().extensionLine()] }), signerKey);
      await copy.sql('UPDATE {checkpoints} SET note = ? WHERE size = ?', [forged, String(size)]);
      const { code, output } = await audit(copy.env);
      expect(output).toMatch(
        new RegExp(`^Audit FAILED: the checkpoint of size ${events.length} signed \\S+ commits to a trail map the events do not give: it signed [0-9a-f]{64} \\(3 gifts\\), the events' trails give ${Buffer.from(signed.root).toString('hex')} \\(3 gifts\\)\\.`),
      );
      expect(code).toBe(1);
    });

    it('fails when an event is rewritten and the read models rebuilt from it, naming the range the checkpoints leave', async () => {
      const position = events.length - 3;
      await copy.sql('UPDATE {events} SET metadata = ? WHERE position = ?', [changeOneDigit(at(position).metadata), position]);
      const rebuild = await runCli('dist/apps/api/src/cli/rebuild-read-models.js', copy.env);
      expect(rebuild).toMatchObject({ code: 0, output: expect.stringContaining(`Rebuilt every view from ${events.length} events.`) });
      const { code, output } = await audit(copy.env);
      expect(output).toMatch(
        new RegExp(
          `^Audit FAILED: the checkpoint of size ${events.length} signed \\S+ does not match the events: their root at size ${events.length} is [0-9a-f]{64}, the checkpoint signed [0-9a-f]{64}\\. ` +
            `The stored hashes agree with the events, so both were rewritten after it was signed: an event among leaves ${firstCheckpointSize} to ${events.length - 1} was altered, removed, inserted or reordered ` +
            `\\(the checkpoint of size ${firstCheckpointSize} signed \\S+ still matches\\)\\.\\n$`,
        ),
      );
      expect(code).toBe(1);
    }, 60_000);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
