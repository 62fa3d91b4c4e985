import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendLeaves,
  consistencyProof,
  formatCheckpoint,
  formatReceipt,
  generateSignerKey,
  inclusionProof,
  InMemorySubtreeHashStore,
  leafHash,
  parseCheckpoint,
  parseCosignerVerifierKey,
  parseReceipt,
  rootAt,
  signNote,
  splitNote,
  verifyCosignatures,
} from '@pangolin/transparency';
import { formatAddCheckpointRequest } from '@pangolin/witness';
import { householdBody, productTerms, signUp } from './support/actors';
import { Child, killAllChildren, ROOT, runToExit, startChild, stop } from './support/child-process';
import { until } from './support/eventually';
import { ApiClient, cny, RunningPlatform, startPlatform } from './support/platform';
import { ensureBuilt } from './support/build';

const WITNESS_BIN = 'bin/pangolin-witness.js';
const VERIFY_BIN = join(ROOT, 'bin', 'pangolin-verify.js');
const LOG_ORIGIN = 'witnessed.test/log';

interface RunningWitness {
  name: string;
  verifierKey: string;
  config: string;
  state: string;
  child: Child;
  /** Its first address, kept across restarts (the platform is configured with it). */
  url: string;
}

/**
 * Three witnesses, each its own process with its own key and state file (npx pangolin-witness),
 * and the platform configured to gather their cosignatures. A verifier that requires 2 of the 3
 * accepts the honest log's receipts as it grows, and refuses a history the log's key re-signed
 * (rewritten, or split), because the witnesses would not cosign it.
 */
