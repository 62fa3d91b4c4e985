import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parsePromise, verifyPromise } from '@pangolin/transparency';
import { auditInclusionPromises } from '../apps/api/src/cli/audit';
import { rebuildReadModels } from '../apps/api/src/cli/rebuild-read-models';
import { runCli } from '../apps/verifier/src/main';
import { householdBody, PASSWORD, productAndVerifiedHousehold, productTerms, signUpCast } from './support/actors';
import { ADMIN, ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS } from './support/platform';

/** The promise a signed promise note states (the text before its signature). */
const promised = (note: string) => parsePromise(note.slice(0, note.lastIndexOf('\n\n') + 1));

/** Runs pangolin-verify (in this process) and returns its exit status and what it printed. */
function verifier(...args: string[]): { code: number; stdout: string } {
  let stdout = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true));
  try {
    return { code: runCli(args), stdout };
  } finally {
    write.mockRestore();
  }
}

/**
 * Issue #14 item 4, no unwitnessed window for acknowledged money: a confirmed payment is answered
 * with a signed promise; an operator who then deletes the payment from the embedded event store and
 * rebuilds the log before the next checkpoint is caught by the audit and by the donor's verifier.
 */
describe('inclusion promises for acknowledged money (embedded stores)', () => {
  const env = { CHECKPOINT_INTERVAL_MS: '0', TRANSPARENCY_PROMISE_MAX_DELAY_SECONDS: '300' };
  const files = mkdtempSync(join(tmpdir(), 'pangolin-promises-'));
  let platform: RunningPlatform;
  let government: ApiClient, insurer: ApiClient, donor: ApiClient, admin: ApiClient;
  let productId: string;

  async function paidGift(n: number): Promise<{ giftId: string; promise: string }> {
    const household = await government.ok('/households', householdBody('440305001001', n));
    await government.ok(`/households/${household.householdId}/eligibility/verify`, { category: 'low-income' });
    const { giftId } = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: household.householdId, productId }, remainder: 'refund' });
    const answer = await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAY-PROMISE-${n}`, amount: cny(3000) });
    expect(answer).toMatchObject({ giftId, confirmed: true, promise: expect.stringMatching(/^pangolin\.localhost\/log\/promise\nissued .*\nmax-merge-delay 300\nleaf \d+ /) });
    return { giftId, promise: answer.promise };
  }

  const proofsFor = async (promise: string, name: string) => {
    const indexes = promised(promise).leaves.map((leaf) => leaf.leafIndex).join(',');
    writeFileSync(join(files, name), JSON.stringify(await platform.api.read(`/transparency/leaves?indexes=${indexes}`), null, 2));
    return join(files, name);
  };

  beforeAll(async () => {
    platform = await startPlatform(env);
    const { api } = platform;
    ({ government, insurer, donor } = await signUpCast(api));
    admin = await api.login(ADMIN.username, ADMIN.password);
    ({ productId } = await insurer.ok('/products', productTerms()));
    writeFileSync(join(files, 'log.key'), `${platform.config.transparency.verifierKey}\n`);
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  it('keeps the promise it gave: the verifier says pending, then kept; the audit passes', async () => {
    const { promise } = await paidGift(1);
    writeFileSync(join(files, 'honest.promise'), promise);
    expect(verifier('promise', join(files, 'honest.promise'), '--key', join(files, 'log.key'))).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Promise pending: /) });
    await admin.ok('/transparency/checkpoints');
    const kept = verifier('promise', join(files, 'honest.promise'), '--key', join(files, 'log.key'), '--proofs', await proofsFor(promise, 'honest.json'));
    expect(kept).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Promise kept: .* the checkpoint of size \d+ holds every promised leaf/) });
    const audit = await auditInclusionPromises(platform.config);
    expect(audit).toEqual({ ok: true, lines: ['Promises: 1 kept, 1 honoured, 0 pending (deadline not passed), 0 broken.'] });
  }, 60_000);

  it('catches a payment deleted, and the log rebuilt, before the next checkpoint: the audit and the verifier name the promise', async () => {
    const { promise } = await paidGift(2);
    writeFileSync(join(files, 'deleted.promise'), promise);
    const promisedLeaf = promised(promise).leaves[0].leafIndex;
    // The operator stops the platform, deletes the payment (and all it set off) and rebuilds the log from what is left.
    await platform.stop({ keepData: true });
    const events = new Database(join(platform.dataDir, 'events.sqlite'));
    const [{ position }] = events.prepare('SELECT position FROM events WHERE data LIKE ? ORDER BY position LIMIT 1').all('%"PAY-PROMISE-2"%') as { position: number }[];
    expect(events.prepare('DELETE FROM events WHERE position >= ?').run(position).changes).toBeGreaterThan(0);
    events.close();
    await rebuildReadModels(platform.config);
    platform = await startPlatform(env, platform.dataDir);
    [government, donor, admin] = await Promise.all([platform.api.login('gov.nanshan', PASSWORD), platform.api.login('donor.a', PASSWORD), platform.api.login(ADMIN.username, ADMIN.password)]);
    // Business goes on, and the next checkpoint is signed: it extends the last one, so the platform signs it.
    await paidGift(3);
    await admin.ok('/transparency/checkpoints');

    const audit = await auditInclusionPromises(platform.config);
    expect(audit.ok).toBe(false);
    // Only the promise of the deleted payment is broken; the first one is still honoured.
    expect(audit.lines.filter((line) => line.includes('FAILED'))).toHaveLength(1);
    expect(audit.lines.join('\n')).toMatch(new RegExp(`^Promise audit FAILED: promise [0-9a-f]{16} \\(issued \\S+, leaves ${promisedLeaf}\\.\\.\\d+, deadline \\S+\\): the event stored at leaf ${promisedLeaf} no longer hashes to the promised leaf`, 'm'));

    const refused = verifier('promise', join(files, 'deleted.promise'), '--key', join(files, 'log.key'), '--proofs', await proofsFor(promise, 'deleted.json'));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(new RegExp(`^Promise NOT kept: the promise of \\S+ \\(leaves ${promisedLeaf}.*\\) is BROKEN: the checkpoint of size \\d+ holds leaf ${promisedLeaf} with hash`));
    // The library agrees, and the honest promise is still kept.
    expect(verifyPromise(promise, platform.config.transparency.verifierKey, { evidence: JSON.stringify(await platform.api.read(`/transparency/leaves?indexes=${promisedLeaf}`)) }).status).toBe('broken');
  }, 120_000);

  it('gives each of several payments answered together (promises are issued in groups) its own signed promise of its own leaf', async () => {
    const household = await government.ok('/households', householdBody('440305001001', 777));
    await government.ok(`/households/${household.householdId}/eligibility/verify`, { category: 'low-income' });
    const giftIds: string[] = [];
    for (let n = 0; n < 6; n++) giftIds.push((await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: household.householdId, productId }, remainder: 'refund' })).giftId);
    const answers = await Promise.all(giftIds.map((giftId, n) => donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAY-TOGETHER-${n}`, amount: cny(3000) })));
    const leaves = answers.map(({ promise }) => promised(promise).leaves);
    expect(leaves.map((own) => own.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(new Set(leaves.map(([leaf]) => leaf.leafIndex)).size).toBe(6);
    for (const { promise } of answers) expect(verifyPromise(promise, platform.config.transparency.verifierKey).status).toBe('pending');
  }, 120_000);
});

