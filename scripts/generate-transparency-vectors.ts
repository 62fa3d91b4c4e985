/**
 * Writes the test vectors of docs/transparency-spec.md into docs/transparency-vectors/: a real
 * receipt made by the platform (embedded stores, a fresh temporary folder, a fixed clock) for one
 * gift whose policy was issued and paid a claim (two more gifts pledged, so the trail map has three
 * entries), its checkpoint, the log's verifier key, three
 * witness keys with cosigned variants, tampered variants, and manifest.json saying what
 * `pangolin-verify` answers for each. apps/verifier/src/transparency-vectors.unit.spec.ts checks the
 * manifest.
 *
 * The keys in docs/transparency-vectors/keys/ were generated for the vectors and sign nothing else;
 * they are reused when present (so regenerating keeps the keys), made when absent. Never put a
 * production key there.
 *
 *   npx swc apps libs test/support scripts/generate-transparency-vectors.ts -d dist --quiet --ignore 'apps/web/**' \
 *     && node dist/scripts/generate-transparency-vectors.js
 *
 * Event ids, gift and policy ids are random, so each run writes different (equally valid) files;
 * the committed ones are what the unit test checks.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cosignCheckpoint,
  cosignerVerifierKeyFor,
  decodeLeaf,
  encodeLeaf,
  formatCheckpoint,
  formatReceipt,
  generateCosignerKey,
  generateSignerKey,
  openNote,
  parseCheckpoint,
  parseCosignerKey,
  parseReceipt,
  parseWitnessPolicy,
  verifyReceipt,
  signNote,
  verifierKeyFor,
  type Receipt,
} from '@pangolin/transparency';
import { GiftReceipts } from '../apps/api/src/transparency/gift-receipts.service';
import { productAndVerifiedHousehold, signUpCast } from '../test/support/actors';
import { cny, daysAfter, startPlatform, TestClock } from '../test/support/platform';

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'docs', 'transparency-vectors');
const REL = 'docs/transparency-vectors';
const LOG_NAME = 'vectors.pangolin.test/log';
/** 2026-01-01T00:00:00Z: the cosignatures' time stamp. */
const COSIGNED_AT = 1_767_225_600n;

function keyPair(file: string, generate: () => { signerKey: string; verifierKey: string }, verifierOf: (signer: string) => string): { signerKey: string; verifierKey: string } {
  const path = join(DIR, 'keys', file);
  if (existsSync(path)) {
    const signerKey = readFileSync(path, 'utf8').trim();
    return { signerKey, verifierKey: verifierOf(signerKey) };
  }
  const pair = generate();
  writeFileSync(path, `${pair.signerKey}\n`, { mode: 0o600 });
  return pair;
}

