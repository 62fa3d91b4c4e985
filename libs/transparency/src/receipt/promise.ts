/**
 * Inclusion promises: what the platform answers a command that records money with, so that no
 * acknowledged payment goes unwitnessed between two checkpoints (like a Certificate Transparency
 * SCT, RFC 6962 §3). A promise is a C2SP signed note (c2sp.org/signed-note) by the log's key:
 *
 *   <origin>/promise\n                          never a checkpoint's first line (that is <origin>)
 *   issued <ISO 8601 UTC time, milliseconds>\n   the server's clock when the command was answered
 *   max-merge-delay <seconds, decimal>\n         the leaves are in a checkpoint signed by issued + this
 *   leaf <index, decimal> <base64 of the 32-byte RFC 6962 leaf hash>\n   one line per event, index ascending
 *   ...
 *
 * It says: the log will hold each leaf hash at its index in a checkpoint signed no later than the
 * deadline (issued + max-merge-delay). A checkpoint past the deadline that does not hold them is
 * proof the log broke its word.
 */
import { HASH_SIZE } from '../merkle/rfc6962';
import { verifyInclusion } from '../merkle/verify';
import { decodeStandardBase64, encodeStandardBase64 } from '../signed-note/base64';
import { openNote, parseVerifierKey, signNote, SignedNoteError, type NoteSignerKey, type NoteVerifierKey } from '../signed-note/signed-note';
import { expectArray, expectBase64, expectDecimalUint64, expectObject, expectString, parseJsonText, StrictJsonError } from './strict-json';
import { openCheckpoint } from './verify-receipt';

export const PROMISE_SUFFIX = '/promise';

export interface PromisedLeaf {
  readonly leafIndex: bigint;
  readonly leafHash: Uint8Array;
}

export interface InclusionPromise {
  /** The log's origin (the first line is this with /promise appended). */
  readonly origin: string;
  /** ISO 8601 UTC, milliseconds, as Date#toISOString writes it. */
  readonly issuedAt: string;
  readonly maxMergeDelaySeconds: number;
  readonly leaves: readonly PromisedLeaf[];
}