describe.each(STORE_CONFIGURATIONS)('inclusion promises with the checkpoint schedule off, on %s', (_, storeEnvironment) => {
  it('signs a checkpoint in time by itself, so a short promise is kept once its deadline has passed', async () => {
    const platform = await startPlatform({ ...storeEnvironment(), CHECKPOINT_INTERVAL_MS: '0', TRANSPARENCY_PROMISE_MAX_DELAY_SECONDS: '2' });
    try {
      const { api } = platform;
      const { government, insurer, donor } = await signUpCast(api);
      const { productId, householdId } = await productAndVerifiedHousehold({ government, insurer });
      const { giftId } = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
      const { promise } = await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: 'PAY-SHORT-1', amount: cny(3000) });
      // Confirmed again with the same reference: one payment, and the answer still carries a promise.
      expect(await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: 'PAY-SHORT-1', amount: cny(3000) })).toMatchObject({ confirmed: true, promise: expect.stringContaining('/promise\n') });
      const { leaves, issuedAt } = promised(promise);
      const deadline = Date.parse(issuedAt) + 2000;
      // A timed pause, not a poll: the promise is judged after its deadline, so wait (at most 10 s) until the deadline has passed.
      await sleep(Math.min(10_000, Math.max(0, deadline + 101 - Date.now())));
      const proofs = JSON.stringify(await api.read(`/transparency/leaves?indexes=${leaves.map((leaf) => leaf.leafIndex).join(',')}`));
      expect(verifyPromise(promise, platform.config.transparency.verifierKey, { evidence: proofs })).toMatchObject({ status: 'kept' });
      expect(await auditInclusionPromises(platform.config)).toEqual({ ok: true, lines: [expect.stringMatching(/^Promises: (\d) kept, \1 honoured, 0 pending \(deadline not passed\), 0 broken\.$/)] });
    } finally {
      await platform.stop();
    }
  }, 60_000);
});
