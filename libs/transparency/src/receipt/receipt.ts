/**
 * A receipt: what a donor keeps to check one gift offline. It holds a signed checkpoint of the
 * transparency log and, for each event of the gift's money trail, the event's leaf bytes
 * (encodeLeaf) and their RFC 6962 inclusion proof against that checkpoint.
 *
 *   {
 *     "format": "pangolin-receipt/1",
 *     "giftId": "<gift id>",
 *     "checkpoint": "<C2SP signed note of a tlog-checkpoint, signature lines included>",
 *     "events": [
 *       { "leafIndex": "<decimal>", "leaf": "<base64 of encodeLeaf(event)>", "inclusionProof": ["<base64 of 32 bytes>", ...] }
 *     ],
 *     "trailMap": { "trailLength": "<decimal>", "trailHash": "<base64 of 32 bytes>", "mapIndex": "<decimal>", "inclusionProof": [...] }
 *   }
 *
 * trailMap (when the checkpoint carries a pangolin-trail-map line) is the gift's entry in the trail
 * map the checkpoint commits to and its inclusion proof in that map (see trail-map/trail-map.ts):
 * with it the verifier can tell that `events` is the gift's whole trail up to the checkpoint.
 *
 * Decimals without sign or leading zeros; standard padded base64; no other key, no key twice.
 * The receipt is read by its parsed content: key order, whitespace and string escapes are free, so a
 * receipt re-saved by a standard JSON tool verifies (formatReceipt writes it pretty-printed, keys in
 * the order above). Specified in docs/transparency-spec.md.
 */
import { HASH_SIZE } from '../merkle/rfc6962';
import type { TrailState } from '../trail-map/trail-map';
import { encodeStandardBase64 } from '../signed-note/base64';
import {
  expectArray,
  expectBase64,
  expectDecimalUint64,
  expectObject,
  expectString,
  parseJsonText,
  StrictJsonError,
} from './strict-json';

export const RECEIPT_FORMAT = 'pangolin-receipt/1';

export interface ReceiptEvent {
  /** The leaf's index in the log: the event's global position - 1. */
  readonly leafIndex: bigint;
  /** encodeLeaf(event). */
  readonly leaf: Uint8Array;
  /** inclusionProof(store, leafIndex, checkpoint size): the audit path, from the leaf's sibling upwards. */
  readonly inclusionProof: readonly Uint8Array[];
}

/** The gift's entry in the checkpoint's trail map, with its RFC 6962 inclusion proof in the map. */
export interface ReceiptTrailMapEntry {
  readonly trailLength: bigint;
  readonly trailHash: Uint8Array;
  /** The entry's index among the map's entries (sorted by gift id). */
  readonly mapIndex: bigint;
  readonly inclusionProof: readonly Uint8Array[];
}

export interface Receipt {
  readonly format: typeof RECEIPT_FORMAT;
  readonly giftId: string;
  /** The whole signed note (checkpoint text, blank line, signature lines). */
  readonly checkpoint: string;
  /** In log order (strictly increasing leafIndex); the first is the gift's GiftPledged. */
  readonly events: readonly ReceiptEvent[];
  /** Absent from receipts of checkpoints without a trail map (their completeness is unproven). */
  readonly trailMap?: ReceiptTrailMapEntry;
}

const RECEIPT_KEYS = ['format', 'giftId', 'checkpoint', 'events'] as const;
const TRAIL_MAP_KEYS = ['trailLength', 'trailHash', 'mapIndex', 'inclusionProof'] as const;

/** The receipt's trail map entry as the map state it proves. */
export function trailStateOf(receipt: Pick<Receipt, 'giftId'>, entry: ReceiptTrailMapEntry): TrailState {
  return { giftId: receipt.giftId, length: entry.trailLength, hash: entry.trailHash };
}
const EVENT_KEYS = ['leafIndex', 'leaf', 'inclusionProof'] as const;

/** The receipt's file text: pretty-printed JSON with a final newline. Refuses a receipt parseReceipt would refuse. */
export function formatReceipt(receipt: Receipt): string {
  const json = {
    format: receipt.format,
    giftId: receipt.giftId,
    checkpoint: receipt.checkpoint,
    events: receipt.events.map((event) => ({
      leafIndex: event.leafIndex.toString(10),
      leaf: encodeStandardBase64(event.leaf),
      inclusionProof: event.inclusionProof.map(encodeStandardBase64),
    })),
    ...(receipt.trailMap === undefined
      ? {}
      : {
          trailMap: {
            trailLength: receipt.trailMap.trailLength.toString(10),
            trailHash: encodeStandardBase64(receipt.trailMap.trailHash),
            mapIndex: receipt.trailMap.mapIndex.toString(10),
            inclusionProof: receipt.trailMap.inclusionProof.map(encodeStandardBase64),
          },
        }),
  };
  const text = `${JSON.stringify(json, null, 2)}\n`;
  parseReceipt(text);
  return text;
}

/** Parses receipt text; throws a StrictJsonError naming the JSON path of the first thing refused. */
export function parseReceipt(text: string): Receipt {
  const json = parseJsonText(text);
  const hasTrailMap = typeof json === 'object' && json !== null && !Array.isArray(json) && Object.hasOwn(json, 'trailMap');
  const root = expectObject(json, '$', hasTrailMap ? [...RECEIPT_KEYS, 'trailMap'] : RECEIPT_KEYS);
  if (root.format !== RECEIPT_FORMAT) {
    throw new StrictJsonError('$.format', `must be ${JSON.stringify(RECEIPT_FORMAT)}, got ${JSON.stringify(root.format)}`);
  }
  const giftId = expectString(root.giftId, '$.giftId');
  const checkpoint = expectString(root.checkpoint, '$.checkpoint');
  const eventsJson = expectArray(root.events, '$.events');
  if (eventsJson.length === 0) throw new StrictJsonError('$.events', 'must hold at least the gift\'s GiftPledged event');
  const events = eventsJson.map((eventJson, i): ReceiptEvent => {
    const path = `$.events[${i}]`;
    const event = expectObject(eventJson, path, EVENT_KEYS);
    const proof = expectArray(event.inclusionProof, `${path}.inclusionProof`);
    return {
      leafIndex: expectDecimalUint64(event.leafIndex, `${path}.leafIndex`),
      leaf: expectBase64(event.leaf, `${path}.leaf`),
      inclusionProof: proof.map((hash, j) => expectBase64(hash, `${path}.inclusionProof[${j}]`, HASH_SIZE)),
    };
  });
  if (!hasTrailMap) return { format: RECEIPT_FORMAT, giftId, checkpoint, events };
  const entry = expectObject(root.trailMap, '$.trailMap', TRAIL_MAP_KEYS);
  const mapProof = expectArray(entry.inclusionProof, '$.trailMap.inclusionProof');
  const trailMap: ReceiptTrailMapEntry = {
    trailLength: expectDecimalUint64(entry.trailLength, '$.trailMap.trailLength'),
    trailHash: expectBase64(entry.trailHash, '$.trailMap.trailHash', HASH_SIZE),
    mapIndex: expectDecimalUint64(entry.mapIndex, '$.trailMap.mapIndex'),
    inclusionProof: mapProof.map((hash, j) => expectBase64(hash, `$.trailMap.inclusionProof[${j}]`, HASH_SIZE)),
  };
  return { format: RECEIPT_FORMAT, giftId, checkpoint, events, trailMap };
}
