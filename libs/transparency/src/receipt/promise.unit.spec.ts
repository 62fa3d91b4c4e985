import { encodeLeaf } from '../log/leaf-encoding';
import { inclusionProof } from '../merkle/merkle-tree';
import { leafHash } from '../merkle/rfc6962';
import { generateSignerKey } from '../signed-note/signed-note';
import { formatPromise, formatPromiseEvidence, parsePromise, PromiseError, promiseDeadline, signPromise, verifyPromise, type InclusionPromise } from '.';
import { giftStoryLog, TEST_LOG_ORIGIN, type TestLog } from './testing/receipt-fixture';

const ISSUED = '2026-12-06T21:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(ISSUED) + seconds * 1000);

function promiseOf(log: TestLog, indexes: number[], hashes = indexes.map((i) => leafHash(encodeLeaf(log.events[i])))): InclusionPromise {
  return { origin: TEST_LOG_ORIGIN, issuedAt: ISSUED, maxMergeDelaySeconds: 90, leaves: indexes.map((i, n) => ({ leafIndex: BigInt(i), leafHash: hashes[n] })) };
}

async function evidence(log: TestLog, indexes: number[], size = log.size): Promise<string> {
  return formatPromiseEvidence({
    checkpoint: await log.checkpointNote(size),
    leaves: await Promise.all(indexes.filter((i) => BigInt(i) < size).map(async (i) => ({ leafIndex: BigInt(i), leafHash: leafHash(encodeLeaf(log.events[i])), inclusionProof: await inclusionProof(log.store, BigInt(i), size) }))),
  });
}

describe('inclusion promises', () => {
  it('formats a signed note whose first line is <origin>/promise, and parses it back', async () => {
    const { log } = await giftStoryLog();
    const promise = promiseOf(log, [3, 4]);
    const text = formatPromise(promise);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`${TEST_LOG_ORIGIN}/promise`);
    expect(lines[1]).toBe(`issued ${ISSUED}`);
    expect(lines[2]).toBe('max-merge-delay 90');
    expect(lines[3]).toMatch(/^leaf 3 [A-Za-z0-9+/]{43}=$/);
    expect(parsePromise(text)).toEqual(promise);
    expect(promiseDeadline(promise).toISOString()).toBe('2026-12-06T21:01:30.000Z');
  });

  it('refuses text that is not a promise (a checkpoint, leaves out of order, a non-canonical line)', async () => {
    const { log } = await giftStoryLog();
    const text = formatPromise(promiseOf(log, [3, 4]));
    expect(() => parsePromise(`${TEST_LOG_ORIGIN}\n14\n${'A'.repeat(43)}=\n`)).toThrow(PromiseError);
    expect(() => parsePromise(text.replace('max-merge-delay 90', 'max-merge-delay 090'))).toThrow(PromiseError);
    expect(() => formatPromise(promiseOf(log, [4, 3]))).toThrow('increasing');
    expect(() => formatPromise({ ...promiseOf(log, [3]), leaves: [] })).toThrow('at least one leaf');
  });

  it('before the deadline, checks only the signature and says pending', async () => {
    const { log } = await giftStoryLog();
    const note = signPromise(promiseOf(log, [3]), log.keys.signerKey);
    const result = verifyPromise(note, log.keys.verifierKey, { now: at(10) });
    expect(result.status).toBe('pending');
    // A checkpoint that does not hold the leaf yet is no breach before the deadline.
    expect(verifyPromise(note, log.keys.verifierKey, { now: at(10), evidence: await evidence(log, [3], 2n) }).status).toBe('pending');
  });

  it('is kept when a later checkpoint holds the promised leaves', async () => {
    const { log } = await giftStoryLog();
    const note = signPromise(promiseOf(log, [3, 4]), log.keys.signerKey);
    const result = verifyPromise(note, log.keys.verifierKey, { now: at(600), evidence: await evidence(log, [3, 4]) });
    expect(result).toMatchObject({ status: 'kept' });
  });

  it('is broken when, past the deadline, the checkpoint does not hold the leaf or holds another', async () => {
    const { log } = await giftStoryLog();
    const missing = verifyPromise(signPromise(promiseOf(log, [3]), log.keys.signerKey), log.keys.verifierKey, { now: at(600), evidence: await evidence(log, [3], 3n) });
    expect(missing).toMatchObject({ status: 'broken' });
    if (missing.status === 'broken') expect(missing.failure).toContain(`the promise of ${ISSUED} (leaves 3) is BROKEN: its deadline 2026-12-06T21:01:30.000Z has passed and the checkpoint of size 3 does not hold leaf 3`);
    // The log holds another event at the promised index (the payment was deleted, the log rebuilt).
    const other = leafHash(encodeLeaf(log.events[5]));
    const rewritten = verifyPromise(signPromise(promiseOf(log, [3], [other]), log.keys.signerKey), log.keys.verifierKey, { now: at(600), evidence: await evidence(log, [3]) });
    expect(rewritten).toMatchObject({ status: 'broken' });
    if (rewritten.status === 'broken') expect(rewritten.failure).toMatch(/holds leaf 3 with hash .* not the promised/);
  });

  it('refuses a promise by another key, and past the deadline without evidence', async () => {
    const { log } = await giftStoryLog();
    const note = signPromise(promiseOf(log, [3]), generateSignerKey(TEST_LOG_ORIGIN).signerKey);
    expect(verifyPromise(note, log.keys.verifierKey, { now: at(10) }).status).toBe('not-verified');
    const honest = signPromise(promiseOf(log, [3]), log.keys.signerKey);
    expect(verifyPromise(honest, log.keys.verifierKey, { now: at(600) })).toMatchObject({ status: 'not-verified', failure: expect.stringContaining('has passed') });
    // A forged inclusion proof is not evidence either way.
    const forged = (await evidence(log, [3])).replace(/"leafHash": "[^"]*"/, `"leafHash": "${Buffer.alloc(32).toString('base64')}"`);
    expect(verifyPromise(honest, log.keys.verifierKey, { now: at(600), evidence: forged }).status).toBe('not-verified');
  });
});
