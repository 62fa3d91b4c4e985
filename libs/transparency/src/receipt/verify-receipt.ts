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
export function verifyReceipt(receiptText: string | Uint8Array, verifierKey: string | NoteVerifierKey): ReceiptVerification {
  const text = typeof receiptText === 'string' ? receiptText : decodeUtf8(receiptText);
  if (text === undefined) return failed('the receipt is not valid UTF-8');

  let receipt: Receipt;
  try {
    receipt = parseReceipt(text);
  } catch (error) {
    if (error instanceof StrictJsonError) return failed(`the receipt is malformed: ${error.message}`);
    throw error;
  }

  const checkpoint = openCheckpoint(receipt.checkpoint, verifierKey, 'the checkpoint');
  if (!checkpoint.ok) return checkpoint;

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
  return { ok: true, checkpoint: checkpoint.checkpoint, signedBy: checkpoint.signedBy, trail: trail.finish() };
}

/** Opens a signed checkpoint note with the verifier key and parses it; `what` names it in failures. */
export function openCheckpoint(
  note: string | Uint8Array,
  verifierKey: string | NoteVerifierKey,
  what: string,
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
  try {
    return { ok: true, checkpoint: parseCheckpoint(opened.text), signedBy: opened.verifiedBy };
  } catch (error) {
    if (error instanceof CheckpointError) return failed(`${what} is signed but ${error.message}`);
    throw error;
  }
}

function failed(failure: string): { ok: false; failure: string } {
  return { ok: false, failure };
}
