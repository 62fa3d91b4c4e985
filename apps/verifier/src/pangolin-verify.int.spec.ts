import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cosignCheckpoint, encodeLeaf, formatPromiseEvidence, generateCosignerKey, generateSignerKey, inclusionProof, leafHash, parseCosignerKey, parseReceipt, formatReceipt, signNote, signPromise } from '@pangolin/transparency';
import { giftStoryLog, TEST_LOG_ORIGIN, type TestLog } from '../../../libs/transparency/src/receipt/testing/receipt-fixture';

const ROOT = join(__dirname, '..', '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without blocking the event loop; the environment is PATH only. */
function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pangolin-verify (the built command line, in a fresh directory)', () => {
  // A private build of the verifier and the repository's own bin shim, so this test neither
  // depends on nor disturbs the shared dist/ that other tests run from.
  const build = mkdtempSync(join(tmpdir(), 'pangolin-verify-build-'));
  const work = mkdtempSync(join(tmpdir(), 'pangolin-verify-work-'));
  const shim = join(build, 'bin', 'pangolin-verify.js');
  const verify = (...args: string[]) => run(process.execPath, [shim, ...args], work);
  let log: TestLog;
  // Witness keys named w1.test.. (the policy file names them w1..: hex keys there take the policy's name).
  const witnesses = ['w1.test', 'w2.test', 'w3'].map((name) => generateCosignerKey(name));

  beforeAll(async () => {
    const swc = await run(join(ROOT, 'node_modules', '.bin', 'swc'), ['apps/verifier', 'libs/transparency', '-d', join(build, 'dist'), '--quiet'], ROOT);
    if (swc.code !== 0) throw new Error(`build failed:\n${swc.stdout}${swc.stderr}`);
    mkdirSync(join(build, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'pangolin-verify.js'), shim);

    const story = await giftStoryLog();
    log = story.log;
    const receipt = await log.receipt('g1', story.trail);
    writeFileSync(join(work, 'receipt.json'), receipt);
    // One base64 character of the first leaf changed: still canonical base64, but no longer the leaf in the log.
    const leafStart = receipt.indexOf('"leaf": "') + '"leaf": "'.length + 20;
    writeFileSync(join(work, 'tampered.json'), receipt.slice(0, leafStart) + (receipt[leafStart] === 'A' ? 'B' : 'A') + receipt.slice(leafStart + 1));
    writeFileSync(join(work, 'log.key'), `${log.keys.verifierKey}\n`);
    writeFileSync(join(work, 'old.checkpoint'), await log.checkpointNote(5n));
    writeFileSync(join(work, 'new.checkpoint'), await log.checkpointNote(14n));
    writeFileSync(join(work, 'proof.json'), await log.consistencyProofFile(5n, 14n));
    writeFileSync(join(work, 'proof-6.json'), await log.consistencyProofFile(6n, 14n));
    // The same receipt with its checkpoint cosigned by witnesses w1 and w3 of three.
    const parsed = parseReceipt(receipt);
    const text = parsed.checkpoint.slice(0, parsed.checkpoint.lastIndexOf('\n\n') + 1);
    const lines = [0, 2].map((i) => cosignCheckpoint(text, parseCosignerKey(witnesses[i].signerKey), 1_767_225_600n)).join('');
    writeFileSync(join(work, 'cosigned.json'), formatReceipt({ ...parsed, checkpoint: parsed.checkpoint + lines }));
    writeFileSync(join(work, 'w2.key'), `${witnesses[1].verifierKey}\n`);
    const hex = (verifierKey: string) => Buffer.from(verifierKey.split('+').slice(2).join('+'), 'base64').subarray(1).toString('hex');
    writeFileSync(
      join(work, 'policy'),
      [`log ${log.keys.verifierKey}`, ...witnesses.map((key, i) => `witness w${i + 1} ${i === 2 ? hex(key.verifierKey) : key.verifierKey}`), 'group two-of-three 2 w1 w2 w3', 'quorum two-of-three', ''].join('\n'),
    );
    writeFileSync(join(work, 'policy-all'), [...witnesses.map((key, i) => `witness w${i + 1} ${key.verifierKey}`), 'group all-three all w1 w2 w3', 'quorum all-three', ''].join('\n'));
    writeFileSync(join(work, 'other-origin.json'), formatReceipt({ ...parsed, checkpoint: signNote(text.replace('pangolin.test/log\n', 'pangolin.test/other\n'), log.keys.signerKey) }));
  }, 120_000);

  afterAll(() => {
    rmSync(build, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('verifies a receipt and prints its proven money trail', async () => {
    const result = await verify('receipt.json', '--key', log.keys.verifierKey);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Receipt verified: the 9 events below are in the log ${TEST_LOG_ORIGIN}, as of its checkpoint of 14 entries`));
    expect(result.stdout).toContain('  2026-01-05  Gift g1 of 500.00 CNY pledged by donor d1 for household HH-11ECBAA7 (product p1)');
    expect(result.stdout).toContain('  2026-01-06  Policy pol1 issued by insurer i1: number ANX-2026-0001, cover 2026-01-01 to 2026-12-31');
    expect(result.stdout).toContain('  2026-03-21  Claim c1 paid: 10,000.00 CNY to household HH-11ECBAA7 under policy pol1 (this gift paid 300.00 CNY of its premium)');
    expect(result.stdout).toContain('  Summary: received 500.00 CNY, allocated to premiums 300.00 CNY');
  });

  it('reads the key from a file, and takes --key=', async () => {
    expect(await verify('--key', 'log.key', 'receipt.json')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Receipt verified/) });
    expect(await verify(`--key=${log.keys.verifierKey}`, 'receipt.json')).toMatchObject({ code: 0 });
  });

  it('refuses a tampered receipt and one checked with another key', async () => {
    const tampered = await verify('tampered.json', '--key', 'log.key');
    expect(tampered).toMatchObject({ code: 1, stderr: '' });
    expect(tampered.stdout).toBe(
      'Receipt NOT verified: event 1 (leaf 1): its inclusion proof does not verify against the checkpoint of size 14: computed root does not match the given root\n',
    );

    const otherKey = await verify('receipt.json', '--key', generateSignerKey(TEST_LOG_ORIGIN).verifierKey);
    expect(otherKey.code).toBe(1);
    expect(otherKey.stdout).toMatch(/^Receipt NOT verified: the checkpoint's signature does not check out with verifier key pangolin\.test\/log/);
  });

  it('checks that a newer checkpoint extends an older one', async () => {
    const ok = await verify('consistency', 'old.checkpoint', 'new.checkpoint', 'proof.json', '--key', 'log.key');
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^Consistency verified\. The log pangolin\.test\/log at size 14 \(root .+\) extends the log at size 5 \(root .+\): its first 5 entries are unchanged\.\n$/);

    const wrongSizes = await verify('consistency', 'old.checkpoint', 'new.checkpoint', 'proof-6.json', '--key', 'log.key');
    expect(wrongSizes).toMatchObject({ code: 1, stdout: 'Consistency NOT verified: the proof is from size 6 to size 14, but the checkpoints have sizes 5 and 14\n' });

    const swapped = await verify('consistency', 'new.checkpoint', 'old.checkpoint', 'proof.json', '--key', 'log.key');
    expect(swapped.code).toBe(1);
  });

  it('requires a quorum of witness cosignatures with --witness/--quorum or --policy', async () => {
    const keys = witnesses.flatMap((key) => ['--witness', key.verifierKey]);
    const ok = await verify('cosigned.json', '--key', 'log.key', ...keys, '--quorum', '2');
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/\nWitnessed: cosigned by w1\.test \(at 2026-01-01T00:00:00\.000Z\), w3 \(at 2026-01-01T00:00:00\.000Z\); the quorum 2 of \(w1\.test, w2\.test, w3\) is met\.\n/);
    const all = await verify('cosigned.json', '--key', 'log.key', ...keys);
    expect(all).toMatchObject({ code: 1, stdout: 'Receipt NOT verified: the checkpoint lacks the witness quorum 3 of (w1.test, w2.test, w3): it carries valid cosignatures only by w1.test, w3\n' });
    expect(await verify('receipt.json', '--key', 'log.key', ...keys, '--quorum', '1')).toMatchObject({ code: 1, stdout: expect.stringContaining('no valid cosignature') });
    // A witness key read from a file.
    expect((await verify('cosigned.json', '--key', 'log.key', '--witness', 'w2.key', '--quorum', '1')).code).toBe(1);

    const policy = await verify('cosigned.json', '--policy', 'policy');
    expect(policy).toMatchObject({ code: 0, stderr: '' });
    expect(policy.stdout).toContain('the quorum 2 of (w1, w2, w3) is met');
    expect(await verify('cosigned.json', '--key', 'log.key', '--policy', 'policy-all')).toMatchObject({ code: 1 });
    expect((await verify('receipt.json', '--key', 'log.key')).stdout).toContain('Not witnessed');
    expect((await verify('cosigned.json', '--policy', 'policy', '--witness', 'w2.key')).code).toBe(2);
    expect((await verify('cosigned.json', '--key', 'log.key', '--quorum', '1')).code).toBe(2);
  });

  it('refuses a checkpoint of another origin signed by the same key, unless --origin names it', async () => {
    const refused = await verify('other-origin.json', '--key', 'log.key');
    expect(refused).toMatchObject({ code: 1, stdout: expect.stringContaining('the checkpoint is of the log "pangolin.test/other", not "pangolin.test/log"') });
    expect((await verify('other-origin.json', '--key', 'log.key', '--origin', 'pangolin.test/other')).code).toBe(0);
    expect((await verify('receipt.json', '--key', 'log.key', '--origin', 'pangolin.test/other')).code).toBe(1);
  });

  it('prints usage for --help (exit 0) and for wrong usage (exit 2)', async () => {
    const help = await verify('--help');
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage:\n  pangolin-verify <receipt.json> --key') });
    for (const args of [[], ['receipt.json'], ['receipt.json', 'other.json', '--key', 'log.key'], ['consistency', 'old.checkpoint', '--key', 'log.key'], ['--frobnicate'], ['receipt.json', '--key']]) {
      const result = await verify(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage:');
    }
    expect((await verify('receipt.json', '--key', 'no-such-key')).stderr).toMatch(/^pangolin-verify: --key \(no file of that name either\) does not hold a verifier key/);
    expect(await verify('missing.json', '--key', 'log.key')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^pangolin-verify: cannot read the receipt file missing\.json: ENOENT/) });
  });

  it('checks a promise: pending before its deadline, kept or broken after it by a later checkpoint', async () => {
    const hashAt = (index: number) => leafHash(encodeLeaf(log.events[index]));
    const promise = (issuedAt: string, hash = hashAt(7)) => signPromise({ origin: TEST_LOG_ORIGIN, issuedAt, maxMergeDelaySeconds: 90, leaves: [{ leafIndex: 7n, leafHash: hash }] }, log.keys.signerKey);
    writeFileSync(join(work, 'fresh.promise'), promise(new Date().toISOString()));
    writeFileSync(join(work, 'old.promise'), promise('2026-01-05T08:00:00.000Z'));
    // The payment promised at leaf 7 was deleted and the log rebuilt: the promised hash is not leaf 7's any more.
    writeFileSync(join(work, 'deleted.promise'), promise('2026-01-05T08:00:00.000Z', hashAt(8)));
    writeFileSync(join(work, 'leaves.json'), formatPromiseEvidence({ checkpoint: await log.checkpointNote(14n), leaves: [{ leafIndex: 7n, leafHash: hashAt(7), inclusionProof: await inclusionProof(log.store, 7n, 14n) }] }));
    writeFileSync(join(work, 'short.json'), formatPromiseEvidence({ checkpoint: await log.checkpointNote(5n), leaves: [] }));

    expect(await verify('promise', 'fresh.promise', '--key', 'log.key')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Promise pending: the promise of .* \(leaves 7\) is signed by the log; pending until /) });
    expect(await verify('promise', 'old.promise', '--key', 'log.key', '--proofs', 'leaves.json')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Promise kept: /) });
    const deleted = await verify('promise', 'deleted.promise', '--key', 'log.key', '--proofs', 'leaves.json');
    expect(deleted).toMatchObject({ code: 1, stdout: expect.stringMatching(/^Promise NOT kept: the promise of 2026-01-05T08:00:00.000Z \(leaves 7\) is BROKEN: the checkpoint of size 14 holds leaf 7 with hash/) });
    const absent = await verify('promise', 'old.promise', '--key', 'log.key', '--proofs', 'short.json');
    expect(absent).toMatchObject({ code: 1, stdout: expect.stringContaining('is BROKEN: its deadline 2026-01-05T08:01:30.000Z has passed and the checkpoint of size 5 does not hold leaf 7') });
    expect(await verify('promise', 'old.promise', '--key', 'log.key')).toMatchObject({ code: 1, stdout: expect.stringContaining('give a later checkpoint with the inclusion proofs (--proofs)') });
    expect(await verify('promise', 'old.promise', '--key', generateSignerKey(TEST_LOG_ORIGIN).verifierKey)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^Promise NOT verified: the promise does not check out/) });
    expect(await verify('receipt.json', '--key', 'log.key', '--proofs', 'leaves.json')).toMatchObject({ code: 2 });
  });

  it('asks for a build when there is none', async () => {
    const unbuilt = join(work, 'unbuilt', 'bin');
    mkdirSync(unbuilt, { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'pangolin-verify.js'), join(unbuilt, 'pangolin-verify.js'));
    const result = await run(process.execPath, [join(unbuilt, 'pangolin-verify.js'), '--help'], work);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('run `npm run build` first') });
  });
});