/** The JSON text `python3 -m json.tool --sort-keys` writes: keys sorted, 4-space indent, every non-ASCII character escaped. */
function resavedByPython(text: string): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(sort) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, sort((value as Record<string, unknown>)[key])])) : value;
  return `${JSON.stringify(sort(JSON.parse(text)), null, 4).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

async function main(): Promise<void> {
  mkdirSync(join(DIR, 'keys'), { recursive: true });
  const log = keyPair('log.signer-key', () => generateSignerKey(LOG_NAME), verifierKeyFor);
  writeFileSync(join(DIR, 'log.vkey'), `${log.verifierKey}\n`);
  const witnesses = [1, 2, 3].map((n) => {
    const pair = keyPair(`w${n}.signer-key`, () => generateCosignerKey(`w${n}.vectors.pangolin.test`), cosignerVerifierKeyFor);
    writeFileSync(join(DIR, `w${n}.vkey`), `${pair.verifierKey}\n`);
    return pair;
  });

  const clock = new TestClock('2026-01-01T08:00:00Z');
  const platform = await startPlatform({ TRANSPARENCY_SIGNING_KEY: log.signerKey, CHECKPOINT_INTERVAL_MS: '0' }, undefined, { clock });
  let receiptText: string;
  try {
    const { api } = platform;
    const { government, insurer, donor } = await signUpCast(api);
    const { productId, householdId } = await productAndVerifiedHousehold({ government, insurer });
    const gift = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
    await donor.ok(`/gifts/${gift.giftId}/payment`, { paymentReference: 'PAY-VECTOR-1', amount: cny(3000) });
    const [allocation] = (await donor.read(`/gifts/${gift.giftId}`)).allocations.items;
    await insurer.ok(`/policies/${allocation.policyId}/issue`, { policyNumber: 'VECTOR-1', startDate: clock.today() });
    const incidentDate = daysAfter(clock.today(), 45);
    clock.advanceDays(60);
    const { claimId } = await government.ok(`/policies/${allocation.policyId}/claims`, { incidentDate, kind: 'illness', amountClaimed: cny(100_000), evidence: [] });
    await insurer.ok(`/policies/${allocation.policyId}/claims/${claimId}/approve`, { approvedAmount: cny(100_000) });
    await insurer.ok(`/policies/${allocation.policyId}/claims/${claimId}/payment`, { payoutReference: 'BANK-VECTOR-1' });
    // Two more gifts (pledged, not paid), so the trail map has three entries and the receipt's map proof is not empty.
    for (const amount of [1000, 2000]) await donor.ok('/gifts', { amount: cny(amount), target: { kind: 'household', householdId, productId }, remainder: 'hold' });
    // The platform's own receipt code, as GET /gifts/:id/receipt serves it.
    receiptText = await platform.app.get(GiftReceipts).receiptFor(gift.giftId);
  } finally {
    await platform.stop();
  }

  const receipt = parseReceipt(receiptText);
  const note = receipt.checkpoint;
  const text = note.slice(0, note.indexOf('\n\n') + 1);
  const checkpoint = parseCheckpoint(openNote(note, [log.verifierKey]).text);
  const write = (name: string, content: string) => writeFileSync(join(DIR, name), content);
  const withReceipt = (changes: Partial<Receipt>) => formatReceipt({ ...receipt, ...changes });
  const cosigned = (indices: number[]) => note + indices.map((i) => cosignCheckpoint(text, parseCosignerKey(witnesses[i].signerKey), COSIGNED_AT)).join('');

  write('receipt.json', receiptText);
  write('checkpoint.txt', note);
  write('checkpoint-cosigned.txt', cosigned([0, 2]));
  write('receipt-cosigned-w1-w3.json', withReceipt({ checkpoint: cosigned([0, 2]) }));
  write('receipt-cosigned-w1.json', withReceipt({ checkpoint: cosigned([0]) }));
  write('policy-2-of-3.txt', [`log ${log.verifierKey}`, ...witnesses.map((w, i) => `witness W${i + 1} ${w.verifierKey}`), 'group two-of-three 2 W1 W2 W3', 'quorum two-of-three', ''].join('\n'));

  // A changed amount in the GiftPledged leaf (re-encoded canonically: only the amount differs).
  const pledged = decodeLeaf(receipt.events[0].leaf);
  const data = pledged.data as { amount: { amount: number } };
  const changedLeaf = encodeLeaf({ ...pledged, data: { ...data, amount: { ...data.amount, amount: data.amount.amount * 10 } } });
  write('tampered-amount.json', withReceipt({ events: [{ ...receipt.events[0], leaf: changedLeaf }, ...receipt.events.slice(1)] }));
  write('tampered-proof-step-dropped.json', withReceipt({ events: [{ ...receipt.events[0], inclusionProof: receipt.events[0].inclusionProof.slice(0, -1) }, ...receipt.events.slice(1)] }));
  // The log's key signs a checkpoint of another root (a log showing another tree than the one the proofs lead to).
  const otherRoot = Uint8Array.from(checkpoint.rootHash, (byte, i) => (i === 0 ? byte ^ 0x01 : byte));
  write('tampered-wrong-root.json', withReceipt({ checkpoint: signNote(formatCheckpoint({ ...checkpoint, rootHash: otherRoot }), log.signerKey) }));
  write('tampered-other-origin.json', withReceipt({ checkpoint: signNote(formatCheckpoint({ ...checkpoint, origin: 'vectors.pangolin.test/other-log' }), log.signerKey) }));
  // One bit of the Ed25519 signature flipped (the last base64 character before the padding-free end of the line changed).
  const signatureLine = note.slice(note.indexOf('\n\n') + 2);
  const flippedAt = note.indexOf('\n\n') + 2 + signatureLine.length - 10;
  write('tampered-bad-signature.json', withReceipt({ checkpoint: note.slice(0, flippedAt) + (note[flippedAt] === 'A' ? 'B' : 'A') + note.slice(flippedAt + 1) }));
  write('resaved-sorted-keys.json', resavedByPython(receiptText));
  // Completeness: the claim payment left out of the receipt (its map entry still says the trail is one event longer).
  const claimPaid = receipt.events.findIndex((event) => decodeLeaf(event.leaf).type === 'ClaimPaid');
  if (claimPaid < 0 || receipt.trailMap === undefined) throw new Error('the vector receipt must have a ClaimPaid event and a trail map entry');
  write('omitted-claim-paid.json', withReceipt({ events: receipt.events.filter((_, i) => i !== claimPaid) }));
  // As a checkpoint from before trail maps: the same tree signed without the pangolin-trail-map line, the receipt without its entry.
  const { trailMap: _entry, ...withoutEntry } = receipt;
  write('receipt-without-trail-map.json', formatReceipt({ ...withoutEntry, checkpoint: signNote(formatCheckpoint({ ...checkpoint, extensionLines: [] }), log.signerKey) }));

  // A refusal's expected line is what the verifier library answers today (reviewed by hand when the vectors are made).
  const refusal = (file: string, extra: readonly string[]): string => {
    const witnesses = extra.includes('--policy') ? parseWitnessPolicy(readFileSync(join(DIR, 'policy-2-of-3.txt'), 'utf8')) : undefined;
    const result = verifyReceipt(readFileSync(join(DIR, file)), log.verifierKey, { witnesses, requireCompleteTrail: extra.includes('--require-complete') });
    if (result.ok) throw new Error(`${file} verifies, but it is meant to be refused`);
    return `Receipt NOT verified: ${result.failure}`;
  };
  const vector = (name: string, file: string, description: string, extra: string[], verified: boolean, expectedLine: string) => {
    const firstLine = verified ? expectedLine : refusal(file, extra);
    return vectorEntry(name, file, description, extra, verified, firstLine);
  };
  const vectorEntry = (name: string, file: string, description: string, extra: string[], verified: boolean, firstLine: string) => ({
    name,
    description,
    args: [`${REL}/${file}`, '--key', `${REL}/log.vkey`, ...extra],
    command: `node bin/pangolin-verify.js ${REL}/${file} --key ${REL}/log.vkey${extra.length ? ` ${extra.join(' ')}` : ''}`,
    expected: { exitCode: verified ? 0 : 1, verdict: verified ? 'verified' : 'refused', firstLine },
  });
  const verifiedLine = `Receipt verified: the ${receipt.events.length} events below are in the log ${LOG_NAME}, as of its checkpoint of ${checkpoint.size} entries (root hash ${Buffer.from(checkpoint.rootHash).toString('base64')}) signed by ${LOG_NAME}.`;
  const policy = ['--policy', `${REL}/policy-2-of-3.txt`];
  const manifest = {
    description: 'Test vectors of docs/transparency-spec.md. Paths are relative to the repository root; run each command there after `npm run build`. firstLine is the first line pangolin-verify prints on standard output.',
    logVerifierKey: log.verifierKey,
    witnessVerifierKeys: witnesses.map((w) => w.verifierKey),
    giftId: receipt.giftId,
    vectors: [
      vector('receipt', 'receipt.json', 'the receipt as the platform served it', [], true, verifiedLine),
      vector('resaved-sorted-keys', 'resaved-sorted-keys.json', 'the receipt re-saved as `python3 -m json.tool --sort-keys` writes it: keys sorted, 4-space indent, non-ASCII escaped', [], true, verifiedLine),
      vector('cosigned-2-of-3', 'receipt-cosigned-w1-w3.json', 'checkpoint cosigned by W1 and W3; policy 2 of W1, W2, W3', policy, true, verifiedLine),
      vector('cosigned-without-policy', 'receipt-cosigned-w1.json', 'cosignatures are ignored without a witness policy', [], true, verifiedLine),
      vector('tampered-amount', 'tampered-amount.json', "the GiftPledged leaf's data.amount.amount multiplied by 10", [], false, ''),
      vector('tampered-proof-step-dropped', 'tampered-proof-step-dropped.json', "the last hash of the first event's inclusion proof removed", [], false, ''),
      vector('tampered-wrong-root', 'tampered-wrong-root.json', 'the checkpoint re-signed by the log key over another root hash', [], false, ''),
      vector('tampered-other-origin', 'tampered-other-origin.json', 'a checkpoint of another origin signed by the same key', [], false, ''),
      vector('tampered-bad-signature', 'tampered-bad-signature.json', "one base64 character of the log's signature changed", [], false, ''),
      vector('cosignature-missing', 'receipt-cosigned-w1.json', 'only W1 cosigned; policy 2 of W1, W2, W3', policy, false, ''),
      vector('complete-required', 'receipt.json', 'the receipt as served, its completeness required: its checkpoint commits to the trail map', ['--require-complete'], true, verifiedLine),
      vector('omitted-claim-paid', 'omitted-claim-paid.json', "the ClaimPaid event left out of the receipt; the trail map entry says the gift's trail has one event more", [], false, ''),
      vector('without-trail-map', 'receipt-without-trail-map.json', 'the same tree signed without the pangolin-trail-map line (as before trail maps), no trailMap entry: verified, completeness unproven', [], true, verifiedLine),
      vector('without-trail-map-complete-required', 'receipt-without-trail-map.json', 'the same receipt with --require-complete', ['--require-complete'], false, ''),
    ],
  };
  write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`wrote ${manifest.vectors.length} vectors to ${DIR}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