export class PromiseError extends Error {
  constructor(detail: string) {
    super(`malformed promise: ${detail}`);
    this.name = 'PromiseError';
  }
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

export function formatPromise(promise: InclusionPromise): string {
  const { origin, issuedAt, maxMergeDelaySeconds, leaves } = promise;
  if (origin === '' || /[\u0000-\u001f]/.test(origin)) throw new PromiseError('origin must be non-empty, without control characters');
  if (!ISO_UTC.test(issuedAt) || new Date(issuedAt).toISOString() !== issuedAt) throw new PromiseError(`issued time ${JSON.stringify(issuedAt)} is not ISO 8601 UTC with milliseconds`);
  if (!Number.isSafeInteger(maxMergeDelaySeconds) || maxMergeDelaySeconds < 0) throw new PromiseError(`max merge delay ${maxMergeDelaySeconds} is not a whole number of seconds`);
  if (leaves.length === 0) throw new PromiseError('a promise names at least one leaf');
  let previous = -1n;
  const lines = leaves.map(({ leafIndex, leafHash }) => {
    if (leafIndex <= previous) throw new PromiseError('leaf indexes must be increasing');
    if (leafHash.length !== HASH_SIZE) throw new PromiseError(`leaf hash must be ${HASH_SIZE} bytes`);
    previous = leafIndex;
    return `leaf ${leafIndex.toString(10)} ${encodeStandardBase64(leafHash)}\n`;
  });
  return `${origin}${PROMISE_SUFFIX}\nissued ${issuedAt}\nmax-merge-delay ${maxMergeDelaySeconds}\n${lines.join('')}`;
}

/** Parses promise note text (as openNote returns it); anything not exactly as formatPromise writes is refused. */
export function parsePromise(text: string): InclusionPromise {
  if (!text.endsWith('\n')) throw new PromiseError('text must end with a newline');
  const [first, issuedLine, delayLine, ...leafLines] = text.slice(0, -1).split('\n');
  if (!first?.endsWith(PROMISE_SUFFIX) || first.length === PROMISE_SUFFIX.length) throw new PromiseError(`first line ${JSON.stringify(first)} is not <origin>${PROMISE_SUFFIX}`);
  const issuedAt = issuedLine?.startsWith('issued ') ? issuedLine.slice('issued '.length) : '';
  const delay = delayLine?.startsWith('max-merge-delay ') ? delayLine.slice('max-merge-delay '.length) : '';
  if (!DECIMAL.test(delay)) throw new PromiseError(`line 3 ${JSON.stringify(delayLine)} is not "max-merge-delay <seconds>"`);
  const leaves = leafLines.map((line, i) => {
    const [keyword, index, hash, ...rest] = line.split(' ');
    const leafHash = hash === undefined ? undefined : decodeStandardBase64(hash);
    if (keyword !== 'leaf' || !DECIMAL.test(index ?? '') || leafHash === undefined || rest.length > 0) throw new PromiseError(`line ${i + 4} ${JSON.stringify(line)} is not "leaf <index> <base64 hash>"`);
    return { leafIndex: BigInt(index), leafHash };
  });
  const promise = { origin: first.slice(0, -PROMISE_SUFFIX.length), issuedAt, maxMergeDelaySeconds: Number(delay), leaves };
  // Formatting again checks the rest (time, hash sizes, order) and that nothing was written two ways.
  if (formatPromise(promise) !== text) throw new PromiseError('not in canonical form');
  return promise;
}

/** Signs a promise with the log's key: the whole signed note, as handed to the client. */
export function signPromise(promise: InclusionPromise, signerKey: string | NoteSignerKey): string {
  return signNote(formatPromise(promise), signerKey);
}

/** When the promised leaves must be in a signed checkpoint. */
export function promiseDeadline(promise: InclusionPromise): Date {
  return new Date(Date.parse(promise.issuedAt) + promise.maxMergeDelaySeconds * 1000);
}

/** Opens a promise note with the log's verifier key; the promise must name `origin` (default: the key's name). */
export function openPromise(note: string | Uint8Array, verifierKey: string | NoteVerifierKey, origin?: string): { ok: true; promise: InclusionPromise } | { ok: false; failure: string } {
  try {
    const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
    const promise = parsePromise(openNote(note, [key]).text);
    const expected = origin ?? key.name;
    if (promise.origin !== expected) return { ok: false, failure: `the promise is of the log ${JSON.stringify(promise.origin)}, not ${JSON.stringify(expected)}` };
    return { ok: true, promise };
  } catch (error) {
    if (error instanceof SignedNoteError || error instanceof PromiseError) return { ok: false, failure: `the promise does not check out: ${error.message}` };
    throw error;
  }
}

/** What a donor fetches to check a promise: a signed checkpoint and, for each promised index it holds, the leaf there and its inclusion proof. */
export interface PromiseEvidence {
  readonly checkpoint: string;
  readonly leaves: readonly { leafIndex: bigint; leafHash: Uint8Array; inclusionProof: readonly Uint8Array[] }[];
}

/** The evidence file (GET /transparency/leaves?indexes=…): JSON {checkpoint, leaves: [{leafIndex, leafHash, inclusionProof}]}, hashes in base64. */
export function formatPromiseEvidence(evidence: PromiseEvidence): string {
  return `${JSON.stringify({ checkpoint: evidence.checkpoint, leaves: evidence.leaves.map((leaf) => ({ leafIndex: leaf.leafIndex.toString(10), leafHash: encodeStandardBase64(leaf.leafHash), inclusionProof: leaf.inclusionProof.map(encodeStandardBase64) })) }, null, 2)}\n`;
}

export function parsePromiseEvidence(text: string): PromiseEvidence {
  const root = expectObject(parseJsonText(text), '$', ['checkpoint', 'leaves']);
  const leaves = expectArray(root.leaves, '$.leaves').map((value, i) => {
    const leaf = expectObject(value, `$.leaves[${i}]`, ['leafIndex', 'leafHash', 'inclusionProof']);
    return {
      leafIndex: expectDecimalUint64(leaf.leafIndex, `$.leaves[${i}].leafIndex`),
      leafHash: expectBase64(leaf.leafHash, `$.leaves[${i}].leafHash`, HASH_SIZE),
      inclusionProof: expectArray(leaf.inclusionProof, `$.leaves[${i}].inclusionProof`).map((hash, j) => expectBase64(hash, `$.leaves[${i}].inclusionProof[${j}]`, HASH_SIZE)),
    };
  });
  return { checkpoint: expectString(root.checkpoint, '$.checkpoint'), leaves };
}

export type PromiseVerification =
  /** Every promised leaf is in the checkpoint, at its index, with its hash. */
  | { readonly status: 'kept'; readonly promise: InclusionPromise; readonly statement: string }
  /** The signature is good and the deadline has not passed: nothing more can be asked yet. */
  | { readonly status: 'pending'; readonly promise: InclusionPromise; readonly statement: string }
  /** The log broke the promise: a checkpoint holds another leaf at a promised index, or, past the deadline, does not hold it. */
  | { readonly status: 'broken'; readonly promise: InclusionPromise; readonly failure: string }
  /** The promise or the evidence does not check out, or the deadline passed and no evidence was given. */
  | { readonly status: 'not-verified'; readonly failure: string };

/**
 * Checks a promise against a later checkpoint of the log (the evidence), as of `now`. Without
 * evidence, before the deadline, only the signature is checked ('pending'). The evidence's checkpoint
 * is taken as the log's state at `now`: fetch it after the deadline.
 */
export function verifyPromise(
  note: string | Uint8Array,
  verifierKey: string | NoteVerifierKey,
  { evidence, now = new Date(), origin }: { evidence?: string | Uint8Array; now?: Date; origin?: string } = {},
): PromiseVerification {
  const opened = openPromise(note, verifierKey, origin);
  if (!opened.ok) return { status: 'not-verified', failure: opened.failure };
  const { promise } = opened;
  const deadline = promiseDeadline(promise);
  const passed = now.getTime() > deadline.getTime();
  const name = `the promise of ${promise.issuedAt} (leaves ${promise.leaves.map((leaf) => leaf.leafIndex).join(', ')})`;
  if (evidence === undefined) {
    if (passed) return { status: 'not-verified', failure: `${name} is signed by the log, but its deadline ${deadline.toISOString()} has passed: give a later checkpoint with the inclusion proofs (--proofs)` };
    return { status: 'pending', promise, statement: `${name} is signed by the log; pending until ${deadline.toISOString()}, when a checkpoint must hold its leaves` };
  }
  let parsed: PromiseEvidence;
  try {
    parsed = parsePromiseEvidence(typeof evidence === 'string' ? evidence : Buffer.from(evidence).toString('utf8'));
  } catch (error) {
    if (error instanceof StrictJsonError) return { status: 'not-verified', failure: `the proofs file is malformed: ${error.message}` };
    throw error;
  }
  const checkpoint = openCheckpoint(parsed.checkpoint, verifierKey, 'the checkpoint', promise.origin);
  if (!checkpoint.ok) return { status: 'not-verified', failure: checkpoint.failure };
  const { size, rootHash } = checkpoint.checkpoint;
  const missing: bigint[] = [];
  for (const promised of promise.leaves) {
    if (promised.leafIndex >= size) {
      missing.push(promised.leafIndex);
      continue;
    }
    const proven = parsed.leaves.find((leaf) => leaf.leafIndex === promised.leafIndex);
    if (!proven) return { status: 'not-verified', failure: `the proofs file has no inclusion proof for leaf ${promised.leafIndex}` };
    const check = verifyInclusion(proven.leafHash, proven.leafIndex, size, proven.inclusionProof, rootHash);
    if (!check.ok) return { status: 'not-verified', failure: `the inclusion proof of leaf ${promised.leafIndex} does not check out against the checkpoint of size ${size}: ${check.reason}` };
    if (Buffer.compare(Buffer.from(proven.leafHash), Buffer.from(promised.leafHash)) !== 0) {
      return { status: 'broken', promise, failure: `${name} is BROKEN: the checkpoint of size ${size} holds leaf ${promised.leafIndex} with hash ${encodeStandardBase64(proven.leafHash)}, not the promised ${encodeStandardBase64(promised.leafHash)}` };
    }
  }
  if (missing.length === 0) return { status: 'kept', promise, statement: `${name} is kept: the checkpoint of size ${size} holds every promised leaf` };
  if (passed) return { status: 'broken', promise, failure: `${name} is BROKEN: its deadline ${deadline.toISOString()} has passed and the checkpoint of size ${size} does not hold leaf ${missing.join(', ')}` };
  return { status: 'pending', promise, statement: `${name} is signed by the log; the checkpoint of size ${size} does not hold leaf ${missing.join(', ')} yet, pending until ${deadline.toISOString()}` };
}
