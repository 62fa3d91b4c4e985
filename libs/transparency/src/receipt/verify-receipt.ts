import { verifyCosignatures, type VerifiedCosignature } from '../cosigning/cosignature';
import { describeQuorum, quorumSatisfied, type WitnessPolicy } from '../cosigning/witness-policy';
import { decodeLeaf, LeafDecodingError } from '../log/leaf-encoding';
import { leafHash } from '../merkle/rfc6962';
import { verifyInclusion } from '../merkle/verify';
import { CheckpointError, parseCheckpoint, type ParsedCheckpoint } from '../signed-note/checkpoint';
import { openNote, parseVerifierKey, SignedNoteError, type NoteVerifierKey } from '../signed-note/signed-note';
import { trailMapCommitmentOf, trailMapLeafHash, nextTrailHash, EMPTY_TRAIL_HASH, TrailMapLineError, type TrailMapCommitment } from '../trail-map/trail-map';
import { parseReceipt, trailStateOf, type Receipt } from './receipt';
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
      /**
       * proven: the checkpoint commits to the gift's trail (its trail map) and the receipt shows all
       * of it up to the checkpoint. unproven: the checkpoint carries no trail map (signed before
       * trail maps), so events left out of the receipt would go unnoticed.
       */
      readonly completeness: 'proven' | 'unproven';
    }
  | { readonly ok: false; readonly failure: string };

/**
 * Verifies a receipt offline against the log's verifier key: the checkpoint's signature, every
 * event's inclusion in the checkpoint's tree (leaf hashes are recomputed from the leaf bytes), and
 * that every event belongs to the receipt's gift. Never throws for a bad receipt or key: the
 * failure says what failed and, for an event, its number in the receipt and its leaf index.
 *
 * When the checkpoint carries a trail map line it also proves the receipt complete: the receipt's
 * trail map entry is in the map the checkpoint commits to, the receipt shows exactly as many events
 * as the entry's trail length, and their chained leaf hashes give the entry's trail hash, so leaving
 * out, adding or swapping any event of the trail is refused. Without the line, completeness is
 * reported unproven (or refused under requireCompleteTrail); the gift's own stream is still checked
 * for gaps up to its last event shown.
 */
export interface ReceiptCheckOptions {
  /** The log's origin line; by default the verifier key's name. Another origin signed by the same key is refused. */
  readonly origin?: string;
  /** Witnesses and quorum: the checkpoint must carry valid cosignatures satisfying the quorum. */
  readonly witnesses?: WitnessPolicy;
  /** Refuse a receipt whose checkpoint carries no trail map (its completeness cannot be proven). */
  readonly requireCompleteTrail?: boolean;
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

  const committed = trailMapCheck(receipt, checkpoint.checkpoint, options);
  if (!committed.ok) return committed;

  const trail = new TrailBuilder(receipt.giftId);
  let trailHash = EMPTY_TRAIL_HASH;
  let previousLeafIndex: bigint | undefined;
  for (const [i, receiptEvent] of receipt.events.entries()) {
    const { leafIndex, leaf, inclusionProof } = receiptEvent;
    const where = `event ${i + 1} (leaf ${leafIndex})`;
    if (previousLeafIndex !== undefined && leafIndex <= previousLeafIndex) {
      return failed(`${where}: its leaf index is not above the previous event's (${previousLeafIndex}): events must be in log order`);
    }
    previousLeafIndex = leafIndex;

    const hash = leafHash(leaf);
    const included = verifyInclusion(hash, leafIndex, checkpoint.checkpoint.size, inclusionProof, checkpoint.checkpoint.rootHash);
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
    trailHash = nextTrailHash(trailHash, hash);
  }
  if (committed.map !== undefined && !Buffer.from(trailHash).equals(receipt.trailMap!.trailHash)) {
    return failed(
      `the receipt's ${receipt.events.length} events are not the gift's trail the checkpoint commits to: their chained leaf hashes differ from the trail map's trail hash ` +
        '(an event of the trail was left out and another shown instead, or the events were changed)',
    );
  }
  return {
    ok: true,
    checkpoint: checkpoint.checkpoint,
    signedBy: checkpoint.signedBy,
    cosignedBy: witnessed.cosignedBy,
    trail: trail.finish(),
    completeness: committed.map === undefined ? 'unproven' : 'proven',
  };
}

/**
 * The first half of the completeness check: the receipt's trail map entry is in the map the
 * checkpoint commits to, and the receipt shows as many events as the entry says the trail has.
 * (The second half, the chained hash of the events shown, is checked as they are read.)
 */
function trailMapCheck(
  receipt: Receipt,
  checkpoint: ParsedCheckpoint,
  options: ReceiptCheckOptions,
): { ok: true; map: TrailMapCommitment | undefined } | { ok: false; failure: string } {
  let map: TrailMapCommitment | undefined;
  try {
    map = trailMapCommitmentOf(checkpoint);
  } catch (error) {
    if (error instanceof TrailMapLineError) return failed(`the checkpoint is signed but ${error.message}`);
    throw error;
  }
  if (map === undefined) {
    if (options.requireCompleteTrail) {
      return failed('the checkpoint carries no trail map (pangolin-trail-map line), so the receipt cannot be proven to show the gift\'s whole trail; ask the platform for a receipt against a newer checkpoint');
    }
    if (receipt.trailMap !== undefined) return failed('the receipt has a trailMap entry but its checkpoint commits to no trail map');
    return { ok: true, map: undefined };
  }
  const entry = receipt.trailMap;
  if (entry === undefined) {
    return failed('the checkpoint commits to a trail map of every gift\'s trail, but the receipt has no trailMap entry: it cannot be shown to hold the whole trail');
  }
  if (entry.mapIndex >= map.size) return failed(`the trail map entry's index ${entry.mapIndex} is not below the map's size ${map.size}`);
  const inMap = verifyInclusion(trailMapLeafHash(trailStateOf(receipt, entry)), entry.mapIndex, map.size, entry.inclusionProof, map.root);
  if (!inMap.ok) {
    return failed(`the trail map entry of gift ${receipt.giftId} (trail of ${entry.trailLength} events) is not in the trail map the checkpoint commits to: ${inMap.reason}`);
  }
  const shown = BigInt(receipt.events.length);
  if (shown !== entry.trailLength) {
    const missing = entry.trailLength - shown;
    return failed(
      missing > 0n
        ? `the receipt is incomplete: the checkpoint commits to a trail of ${entry.trailLength} events for gift ${receipt.giftId}, but the receipt shows ${shown} (${missing} left out)`
        : `the receipt shows ${shown} events, but the checkpoint commits to a trail of ${entry.trailLength} events for gift ${receipt.giftId}`,
    );
  }
  return { ok: true, map };
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