describe('witnesses cosign the transparency log (c2sp.org/tlog-witness)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'pangolin-witnesses-'));
  const logKey = generateSignerKey(LOG_ORIGIN);
  const witnesses: RunningWitness[] = [];
  let platform: RunningPlatform;
  let donor: ApiClient, auditor: ApiClient, government: ApiClient, insurer: ApiClient;
  let productId: string;
  let households = 0;

  const witnessKeys = () => witnesses.map((witness) => parseCosignerVerifierKey(witness.verifierKey));
  const startWitness = (witness: Pick<RunningWitness, 'config'>) => startChild(WITNESS_BIN, {}, /listening on/, ['serve', '--config', witness.config]);

  async function giveGift(): Promise<string> {
    const household = await government.ok('/households', householdBody('440305001001', ++households));
    await government.ok(`/households/${household.householdId}/eligibility/verify`, { category: 'low-income' });
    const gift = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: household.householdId, productId }, remainder: 'refund' });
    await donor.ok(`/gifts/${gift.giftId}/payment`, { paymentReference: `PAY-W-${households}`, amount: cny(3000) });
    return gift.giftId;
  }

  /** Signs a checkpoint now and waits (with a deadline) until `count` witnesses cosigned it. */
  async function signAndGather(count: number): Promise<{ size: bigint; note: string; cosignedBy: string[] }> {
    const signed = await auditor.post('/transparency/checkpoints');
    expect(signed.status).toBe(201);
    const size = BigInt(signed.body.size);
    return until(
      `${count} cosignatures of the checkpoint of size ${size}`,
      async () => {
        const note = (await platform.api.get(`/transparency/checkpoints/${size}`)).body as string;
        return { size, note, cosignedBy: verifyCosignatures(note, witnessKeys()).cosignedBy.map((cosignature) => cosignature.name) };
      },
      ({ cosignedBy }) => cosignedBy.length >= count,
      { deadlineMs: 30_000, intervalMs: 100 },
    );
  }

  async function receiptFile(giftId: string, name: string): Promise<string> {
    const receipt = await donor.read(`/gifts/${giftId}/receipt`);
    const text = `${JSON.stringify(receipt, null, 2)}\n`;
    writeFileSync(join(folder, name), text);
    return text;
  }

  const verify = (...args: string[]) => runToExit(process.execPath, [VERIFY_BIN, ...args], { cwd: folder, env: { PATH: process.env.PATH ?? '' } });
  const policyArgs = ['--policy', 'policy-2-of-3'];

  async function addCheckpoint(witness: RunningWitness, body: string): Promise<{ status: number; contentType: string | null; text: string }> {
    const response = await fetch(`${witness.child.url}/add-checkpoint`, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  beforeAll(async () => {
    ensureBuilt();
    for (const n of [1, 2, 3]) {
      const name = `w${n}.witness.test`;
      const keyFile = join(folder, `w${n}.key`);
      const generated = await runToExit(process.execPath, [join(ROOT, WITNESS_BIN), 'generate-key', name, '--out', keyFile]);
      expect(generated).toMatchObject({ code: 0, stderr: '' });
      const verifierKey = generated.stdout.trim();
      const config = join(folder, `w${n}.json`);
      writeFileSync(config, JSON.stringify({ listen: '127.0.0.1:0', signingKeyFile: `w${n}.key`, stateFile: `w${n}-state.json`, logs: [{ verifierKey: logKey.verifierKey }] }));
      const witness = { name, verifierKey, config, state: join(folder, `w${n}-state.json`) };
      const child = await startWitness(witness);
      witnesses.push({ ...witness, child, url: child.url });
    }
    writeFileSync(
      join(folder, 'policy-2-of-3'),
      [`log ${logKey.verifierKey}`, ...witnesses.map((witness, i) => `witness W${i + 1} ${witness.verifierKey}`), 'group two-of-three 2 W1 W2 W3', 'quorum two-of-three', ''].join('\n'),
    );
    platform = await startPlatform({
      CHECKPOINT_INTERVAL_MS: '0',
      TRANSPARENCY_SIGNING_KEY: logKey.signerKey,
      TRANSPARENCY_WITNESSES: witnesses.map((witness) => `${witness.url} ${witness.verifierKey}`).join(', '),
    });
    const { api } = platform;
    government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    donor = await signUp(api, { username: 'donor.w', role: 'donor' });
    auditor = await signUp(api, { username: 'auditor', role: 'auditor' });
    ({ productId } = await insurer.ok('/products', productTerms()));
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
    killAllChildren();
    rmSync(folder, { recursive: true, force: true });
  });

  it('cosigns the honest log as it grows; receipts carry the cosignatures and pass a 2-of-3 policy', async () => {
    const giftId = await giveGift();
    const first = await signAndGather(3);
    expect(first.cosignedBy.sort()).toEqual(['w1.witness.test', 'w2.witness.test', 'w3.witness.test']);
    expect((await platform.api.get('/transparency/checkpoint')).body).toBe(first.note);

    await receiptFile(giftId, 'receipt-1.json');
    const verified = await verify('receipt-1.json', ...policyArgs);
    expect(verified).toMatchObject({ code: 0, stderr: '' });
    expect(verified.stdout).toMatch(/\nWitnessed: cosigned by w\d\.witness\.test .*; the quorum 2 of \(W1, W2, W3\) is met\.\n/);

    await giveGift();
    const second = await signAndGather(3);
    expect(second.size).toBeGreaterThan(first.size);
    for (const witness of witnesses) {
      const state = JSON.parse(readFileSync(witness.state, 'utf8'));
      expect(state.logs[LOG_ORIGIN].size).toBe(second.size.toString());
    }
  });

  it('refuses a rewritten history and a split view re-signed with the log key: the witnesses (422, 409) and the verifier (no quorum)', async () => {
    const giftId = await giveGift();
    await signAndGather(3);
    const genuine = parseReceipt(await receiptFile(giftId, 'receipt-2.json'));
    const witnessSizes = witnesses.map((witness) => BigInt(JSON.parse(readFileSync(witness.state, 'utf8')).logs[LOG_ORIGIN].size));
    const cosignedSize = witnessSizes.reduce((a, b) => (a > b ? a : b));

    // The log's key holder rewrites history: other entries everywhere except the gift's own leaves,
    // so the receipt's inclusion proofs still check out against the rewritten tree.
    const store = new InMemorySubtreeHashStore();
    const forgedSize = cosignedSize + 3n;
    const ownLeaves = new Map(genuine.events.map((event) => [event.leafIndex, event.leaf]));
    const leaves = Array.from({ length: Number(forgedSize) }, (_, i) => ownLeaves.get(BigInt(i)) ?? Buffer.from(`rewritten entry ${i}`));
    await appendLeaves(store, 0n, leaves.map(leafHash));
    // The genuine checkpoint's trail map line is carried over: it commits to the gifts' trails, not to the tree.
    const { extensionLines } = parseCheckpoint(splitNote(genuine.checkpoint).text);
    expect(extensionLines).toEqual([expect.stringMatching(/^pangolin-trail-map /)]);
    const sign = async (size: bigint, signerKey = logKey.signerKey) => signNote(formatCheckpoint({ origin: LOG_ORIGIN, size, rootHash: await rootAt(store, size), extensionLines }), signerKey);
    const forgedNote = await sign(forgedSize);
    const forged = formatReceipt({
      ...genuine,
      // The genuine checkpoint's cosignatures, copied over: they do not verify for another checkpoint.
      checkpoint: forgedNote + splitNote(genuine.checkpoint).signatures.filter((signature) => signature.name !== LOG_ORIGIN).map((signature) => `${signature.line}\n`).join(''),
      events: await Promise.all(genuine.events.map(async (event) => ({ ...event, inclusionProof: await inclusionProof(store, event.leafIndex, forgedSize) }))),
    });
    writeFileSync(join(folder, 'rewritten.json'), forged);

    // Without witnesses the log's signature alone would let it through...
    expect(await verify('rewritten.json', '--key', logKey.verifierKey)).toMatchObject({ code: 0 });
    // ...a 2-of-3 witness policy refuses it.
    const refused = await verify('rewritten.json', ...policyArgs);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^Receipt NOT verified: the checkpoint lacks the witness quorum 2 of \(W1, W2, W3\): it carries no valid cosignature by the policy's witnesses; cosignatures by .* do not verify for this checkpoint\n$/);

    for (const [i, witness] of witnesses.entries()) {
      const size = witnessSizes[i];
      // The rewritten tree's own consistency proof from the size the witness cosigned does not lead from its root.
      const extension = formatAddCheckpointRequest({ oldSize: size, proof: await consistencyProof(store, size, forgedSize), checkpoint: forgedNote });
      expect(await addCheckpoint(witness, extension)).toMatchObject({ status: 422, text: expect.stringContaining('does not verify') });
      // A split view: another tree of the very size it cosigned.
      const split = formatAddCheckpointRequest({ oldSize: size, proof: [], checkpoint: await sign(size) });
      expect(await addCheckpoint(witness, split)).toMatchObject({ status: 409, text: expect.stringContaining('split view') });
      // Claiming the witness knows nothing yet: 409 with the size it did cosign.
      const fresh = formatAddCheckpointRequest({ oldSize: 0n, proof: [], checkpoint: forgedNote });
      expect(await addCheckpoint(witness, fresh)).toEqual({ status: 409, contentType: 'text/x.tlog.size', text: `${size}\n` });
      // A checkpoint another key signed for this origin.
      const impostor = formatAddCheckpointRequest({ oldSize: size, proof: [], checkpoint: await sign(forgedSize, generateSignerKey(LOG_ORIGIN).signerKey) });
      expect((await addCheckpoint(witness, impostor)).status).toBe(403);
      expect(JSON.parse(readFileSync(witness.state, 'utf8')).logs[LOG_ORIGIN].size).toBe(size.toString());
    }

    // The honest log goes on being cosigned.
    await giveGift();
    const next = await signAndGather(3);
    expect(next.size).toBeGreaterThan(cosignedSize);
  });

  it('keeps the platform writing while a witness is down, and the restarted witness keeps its state', async () => {
    const [, w2] = witnesses;
    const sizeBefore = JSON.parse(readFileSync(w2.state, 'utf8')).logs[LOG_ORIGIN].size as string;
    await stop(w2.child);

    // Writes go on; checkpoints get the two other cosignatures, which still meet the quorum.
    const giftId = await giveGift();
    const withTwo = await signAndGather(2);
    expect(withTwo.cosignedBy.sort()).toEqual(['w1.witness.test', 'w3.witness.test']);
    await receiptFile(giftId, 'receipt-3.json');
    expect(await verify('receipt-3.json', ...policyArgs)).toMatchObject({ code: 0 });
    const metrics = (await platform.api.get('/metrics')).body as string;
    expect(metrics).toMatch(/pangolin_witness_requests_total\{witness="w2\.witness\.test",outcome="unreachable"\} [1-9]/);

    // Restarted on the same state file (and address), it remembers the size it cosigned...
    w2.child = await startChild(WITNESS_BIN, {}, /listening on/, ['serve', '--config', w2.config, '--listen', new URL(w2.url).host]);
    expect(w2.child.output()).toContain(`witnessing: ${LOG_ORIGIN} at size ${sizeBefore}`);
    const probe = formatAddCheckpointRequest({ oldSize: 0n, proof: [], checkpoint: withTwo.note });
    expect(await addCheckpoint(w2, probe)).toEqual({ status: 409, contentType: 'text/x.tlog.size', text: `${sizeBefore}\n` });

    // ...and the platform catches it up with a consistency proof from there.
    await giveGift();
    const again = await signAndGather(3);
    expect(again.cosignedBy.sort()).toEqual(['w1.witness.test', 'w2.witness.test', 'w3.witness.test']);
    expect(JSON.parse(readFileSync(w2.state, 'utf8')).logs[LOG_ORIGIN].size).toBe(again.size.toString());
  });
});
