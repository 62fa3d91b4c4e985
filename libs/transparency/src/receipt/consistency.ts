/**
 * Offline check that a newer signed checkpoint extends an older one (RFC 6962 §2.1.2): nothing in
 * the log up to the older size was changed or removed. The proof file is
 *
 *   { "size1": "<decimal>", "size2": "<decimal>", "proof": ["<base64 of 32 bytes>", ...] }
 *
 * read as receipts are (canonical decimals and base64, no other key, no key twice; key order and
 * whitespace free).
 */
import { HASH_SIZE } from '../merkle/rfc6962';
import { verifyConsistency } from '../merkle/verify';
import { encodeStandardBase64 } from '../signed-note/base64';
import type { ParsedCheckpoint } from '../signed-note/checkpoint';
import type { NoteVerifierKey } from '../signed-note/signed-note';
import {
  decodeUtf8,
  expectArray,
  expectBase64,
  expectDecimalUint64,
  expectObject,
  parseJsonText,
  StrictJsonError,
} from './strict-json';
import { openCheckpoint } from './verify-receipt';

export interface ConsistencyProofFile {
  readonly size1: bigint;
  readonly size2: bigint;
  /** consistencyProof(store, size1, size2). */
  readonly proof: readonly Uint8Array[];
}

export type ConsistencyVerification =
  | { readonly ok: true; readonly older: ParsedCheckpoint; readonly newer: ParsedCheckpoint; readonly statement: string }
  | { readonly ok: false; readonly failure: string };

const PROOF_KEYS = ['size1', 'size2', 'proof'] as const;

export function formatConsistencyProof(file: ConsistencyProofFile): string {
  const text = `${JSON.stringify({ size1: file.size1.toString(10), size2: file.size2.toString(10), proof: file.proof.map(encodeStandardBase64) }, null, 2)}\n`;
  parseConsistencyProof(text);
  return text;
}

/** Throws a StrictJsonError naming the JSON path of the first thing refused. */
export function parseConsistencyProof(text: string): ConsistencyProofFile {
  const json = parseJsonText(text);
  const root = expectObject(json, '$', PROOF_KEYS);
  const size1 = expectDecimalUint64(root.size1, '$.size1');
  const size2 = expectDecimalUint64(root.size2, '$.size2');
  const proof = expectArray(root.proof, '$.proof').map((hash, i) => expectBase64(hash, `$.proof[${i}]`, HASH_SIZE));
  return { size1, size2, proof };
}

export function verifyConsistencyProof(
  olderCheckpointNote: string | Uint8Array,
  newerCheckpointNote: string | Uint8Array,
  proofJson: string | Uint8Array,
  verifierKey: string | NoteVerifierKey,
  expectedOrigin?: string,
): ConsistencyVerification {
  const older = openCheckpoint(olderCheckpointNote, verifierKey, 'the older checkpoint', expectedOrigin);
  if (!older.ok) return older;
  const newer = openCheckpoint(newerCheckpointNote, verifierKey, 'the newer checkpoint', expectedOrigin);
  if (!newer.ok) return newer;
  const { origin, size: size1, rootHash: root1 } = older.checkpoint;
  const { size: size2, rootHash: root2 } = newer.checkpoint;
  if (newer.checkpoint.origin !== origin) {
    return failed(`the checkpoints are of different logs: ${JSON.stringify(origin)} and ${JSON.stringify(newer.checkpoint.origin)}`);
  }

  const text = typeof proofJson === 'string' ? proofJson : decodeUtf8(proofJson);
  if (text === undefined) return failed('the proof file is not valid UTF-8');
  let file: ConsistencyProofFile;
  try {
    file = parseConsistencyProof(text);
  } catch (error) {
    if (error instanceof StrictJsonError) return failed(`the proof file is malformed: ${error.message}`);
    throw error;
  }
  if (file.size1 !== size1 || file.size2 !== size2) {
    return failed(`the proof is from size ${file.size1} to size ${file.size2}, but the checkpoints have sizes ${size1} and ${size2}`);
  }
  const consistent = verifyConsistency(size1, size2, file.proof, root1, root2);
  if (!consistent.ok) return failed(`the consistency proof does not verify: ${consistent.reason}`);
  return {
    ok: true,
    older: older.checkpoint,
    newer: newer.checkpoint,
    statement:
      `The log ${origin} at size ${size2} (root ${encodeStandardBase64(root2)}) extends the log at size ${size1} ` +
      `(root ${encodeStandardBase64(root1)}): its first ${size1} entries are unchanged.`,
  };
}

function failed(failure: string): { ok: false; failure: string } {
  return { ok: false, failure };
}
