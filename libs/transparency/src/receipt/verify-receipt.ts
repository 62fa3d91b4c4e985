import { verifyCosignatures, type VerifiedCosignature } from '../cosigning/cosignature';
import { describeQuorum, quorumSatisfied, type WitnessPolicy } from '../cosigning/witness-policy';
import { decodeLeaf, LeafDecodingError } from '../log/leaf-encoding';
import { leafHash } from '../merkle/rfc6962';
import { verifyInclusion } from '../merkle/verify';
import { CheckpointError, parseCheckpoint, type ParsedCheckpoint } from '../signed-note/checkpoint';
import { openNote, parseVerifierKey, SignedNoteError, type NoteVerifierKey } from '../signed-note/signed-note';
import { parseReceipt, type Receipt } from './receipt';
import { decodeUtf8, StrictJsonError } from './strict-json';
import { TrailBuilder, TrailError, type Trail } from './trail';

export type ReceiptVerification =
  | {
      readonly ok: true;
      readonly checkpoint: ParsedCheckpoint;
      /** Names of the verifier keys whose signatures on the checkpoint verified. */
      readonly signedBy: readonly string[];
      /** The policy's witnesses whose cosignatures on the checkpoint verified (empty without a policy). */
      readonly cosignedBy: readonly VerifiedCosignature[];
      readonly trail: Trail;
    }
  | { readonly ok: false; readonly failure: string };

/**
 * Verifies a receipt offline against the log's verifier key: the checkpoint's signature, every
 * event's inclusion in the checkpoint's tree (leaf hashes are recomputed from the leaf bytes), and
 * that every event belongs to the receipt's gift. Never throws for a bad receipt or key: the
 * failure says what failed and, for an event, its number in the receipt and its leaf index.
 *
 * What it cannot prove: that the receipt shows every event of the trail. It does check that the
 * gift's own stream has no gaps up to its last event shown.
 */
export interface ReceiptCheckOptions {
  /** The log's origin line; by default the verifier key's name. Another origin signed by the same key is refused. */
  readonly origin?: string;
  /** Witnesses and quorum: the checkpoint must carry valid cosignatures satisfying the quorum. */
  readonly witnesses?: WitnessPolicy;
}

export function verifyReceipt(receiptText: string | Uint8Array, verifierKey: string | NoteVerifierKey, options: ReceiptCheckOptions = {}): ReceiptVerification {
  const text = typeof receiptText === 'string' ? receiptText : decodeUtf8(receiptText);
  if (text === undefined) return failed('the receipt is not valid UTF-8');

  let receipt: Receipt;
  try {
    receipt = parseReceipt(text);
  } catch (error) {
    if (error instanceof StrictJsonError) return failed(`the receipt is malformed: ${error.message}`);
    throw error;
  }

  const checkpoint = openCheckpoint(receipt.checkpoint, verifierKey, 'the checkpoint', options.origin);
  if (!checkpoint.ok) return checkpoint;
  const witnessed = options.witnesses ? checkWitnessQuorum(receipt.checkpoint, options.witnesses) : { ok: true as const, cosignedBy: [] };
  if (!witnessed.ok) return witnessed;

  const trail = new TrailBuilder(receipt.giftId);
  let previousLeafIndex: bigint | undefined;
  for (const [i, receiptEvent] of receipt.events.entries()) {
    const { leafIndex, leaf, inclusionProof } = receiptEvent;
    const where = `event ${i + 1} (leaf ${leafIndex})`;
    if (previousLeafIndex !== undefined && leafIndex <= previousLeafIndex) {
      return failed(`${where}: its leaf index is not above the previous event's (${previousLeafIndex}): events must be in log order`);
    }
    previousLeafIndex = leafIndex;

    const included = verifyInclusion(leafHash(leaf), leafIndex, checkpoint.checkpoint.size, inclusionProof, checkpoint.checkpoint.rootHash);
    if (!included.ok) {
      return failed(`${where}: its inclusion proof does not verify against the checkpoint of size ${checkpoint.checkpoint.size}: ${included.reason}`);
    }
    let event;
    try {
      event = decodeLeaf(leaf);
    } catch (error) {
      if (error instanceof LeafDecodingError) return failed(`${where}: ${error.message}`);
      throw error;
    }
    try {
      trail.add({ ...event, number: i + 1, leafIndex });
    } catch (error) {
      if (error instanceof TrailError) return failed(`${where}, ${event.type}: ${error.message}`);
      throw error;
    }
  }
  return { ok: true, checkpoint: checkpoint.checkpoint, signedBy: checkpoint.signedBy, cosignedBy: witnessed.cosignedBy, trail: trail.finish() };
}

/**
 * Checks that the policy's witnesses cosigned the checkpoint note in enough numbers: each valid
 * cosignature says the witness saw no other view of the log up to that size, so a quorum means a
 * split view would have needed that many witnesses to lie.
 */
export function checkWitnessQuorum(
  note: string | Uint8Array,
  policy: WitnessPolicy,
): { ok: true; cosignedBy: VerifiedCosignature[] } | { ok: false; failure: string } {
  let result;
  try {
    result = verifyCosignatures(note, policy.witnesses);
  } catch (error) {
    if (error instanceof SignedNoteError) return failed(`the checkpoint's cosignatures cannot be read: ${error.message}`);
    throw error;
  }
  const { cosignedBy, invalid } = result;
  if (quorumSatisfied(policy.quorum, new Set(cosignedBy.map((cosignature) => cosignature.verifierKey)))) return { ok: true, cosignedBy };
  const valid = cosignedBy.length === 0 ? 'no valid cosignature by the policy\'s witnesses' : `valid cosignatures only by ${cosignedBy.map((cosignature) => cosignature.name).join(', ')}`;
  const bad = invalid.length === 0 ? '' : `; cosignatures by ${invalid.join(', ')} do not verify for this checkpoint`;
  return failed(`the checkpoint lacks the witness quorum ${describeQuorum(policy.quorum)}: it carries ${valid}${bad}`);
}

/** Opens a signed checkpoint note with the verifier key and parses it; `what` names it in failures. */
export function openCheckpoint(
  note: string | Uint8Array,
  verifierKey: string | NoteVerifierKey,
  what: string,
  origin?: string,
): { ok: true; checkpoint: ParsedCheckpoint; signedBy: readonly string[] } | { ok: false; failure: string } {
  let key: NoteVerifierKey;
  try {
    key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  } catch (error) {
    if (error instanceof SignedNoteError) return failed(`the verifier key is invalid: ${error.message}`);
    throw error;
  }
  let opened;
  try {
    opened = openNote(note, [key]);
  } catch (error) {
    if (error instanceof SignedNoteError) return failed(`${what}'s signature does not check out with verifier key ${key.name}: ${error.message}`);
    throw error;
  }
  let checkpoint: ParsedCheckpoint;
  try {
    checkpoint = parseCheckpoint(opened.text);
  } catch (error) {
    if (error instanceof CheckpointError) return failed(`${what} is signed but ${error.message}`);
    throw error;
  }
  // One key may sign for several logs; a checkpoint counts only for the log it names.
  const expectedOrigin = origin ?? key.name;
  if (checkpoint.origin !== expectedOrigin) {
    return failed(`${what} is of the log ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(expectedOrigin)}${origin === undefined ? ' (the verifier key\'s name; give --origin if the log has another origin)' : ''}`);
  }
  return { ok: true, checkpoint, signedBy: opened.verifiedBy };
}

function failed(failure: string): { ok: false; failure: string } {
  return { ok: false, failure };
}
