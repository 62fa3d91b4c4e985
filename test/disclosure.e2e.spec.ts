import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { chinaDateOf, quarterOf } from '@pangolin/domain';
import { DEMO } from '../apps/api/src/demo/seed-demo';
import { ROOT, runToExit } from './support/child-process';
import { ADMIN, ApiClient, cny, RunningPlatform, startPlatform } from './support/platform';

const DEMO_PASSWORD = 'pangolin-demo';
// The project's e2e testTimeout does not reach tests (Jest reads testTimeout globally only): each step may take a while on a loaded machine.
jest.setTimeout(120_000);

/** Minor units as the CSV writes yuan (computed here independently of the platform's code). */
const yuan = (fen: number) => (fen / 100).toFixed(2);

/** Fetches a CSV answer as bytes: it starts with UTF-8's byte order mark (fetch's text() would drop it). */
async function fetchCsv(url: string, headers: Record<string, string> = {}): Promise<{ contentType: string | null; rows: string[][] }> {
  const response = await fetch(url, { headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return { contentType: response.headers.get('content-type'), rows: parseCsv(bytes.subarray(3).toString('utf8')) };
}

/** Parses the platform's CSV (quoted cells, CRLF lines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

async function audit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { code, stdout, stderr } = await runToExit(process.execPath, [join(ROOT, 'dist/apps/api/src/cli/audit.js')], { env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } });
  return { code, output: stdout + stderr };
}

/**
 * Issue #13, item 4: the quarterly disclosure of the demo programme, published by the platform's
 * administrator at a signed checkpoint, reconciles to the ledger to the fen in JSON and CSV; a
 * correction is version 2 and keeps version 1; `npm run audit` recomputes every published version
 * from the events up to its checkpoint and names a tampered figure.
 *
 * Story, on the demo seed: a foundation gives 10,500 fen to the demo programme (hold the rest);
 * the programme funds two Nanshan households' premiums (5,000 each) and 500 of a third's; the
 * insurer issues one of the two policies, and a claim of 3,000 yuan is paid on it.
 */
describe('programme and platform disclosure', () => {
  let platform: RunningPlatform;
  let admin: ApiClient, donor: ApiClient, insurer: ApiClient, government: ApiClient, auditor: ApiClient;
  let giftId: string;
  let reportId: string;
  let platformReportId: string;
  const quarter = quarterOf(chinaDateOf(new Date().toISOString()));

  beforeAll(async () => {
    platform = await startPlatform({ SEED_DEMO: 'true' });
    const login = async (username: string) => platform.api.login(username, DEMO_PASSWORD);
    admin = await platform.api.login(ADMIN.username, ADMIN.password).catch(() => login('admin'));
    [donor, insurer, government, auditor] = await Promise.all(['donor.brightfuture', 'insurer.anxin', 'gov.nanshan', 'auditor'].map(login));
  }, 60_000);
  let stopped = false;
  afterAll(async () => {
    if (!stopped) await platform?.stop();
    else rmSync(platform.dataDir, { recursive: true, force: true });
  });

  it('follows a programme gift to a paid claim', async () => {
    ({ giftId } = await donor.ok('/gifts', { amount: cny(10_500), target: { kind: 'programme', programmeId: DEMO.programmeId }, remainder: 'hold' }));
    await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: 'DISCLOSURE-PAY-1', amount: cny(10_500) });
    const gift = await donor.read(`/gifts/${giftId}`);
    const funded = gift.allocations.items.filter((allocation: { amount: { amount: number } }) => allocation.amount.amount === 5_000);
    expect(funded).toHaveLength(2);
    const today = new Date().toISOString().slice(0, 10);
    const policyId = funded[0].policyId;
    await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'DISCLOSURE-0001', startDate: today });
    const { claimId } = await government.ok(`/policies/${policyId}/claims`, { incidentDate: today, kind: 'illness', amountClaimed: cny(300_000), evidence: ['invoice.pdf'] });
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/approve`, {});
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/payment`, { payoutReference: 'DISCLOSURE-PAYOUT-1' });
  });

  it('refuses a bad period with 400 naming the field, and anyone but an admin', async () => {
    expect((await admin.post('/disclosures', { programmeId: DEMO.programmeId, from: '2026-02-30', to: '2026-03-31' })).body.violations).toEqual([expect.objectContaining({ field: 'from', rule: expect.any(String), code: 'invalid.date' })]);
    expect((await admin.post('/disclosures', { programmeId: DEMO.programmeId, quarter: '2026-Q5' })).body.violations).toEqual([expect.objectContaining({ field: 'quarter', rule: expect.any(String), code: 'invalid.quarter' })]);
    expect((await admin.post('/disclosures', { from: '2026-03-01', to: '2026-02-01' })).status).toBe(400);
    expect((await auditor.post('/disclosures', { quarter })).status).toBe(403);
    expect((await platform.api.post('/disclosures', { quarter })).status).toBe(401);
  });

  it('publishes the programme\'s quarterly disclosure at a signed checkpoint, reconciling to the ledger to the fen', async () => {
    const published = await admin.ok('/disclosures', { programmeId: DEMO.programmeId, quarter });
    expect(published.version).toBe(1);
    reportId = published.reportId;
    const report = await platform.api.read(`/disclosures/${reportId}`);
    expect(report).toMatchObject({ reportId, version: 1, correctionNote: null, scope: { kind: 'programme', programmeId: DEMO.programmeId }, period: { label: quarter } });
    // The checkpoint it names is one the platform signed, at that size and root.
    const note: string = await platform.api.read(report.checkpoint.url);
    expect(note.split('\n')[1]).toBe(report.checkpoint.size);
    expect(Buffer.from(note.split('\n')[2], 'base64').toString('hex')).toBe(report.checkpoint.rootHash);

    // The ledger's entries of the programme's only gift.
    const entries: { account: string; amount: number }[] = await auditor.list(`/ledger/gifts/${giftId}`);
    const sum = (prefix: string, sign: 1 | -1) => entries.filter((e) => e.account.startsWith(prefix) && Math.sign(e.amount) === sign).reduce((total, e) => total + e.amount, 0);
    const [escrow] = await auditor.list(`/ledger?account=escrow:gift:${giftId}`);
    const ledger = { received: -sum('donor:', -1), allocated: sum('premium:', 1), paidToInsurers: sum('insurer:', 1), claims: sum('household:', 1), held: escrow.balance };
    expect(ledger).toEqual({ received: 10_500, allocated: 10_500, paidToInsurers: 5_000, claims: 300_000, held: 0 });
    const [money] = report.figures.money;
    expect(report.figures.money).toHaveLength(1);
    expect({ received: money.received, allocated: money.allocatedToPremiums, paidToInsurers: money.paidToInsurers, claims: money.claimsPaid.amount, held: money.held.total }).toEqual(ledger);
    expect(money).toMatchObject({ currency: 'CNY', pledged: 10_500, refunded: 0, overhead: 0, awaitingPolicyIssue: 5_500, claimsPaid: { count: 1, byPeril: [{ peril: 'illness', count: 1, amount: 300_000 }] } });
    // Demo: 6 eligible Nanshan households (household 1's policy, from a direct gift, only requested), one now covered by the programme.
    expect(report.figures.households).toMatchObject({ regionCode: '440305', eligible: 6, covered: 1, uncoveredEligible: 5, coverageRateBasisPoints: 1_666, coveredByTheseGifts: 1 });
    expect(report.figures.households.byRegion.map((r: { regionCode: string }) => r.regionCode)).toEqual(['440305001', '440305002']);

    // The same figures in the CSV, in yuan with two decimals, both languages in its headers.
    const { contentType, rows } = await fetchCsv(`${platform.url}/disclosures/${reportId}`, { accept: 'text/csv' });
    expect(contentType).toMatch(/^text\/csv; charset=utf-8/);
    expect(rows[0]).toEqual(['分类 section', '项目 item', '明细 detail', '币种 currency', '数值 value']);
    const value = (item: string, detail = '') => rows.find((row) => row[1].endsWith(item) && row[2] === detail)?.[4];
    expect(value(' received')).toBe(yuan(ledger.received));
    expect(value(' allocated to premiums')).toBe(yuan(ledger.allocated));
    expect(value(' paid to insurers')).toBe(yuan(ledger.paidToInsurers));
    expect(value(' held (at period end)')).toBe(yuan(ledger.held));
    expect(rows.find((row) => row[1].endsWith(' amount (yuan)') && row[2] === 'illness')?.[4]).toBe('3000.00');
    expect(value(' signed checkpoint: log size')).toBe(report.checkpoint.size);
    const english = (await fetchCsv(`${platform.url}/disclosures/${reportId}?format=csv&lang=en`)).rows;
    expect(english[0]).toEqual(['section', 'item', 'detail', 'currency', 'value']);
    const chinese = (await fetchCsv(`${platform.url}/disclosures/${reportId}?format=csv&lang=zh-CN`)).rows;
    expect(chinese.find((row) => row[1] === '到账')?.[4]).toBe('105.00');
  });

  it('publishes the platform\'s, which reconciles to every account of the ledger', async () => {
    ({ reportId: platformReportId } = await admin.ok('/disclosures', { quarter }));
    const { figures } = await platform.api.read(`/disclosures/${platformReportId}`);
    const { total } = await auditor.read('/ledger');
    expect(total).toEqual([{ currency: 'CNY', total: 0 }]);
    const balances: { account: string; balance: number }[] = await auditor.list('/ledger');
    const of = (prefix: string) => balances.filter((b) => b.account.startsWith(prefix)).reduce((sum, b) => sum + b.balance, 0);
    const [money] = figures.money;
    expect({
      donors: -(money.received - money.refunded),
      escrow: money.held.total,
      premiums: money.awaitingPolicyIssue,
      insurers: money.paidToInsurers - money.claimsPaid.amount,
      households: money.claimsPaid.amount,
    }).toEqual({ donors: of('donor:'), escrow: of('escrow:'), premiums: of('premium:'), insurers: of('insurer:'), households: of('household:') });
    expect(money.received).toBe(15_500);
  });

  it('keeps version 1 when a correction publishes version 2, with its note', async () => {
    expect((await admin.post('/disclosures', { programmeId: DEMO.programmeId, quarter })).status).toBe(409);
    const corrected = await admin.ok('/disclosures', { programmeId: DEMO.programmeId, quarter, correctionNote: 'Recomputed after a late claim record.' });
    expect(corrected).toMatchObject({ reportId, version: 2 });
    expect(await platform.api.read(`/disclosures/${reportId}`)).toMatchObject({ version: 2, correctionNote: 'Recomputed after a late claim record.', latest: true });
    expect(await platform.api.read(`/disclosures/${reportId}?version=1`)).toMatchObject({ version: 1, correctionNote: null, latest: false });
    const versions = await platform.api.list(`/disclosures?reportId=${reportId}`);
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const latest = await platform.api.list(`/disclosures?programmeId=${DEMO.programmeId}`);
    expect(latest.map((v: { version: number }) => v.version)).toEqual([2]);
    expect((await platform.api.get(`/disclosures/${reportId}?version=0`)).body.violations).toEqual([expect.objectContaining({ field: 'version', rule: expect.any(String), code: expect.stringMatching(/^invalid\./) })]);
  });

  it('recomputes every published version in the audit, and names a tampered figure', async () => {
    await platform.stop({ keepData: true });
    stopped = true;
    const env = { DATA_DIR: platform.dataDir };
    const passed = await audit(env);
    expect(passed.output).toContain('Audit passed');
    expect(passed.output.match(/Disclosure recomputed: /g)).toHaveLength(3);
    expect(passed.code).toBe(0);

    // The report served is edited in the read database: the audit finds it differs from the one in the log.
    const read = new Database(join(platform.dataDir, 'read.sqlite'));
    read.prepare(`UPDATE disclosure_reports SET report = json_set(report, '$.figures.money[0].received', 10600) WHERE version = 1 AND scope = ?`).run(DEMO.programmeId);
    read.close();
    const servedTampered = await audit(env);
    expect(servedTampered.code).toBe(1);
    expect(servedTampered.output).toMatch(/Disclosure audit FAILED: disclosure report .* version 1 .*served .* differs from the one published in the log at figures\.money\[0\]\.received: 10600 served, 10500 published/);

    // A figure of the published event itself is edited: the recomputation from the events names it.
    const events = new Database(join(platform.dataDir, 'events.sqlite'));
    events.prepare(`UPDATE events SET data = json_set(data, '$.figures.money[0].claimsPaid.amount', 299999) WHERE type = 'DisclosureReportPublished' AND json_extract(data, '$.version') = 2`).run();
    events.close();
    const tampered = await audit(env);
    expect(tampered.code).toBe(1);
    expect(tampered.output).toMatch(/Disclosure audit FAILED: disclosure report .* version 2 .*figure figures\.money\[0\]\.claimsPaid\.amount is 299999, but the events up to its checkpoint give 300000/);
  }, 120_000);
});
