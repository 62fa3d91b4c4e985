import { generateSignerKey } from '../signed-note/signed-note';
import { parseConsistencyProof, verifyConsistencyProof } from '.';
import { giftStoryLog, TEST_LOG_ORIGIN } from './testing/receipt-fixture';

function failureOf(result: ReturnType<typeof verifyConsistencyProof>): string {
  if (result.ok) throw new Error('expected the consistency proof to be refused');
  return result.failure;
}

describe('verifyConsistencyProof', () => {
  it('proves that a newer checkpoint extends an older one', async () => {
    const { log } = await giftStoryLog();
    for (const [size1, size2] of [[5n, 14n], [8n, 14n], [1n, 2n], [14n, 14n]]) {
      const result = verifyConsistencyProof(
        await log.checkpointNote(size1),
        await log.checkpointNote(size2),
        await log.consistencyProofFile(size1, size2),
        log.keys.verifierKey,
      );
      if (!result.ok) throw new Error(result.failure);
      expect(result.older.size).toBe(size1);
      expect(result.newer.size).toBe(size2);
      expect(result.statement).toMatch(new RegExp(`^The log ${TEST_LOG_ORIGIN} at size ${size2} \\(root .{44}\\) extends the log at size ${size1} \\(root .{44}\\): its first ${size1} entries are unchanged\\.$`));
    }
  });

  it('refuses a proof whose sizes are not the checkpoints\' sizes', async () => {
    const { log } = await giftStoryLog();
    const result = verifyConsistencyProof(await log.checkpointNote(6n), await log.checkpointNote(14n), await log.consistencyProofFile(5n, 14n), log.keys.verifierKey);
    expect(failureOf(result)).toBe('the proof is from size 5 to size 14, but the checkpoints have sizes 6 and 14');
  });

  it('refuses checkpoints given in the wrong order', async () => {
    const { log } = await giftStoryLog();
    const result = verifyConsistencyProof(await log.checkpointNote(14n), await log.checkpointNote(5n), '{"size1":"14","size2":"5","proof":[]}', log.keys.verifierKey);
    expect(failureOf(result)).toBe('the consistency proof does not verify: size2 5 is below size1 14');
  });

  it('refuses the proof file with any one byte flipped', async () => {
    const { log } = await giftStoryLog();
    const older = await log.checkpointNote(5n);
    const newer = await log.checkpointNote(14n);
    const proof = Buffer.from(await log.consistencyProofFile(5n, 14n));
    expect(verifyConsistencyProof(older, newer, proof, log.keys.verifierKey).ok).toBe(true);
    for (let i = 0; i < proof.length; i++) {
      const tampered = Buffer.from(proof);
      tampered[i] ^= 0x01;
      expect(failureOf(verifyConsistencyProof(older, newer, tampered, log.keys.verifierKey))).not.toBe('');
    }
    const flippedHash = parseConsistencyProof(proof.toString());
    flippedHash.proof[0][0] ^= 0x01;
    const text = JSON.stringify({ size1: '5', size2: '14', proof: flippedHash.proof.map((hash) => Buffer.from(hash).toString('base64')) });
    expect(failureOf(verifyConsistencyProof(older, newer, text, log.keys.verifierKey))).toBe('the consistency proof does not verify: computed root1 does not match the given root1');
  });

  it('refuses a checkpoint with a bad signature or by another key', async () => {
    const { log } = await giftStoryLog();
    const older = await log.checkpointNote(5n);
    const newer = await log.checkpointNote(14n);
    const proof = await log.consistencyProofFile(5n, 14n);
    // Change one base64 character of the signature (past the key id) to another base64 character: still well formed, no longer valid.
    const signatureAt = newer.lastIndexOf(' ') + 10;
    const replacement = newer[signatureAt] === 'A' ? 'B' : 'A';
    const badNewer = newer.slice(0, signatureAt) + replacement + newer.slice(signatureAt + 1);
    expect(failureOf(verifyConsistencyProof(older, badNewer, proof, log.keys.verifierKey))).toMatch(/^the newer checkpoint's signature does not check out with verifier key pangolin\.test\/log: bad-signature/);
    const tamperedOlder = older.replace('\n5\n', '\n4\n');
    expect(failureOf(verifyConsistencyProof(tamperedOlder, newer, proof, log.keys.verifierKey))).toMatch(/^the older checkpoint's signature does not check out .*bad-signature/);
    expect(failureOf(verifyConsistencyProof(older, newer, proof, generateSignerKey(TEST_LOG_ORIGIN).verifierKey))).toMatch(/^the older checkpoint's signature does not check out .*no-known-key/);
  });

  it('refuses a malformed proof file, naming the JSON path', async () => {
    const { log } = await giftStoryLog();
    const older = await log.checkpointNote(5n);
    const newer = await log.checkpointNote(14n);
    expect(failureOf(verifyConsistencyProof(older, newer, '{"size1":5,"size2":"14","proof":[]}', log.keys.verifierKey))).toBe(
      'the proof file is malformed: $.size1: must be a string, got a number',
    );
    expect(failureOf(verifyConsistencyProof(older, newer, '{"size1":"5","size2":"14","proof":["AAAA"]}', log.keys.verifierKey))).toBe(
      'the proof file is malformed: $.proof[0]: must decode to 32 bytes, got 3',
    );
    expect(failureOf(verifyConsistencyProof(older, newer, Uint8Array.of(0xff), log.keys.verifierKey))).toBe('the proof file is not valid UTF-8');
  });
});
